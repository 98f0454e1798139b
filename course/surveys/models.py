"""Survey responses: item answers as given, scores computed on submit, due-notices sent.

Research exports read these tables: one ``survey_responses`` row per therapist, survey
and trigger; one ``survey_answers`` row per answered item (REDCap variable name in
``item``); one ``survey_scores`` row per instrument of a submitted response.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course.dbtypes import UTCDateTime
from course.extensions import db
from course.web.i18n import LANGUAGE_CHECK, page_language

STATUSES = ("draft", "submitted")


class SurveyResponse(db.Model):
    """One therapist's answers to one scheduled survey: a draft until submitted, then fixed."""

    __tablename__ = "survey_responses"

    #: Internal key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: Who answers.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: The survey (or single instrument) name from modules/course.yaml, e.g. acceptability.
    survey: Mapped[str] = mapped_column(String(64))
    #: What made it due: after_course, after_module:<slug> or after_consultations:<n>.
    trigger: Mapped[str] = mapped_column(String(120))
    #: draft (saved, may change) or submitted (scored, never changes again).
    status: Mapped[str] = mapped_column(String(16), default="draft")
    #: First save (UTC).
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: Latest save or the submission (UTC).
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: Submission time (UTC); set exactly when status is submitted.
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The language of the page it was made on: en or fr (see course.web.i18n).
    language: Mapped[str] = mapped_column(String(8), default=page_language, server_default="en")

    answers: Mapped[list[SurveyAnswer]] = relationship(
        back_populates="response", cascade="all, delete-orphan", order_by="SurveyAnswer.id"
    )
    scores: Mapped[list[SurveyScore]] = relationship(
        back_populates="response", cascade="all, delete-orphan", order_by="SurveyScore.id"
    )

    __table_args__ = (
        UniqueConstraint("user_id", "survey", "trigger"),
        CheckConstraint("status IN ('draft', 'submitted')", name="status"),
        CheckConstraint(
            "(status = 'draft' AND submitted_at IS NULL)"
            " OR (status = 'submitted' AND submitted_at IS NOT NULL)",
            name="submitted_at",
        ),
        CheckConstraint(LANGUAGE_CHECK, name="language"),
    )

    @property
    def submitted(self) -> bool:
        """True once submitted: the answers and scores are final."""
        return self.status == "submitted"


class SurveyAnswer(db.Model):
    """One answered item of a response (unanswered items have no row)."""

    __tablename__ = "survey_answers"

    #: Internal key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The response it belongs to.
    response_id: Mapped[int] = mapped_column(
        ForeignKey("survey_responses.id", ondelete="CASCADE"), index=True
    )
    #: Instrument name, e.g. aim.
    instrument: Mapped[str] = mapped_column(String(64))
    #: Item id, which is also its REDCap variable name, e.g. aim_1.
    item: Mapped[str] = mapped_column(String(32))
    #: The scale point chosen, for scale items.
    choice: Mapped[int | None] = mapped_column(Integer)
    #: The answer as typed, for free-text items (stored raw; escaped wherever shown).
    text: Mapped[str | None] = mapped_column(Text)

    response: Mapped[SurveyResponse] = relationship(back_populates="answers")

    __table_args__ = (
        UniqueConstraint("response_id", "item"),
        CheckConstraint(
            "(choice IS NOT NULL AND text IS NULL) OR (choice IS NULL AND text IS NOT NULL)",
            name="one_value",
        ),
    )

    @property
    def value(self) -> int | str | None:
        """The answer, whichever kind it is."""
        return self.choice if self.choice is not None else self.text


class SurveyScore(db.Model):
    """One instrument's score in a submitted response, with the rule that produced it."""

    __tablename__ = "survey_scores"

    #: Internal key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The submitted response.
    response_id: Mapped[int] = mapped_column(
        ForeignKey("survey_responses.id", ondelete="CASCADE"), index=True
    )
    #: Instrument name, e.g. sus.
    instrument: Mapped[str] = mapped_column(String(64))
    #: The score; None when the missing-item rule gives none or the instrument is not scored.
    value: Mapped[float | None] = mapped_column(Float)
    #: Scored items answered.
    answered: Mapped[int] = mapped_column(Integer)
    #: Scored items left blank.
    missing: Mapped[int] = mapped_column(Integer)
    #: The rule applied, in words, e.g. "mean of 3 answered items (needs ≥ 3 of 4)".
    rule: Mapped[str] = mapped_column(String(300))

    response: Mapped[SurveyResponse] = relationship(back_populates="scores")

    __table_args__ = (
        UniqueConstraint("response_id", "instrument"),
        CheckConstraint("answered >= 0 AND missing >= 0", name="counts"),
    )


class SurveyNotice(db.Model):
    """A survey became due for a therapist: recorded once, so the e-mail goes out once."""

    __tablename__ = "survey_notices"

    #: Internal key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: Whose survey.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: Survey name, as in survey_responses.
    survey: Mapped[str] = mapped_column(String(64))
    #: Trigger, as in survey_responses.
    trigger: Mapped[str] = mapped_column(String(120))
    #: When it was found due (UTC).
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: When the e-mail was queued in the outbox (UTC); the outbox records its delivery.
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (UniqueConstraint("user_id", "survey", "trigger"),)
