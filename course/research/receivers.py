"""What research does when facts are recorded: keep its aggregates (``aggregates.py``).

Each receiver writes in the transaction of the fact (it flushes, never commits), so a
rollback undoes the fact and its count together.
"""

from __future__ import annotations

from course import signals
from course.assessments.models import QuizAttempt
from course.extensions import db
from course.research.aggregates import record_attempt, refresh_participant


@signals.attempt_graded.connect
def attempt_graded(user, *, attempt_id: int, **_) -> None:
    """Count a graded attempt in the person's quiz standing and their arm's tallies."""
    attempt = db.session.get(QuizAttempt, attempt_id)
    record_attempt(user.id, attempt.quiz_id, attempt.score, attempt.passed, attempt.correct)


@signals.consent_changed.connect
@signals.allocation_made.connect
def participant_changed(user, **_) -> None:
    """A consent decision or an allocation may include, exclude or move someone."""
    refresh_participant(user.id)
