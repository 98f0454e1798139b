"""Quiz attempts: the order shown, the answers given, the grade."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, Index, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from course.dbtypes import UTCDateTime
from course.extensions import db


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
    #: Per question id: true when answered right.
    correct: Mapped[dict[str, bool]] = mapped_column(JSON, default=dict)
    #: Percent of questions right; None until submitted.
    score: Mapped[float | None] = mapped_column(Float)
    #: Reached the pass mark; None until submitted.
    passed: Mapped[bool | None] = mapped_column()
    #: 1, 2, 3... among this user's submitted attempts at this quiz; None until submitted.
    number: Mapped[int | None] = mapped_column(Integer)
    #: When the quiz was shown (UTC).
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: When the answers were graded (UTC); None while open.
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        # Two tabs or a repeated POST cannot make two attempts with the same number.
        UniqueConstraint("user_id", "quiz_id", "number"),
        Index("ix_quiz_attempts_user_quiz", "user_id", "quiz_id"),
        CheckConstraint("score IS NULL OR (score >= 0 AND score <= 100)", name="score"),
    )

    @property
    def is_open(self) -> bool:
        """Not yet submitted."""
        return self.submitted_at is None
