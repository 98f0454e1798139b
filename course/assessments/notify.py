"""Notices about attempts: trainers hear of a therapist out of attempts, who hears of a grant."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from course.auth.models import User
from course.extensions import db
from course.notices.services import notify


def tell_trainers(therapist: User, slug: str, limit: int) -> None:
    """Every active trainer: this therapist used the last attempt without passing."""
    trainers = db.session.scalars(
        select(User).where(User.role == "trainer", User.active.is_(True)).order_by(User.id)
    )
    for trainer in trainers:
        notify(
            trainer,
            "quiz.attempts_used",
            _l(
                "%(name)s has used all %(limit)s attempts at the %(quiz)s quiz without "
                "passing. You can give another attempt.",
                name=therapist.name,
                limit=limit,
                quiz=slug,
            ),
            "assessments.attempts_used",
            slug=slug,
        )


def tell_therapist(therapist: User, slug: str) -> None:
    """The therapist: a trainer gave another attempt."""
    notify(
        therapist,
        "quiz.attempt_granted",
        _l("A trainer has given you another attempt at the %(quiz)s quiz.", quiz=slug),
        "assessments.quiz",
        slug=slug,
    )
