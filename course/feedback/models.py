"""Faculty feedback on drill responses: a therapist's request and each rater's review."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from course import clock
from course.dbtypes import UTCDateTime
from course.extensions import db


class FeedbackRequest(db.Model):
    """A therapist asks faculty to score one of their drill responses (once per response)."""

    __tablename__ = "feedback_requests"

    #: Internal key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The response to score; one request each.
    response_id: Mapped[int] = mapped_column(ForeignKey("drill_responses.id"), unique=True)
    #: Who asked (the response's author).
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: Reviews wanted: 1, or 2 when the drill set asks for a second rater.
    raters_needed: Mapped[int] = mapped_column(Integer)
    #: When it was asked (UTC).
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now_utc)
    #: When the last review needed arrived (UTC).
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: When the therapist was told (UTC); they are told once.
    told_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (CheckConstraint("raters_needed IN (1, 2)", name="raters"),)


class FeedbackReview(db.Model):
    """One faculty rater's scores (1-5 per criterion) and comment on a response."""

    __tablename__ = "feedback_reviews"

    #: Internal key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The request reviewed.
    request_id: Mapped[int] = mapped_column(ForeignKey("feedback_requests.id"))
    #: The faculty rater.
    rater_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: 1 for the first review of a request, 2 for the second.
    rater_number: Mapped[int] = mapped_column(Integer)
    #: {"criterion id": 1..5}.
    scores: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: What the rater wrote (free text: exported only when asked for).
    comment: Mapped[str] = mapped_column(Text)
    #: When (UTC).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now_utc)

    __table_args__ = (
        UniqueConstraint("request_id", "rater_id", name="uq_feedback_reviews_rater"),
        UniqueConstraint("request_id", "rater_number", name="uq_feedback_reviews_rater_number"),
        CheckConstraint("rater_number IN (1, 2)", name="rater_number"),
    )
