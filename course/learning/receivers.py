"""What learning does when other features record facts."""

from __future__ import annotations

from course import signals
from course.catalog import published_course
from course.learning.completion import evaluate
from course.learning.progress import lock_module_progress
from course.learning.unlocks import announce_unlocks


@signals.module_completed.connect
def module_completed(user, *, module: str, **_) -> None:
    """Completing a module may open the modules that require it: tell the learner."""
    announce_unlocks(user, published_course(), module)


@signals.attempt_graded.connect
def quiz_graded(user, *, quiz: str, **_) -> None:
    """A graded quiz may complete its module (the quiz is named after the module)."""
    module = published_course().module(quiz)
    if module is not None:
        evaluate(user, module, lock_module_progress(user.id, module.module_id))


@signals.scenario_finished.connect
def scenario_finished(user, *, scenario: str, **_) -> None:
    """Finishing a scenario may complete the modules that ask for it."""
    _evaluate_where(user, lambda rule: rule.get("scenario") == scenario)


@signals.drill_rated.connect
def drill_rated(user, *, drill_set: str, **_) -> None:
    """A rated drill item may complete the modules that ask for practice in its set."""
    _evaluate_where(user, lambda rule: (rule.get("practice") or {}).get("set") == drill_set)


def _evaluate_where(user, asks) -> None:
    for module in published_course().modules:
        if asks(module.completion or {}):
            evaluate(user, module, lock_module_progress(user.id, module.module_id))
