"""The ``quiz: pass`` completion criterion, measured from graded attempts.

Registered with ``course.learning.criteria`` when this package is imported, so the
learning feature can show and check it without importing assessments.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select

from course.assessments.models import QuizAttempt
from course.assessments.scoring import percent_text
from course.catalog.models import Quiz
from course.dbtypes import read_rows
from course.extensions import db
from course.learning.criteria import ChecklistItem, register


@dataclass(frozen=True)
class QuizStanding:
    """A therapist's results on one quiz."""

    attempts: int = 0
    best_score: float | None = None
    passed: bool = False


_STANDINGS = (
    select(
        Quiz.slug,
        func.count(QuizAttempt.id),
        func.max(QuizAttempt.score),
        func.max(db.case((QuizAttempt.passed.is_(True), 1), else_=0)),
    )
    .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
    .where(QuizAttempt.user_id == bindparam("user_id"), QuizAttempt.submitted_at.is_not(None))
    .group_by(Quiz.slug)
)


# Built once with its parameters: a statement built per call is compiled per call.
_STANDINGS_OF = _STANDINGS.where(Quiz.slug == bindparam("slug"))


def quiz_standings(user_id: int, slug: str | None = None) -> dict[str, QuizStanding]:
    """Attempts, best score and pass per quiz slug (or for one quiz), in one query."""
    query, params = (_STANDINGS, {}) if slug is None else (_STANDINGS_OF, {"slug": slug})
    return {
        slug: QuizStanding(n, best, bool(passed))
        for slug, n, best, passed in read_rows(query, {"user_id": user_id, **params})
    }


class QuizCriterion:
    """``quiz: pass``: the module's quiz (named after its slug) has a passing attempt."""

    key = "quiz"

    def standings(self, user_id: int, modules: Sequence[Any]) -> Mapping[str, QuizStanding]:
        """Standings on the quizzes of ``modules`` (every quiz for a whole course)."""
        return quiz_standings(user_id, modules[0].slug if len(modules) == 1 else None)

    def item(self, rule: Any, module: Any, standings: Mapping[str, Any]) -> ChecklistItem:
        """The quiz line of the checklist."""
        quiz = standings.get(module.slug) or QuizStanding()
        status = _("not taken yet")
        if quiz.attempts:
            best = percent_text(quiz.best_score)
            status = (
                _("passed (best %(score)s)", score=best)
                if quiz.passed
                else _("not passed yet (best %(score)s)", score=best)
            )
        return ChecklistItem("quiz", _("Quiz"), status, 1.0 if quiz.passed else 0.0, quiz.passed)

    def started(self, module: Any, standings: Mapping[str, Any]) -> bool:
        """Any submitted attempt counts as starting the module."""
        return module.slug in standings


register(QuizCriterion())
