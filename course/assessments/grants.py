"""Another attempt for a therapist out of attempts: who needs one, and the audited grant."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from course import clock
from course.assessments.models import QuizAttempt, QuizAttemptGrant
from course.assessments.notify import tell_therapist
from course.assessments.services import QuizError, allowance, base_limit, lock_attempts
from course.audit.services import record
from course.auth.models import User
from course.catalog.models import Quiz, QuizRevision
from course.extensions import db

REASON_MAX = 500


@dataclass(frozen=True)
class OutOfAttempts:
    """A therapist who used every attempt at a quiz without passing."""

    user_id: int
    name: str
    email: str
    used: int
    granted: int
    best_score: float
    last_at: datetime


def published_quiz(slug: str) -> tuple[Quiz, QuizRevision]:
    """The quiz and its published revision, or a 404 refusal."""
    quiz = db.session.scalar(select(Quiz).where(Quiz.slug == slug))
    if quiz is None or quiz.published_revision_id is None:
        raise QuizError(_("This module has no published quiz."), 404)
    return quiz, db.session.get(QuizRevision, quiz.published_revision_id)


def out_of_attempts(quiz: Quiz, revision: QuizRevision) -> list[OutOfAttempts]:
    """Therapists with no attempt left and no pass, in one query; empty when unlimited."""
    base = base_limit(revision)
    if not base:
        return []
    granted = (
        select(func.count(QuizAttemptGrant.id))
        .where(QuizAttemptGrant.user_id == User.id, QuizAttemptGrant.quiz_id == quiz.id)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(
            User.id,
            User.name,
            User.email,
            func.count(QuizAttempt.id),
            granted,
            func.max(QuizAttempt.score),
            func.max(QuizAttempt.submitted_at),
        )
        .join(QuizAttempt, QuizAttempt.user_id == User.id)
        .where(
            User.role == "therapist",
            QuizAttempt.quiz_id == quiz.id,
            QuizAttempt.submitted_at.is_not(None),
        )
        .group_by(User.id, User.name, User.email)
        .having(func.max(db.case((QuizAttempt.passed.is_(True), 1), else_=0)) == 0)
        .order_by(func.max(QuizAttempt.submitted_at).desc())
    )
    return [
        OutOfAttempts(uid, name, email, used, extra, best or 0.0, last)
        for uid, name, email, used, extra, best, last in rows
        if used >= base + extra
    ]


def grant_attempt(actor: User, slug: str, user_id: int, reason: str) -> QuizAttemptGrant:
    """One more attempt for a therapist who has none left and has not passed; audited."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise QuizError(_("Say why you are giving another attempt."), 422, field="reason")
    if len(reason) > REASON_MAX:
        raise QuizError(
            _("Keep the reason under %(count)d characters.", count=REASON_MAX), 422, field="reason"
        )
    quiz, revision = published_quiz(slug)
    therapist = db.session.get(User, user_id)
    if therapist is None or therapist.role != "therapist":
        raise QuizError(_("There is no such therapist."), 404)
    lock_attempts(therapist.id, quiz.id)
    allowed = allowance(therapist.id, quiz.id, revision)
    if allowed.passed:
        raise QuizError(_("%(name)s has already passed this quiz.", name=therapist.name), 409)
    if not allowed.exhausted:
        raise QuizError(
            _("%(name)s still has attempts left at this quiz.", name=therapist.name), 409
        )
    grant = QuizAttemptGrant(
        user_id=therapist.id,
        quiz_id=quiz.id,
        granted_by_id=actor.id,
        granted_at=clock.now_utc(),
        reason=reason,
    )
    db.session.add(grant)
    db.session.flush()
    record(
        "quiz.attempt_granted",
        actor=actor,
        target=f"user:{therapist.id}",
        quiz=slug,
        attempts_used=allowed.used,
        limit_before=allowed.limit,
        reason=reason,
    )
    tell_therapist(therapist, slug)
    return grant
