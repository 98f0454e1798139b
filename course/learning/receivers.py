"""What learning does when other features record facts."""

from __future__ import annotations

from course import signals
from course.catalog import published_course
from course.learning.completion import evaluate
from course.learning.progress import lock_module_progress


@signals.attempt_graded.connect
def quiz_graded(user, *, quiz: str, **_) -> None:
    """A graded quiz may complete its module (the quiz is named after the module)."""
    module = published_course().module(quiz)
    if module is None:
        return
    evaluate(user, module, lock_module_progress(user.id, module.module_id))
