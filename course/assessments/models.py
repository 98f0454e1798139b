"""Quiz attempts: the order shown, the answers given, the grade."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from course.dbtypes import UTCDateTime
from course.extensions import db
from course.web.i18n import LANGUAGE_CHECK, page_language


class QuizAttempt(db.Model):
    """One attempt at a quiz revision. Started when the quiz is shown, graded once."""

    __tablename__ = "quiz_attempts"

    #: Internal key; also in the result page's URL.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: Who is answering.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: The quiz (across revisions); attempt numbers count per quiz.
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"))
    #: The exact revision answered.
    quiz_revision_id: Mapped[int] = mapped_column(ForeignKey("quiz_revisions.id"))
    #: Question ids in the order shown, each with its option ids in the order shown.
    layout: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    #: Chosen option ids per question id; empty until submitted.
    answers: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict)
    #: Per question id: true when the answer earned full credit.
    correct: Mapped[dict[str, bool]] = mapped_column(JSON, default=dict)
    #: Per question id: the item score from 0 to 1 (``scoring.item_score``). None on
    #: attempts graded before partial credit, whose items scored 1 when right, else 0.
    points: Mapped[dict[str, float] | None] = mapped_column(JSON)
    #: Percent: the sum of the item scores over the number of questions (attempts graded
    #: before partial credit keep the percent of questions right they were given).
    score: Mapped[float | None] = mapped_column(Float)
    #: Reached the pass mark; None until submitted.
    passed: Mapped[bool | None] = mapped_column()
    #: 1, 2, 3... among this user's submitted attempts at this quiz; None until submitted.
    number: Mapped[int | None] = mapped_column(Integer)
    #: When the quiz was shown (UTC).
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: When the answers were graded (UTC); None while open.
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The language of the page it was made on: en or fr (see course.web.i18n).
    language: Mapped[str] = mapped_column(String(8), default=page_language, server_default="en")

    __table_args__ = (
        # Two tabs or a repeated POST cannot make two attempts with the same number.
        UniqueConstraint("user_id", "quiz_id", "number"),
        Index("ix_quiz_attempts_user_quiz", "user_id", "quiz_id"),
        CheckConstraint("score IS NULL OR (score >= 0 AND score <= 100)", name="score"),
        CheckConstraint(LANGUAGE_CHECK, name="language"),
    )

    @property
    def is_open(self) -> bool:
        """Not yet submitted."""
        return self.submitted_at is None

    @property
    def item_scores(self) -> dict[str, float]:
        """Per question id, the score from 0 to 1, for old and new attempts alike."""
        return item_scores(self.points, self.correct)


def item_scores(points: dict | None, correct: dict | None) -> dict[str, float]:
    """Item scores from the stored columns: ``points``, or 1/0 from ``correct`` before it."""
    if points is not None:
        return {qid: float(score) for qid, score in points.items()}
    return {qid: 1.0 if ok else 0.0 for qid, ok in (correct or {}).items()}


class QuizAttemptGrant(db.Model):
    """One more attempt at a quiz for one therapist, given by a trainer or an admin."""

    __tablename__ = "quiz_attempt_grants"

    #: Internal key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The therapist who may try once more.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: The quiz (across revisions).
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"))
    #: The trainer or admin who gave it.
    granted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: When (UTC).
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: Why, in the giver's words (also in the audit log).
    reason: Mapped[str] = mapped_column(Text)

    __table_args__ = (
        Index("ix_quiz_attempt_grants_user_quiz", "user_id", "quiz_id"),
        CheckConstraint("length(reason) > 0", name="reason"),
    )
