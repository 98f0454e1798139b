"""What learners do in practice: scenario runs and their choices, drill responses and ratings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from course import clock
from course.dbtypes import UTCDateTime
from course.extensions import db
from course.web.i18n import LANGUAGE_CHECK, page_language

LEVELS = ("beginner", "intermediate", "advanced")
DIFFICULTIES = ("too_easy", "about_right", "too_hard")


class ScenarioRun(db.Model):
    """One play-through of a scenario by one therapist, on one revision."""

    __tablename__ = "scenario_runs"

    #: Internal key; the learner's page carries it, the server checks it is theirs.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: Who plays.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: The scenario played.
    scenario_id: Mapped[int] = mapped_column(ForeignKey("scenarios.id"))
    #: The revision played (a new revision does not change a run under way).
    revision_id: Mapped[int] = mapped_column(ForeignKey("scenario_revisions.id"))
    #: 1, 2, 3... per therapist and scenario ("play again" starts the next one).
    number: Mapped[int] = mapped_column(Integer)
    #: The step the learner is at now.
    current_step: Mapped[str] = mapped_column(String(80))
    #: Choices made so far (the next one is number position + 1).
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: Points gathered so far.
    points: Mapped[int] = mapped_column(Integer, default=0)
    #: When it began (UTC).
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now_utc)
    #: When an ending was reached (UTC); None while under way.
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The language of the page it was made on: en or fr (see course.web.i18n).
    language: Mapped[str] = mapped_column(String(8), default=page_language, server_default="en")

    __table_args__ = (
        UniqueConstraint("user_id", "scenario_id", "number"),
        CheckConstraint("position >= 0", name="position"),
        CheckConstraint(LANGUAGE_CHECK, name="language"),
    )


class ScenarioChoice(db.Model):
    """One choice in a run: kept for ever, one per position (two tabs cannot both choose)."""

    __tablename__ = "scenario_choices"

    #: Internal key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The run.
    run_id: Mapped[int] = mapped_column(ForeignKey("scenario_runs.id"))
    #: 1, 2, 3... along the run's path.
    position: Mapped[int] = mapped_column(Integer)
    #: The step it was made at.
    step_id: Mapped[str] = mapped_column(String(80))
    #: The choice taken.
    choice_id: Mapped[str] = mapped_column(String(80))
    #: The choice's tags, copied for research.
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: The choice's points.
    points: Mapped[int] = mapped_column(Integer, default=0)
    #: When (UTC).
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now_utc)
    #: The language of the page it was made on: en or fr (see course.web.i18n).
    language: Mapped[str] = mapped_column(String(8), default=page_language, server_default="en")

    __table_args__ = (
        UniqueConstraint("run_id", "position"),
        CheckConstraint(LANGUAGE_CHECK, name="language"),
    )


class DrillResponse(db.Model):
    """A therapist's own response to one drill item, then their self-ratings."""

    __tablename__ = "drill_responses"

    #: Internal key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: Who responded.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: The drill set.
    drill_set_id: Mapped[int] = mapped_column(ForeignKey("drill_sets.id"))
    #: The revision answered.
    revision_id: Mapped[int] = mapped_column(ForeignKey("drill_set_revisions.id"))
    #: The item's id in the file.
    item_id: Mapped[str] = mapped_column(String(80))
    #: The item's level.
    level: Mapped[str] = mapped_column(String(20))
    #: What the therapist typed (free text: exported only when asked for).
    text: Mapped[str] = mapped_column(Text)
    #: Its length in characters (exported always).
    length: Mapped[int] = mapped_column(Integer)
    #: When it was stored (UTC).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now_utc)
    #: Self-ratings against each criterion: {"criterion id": 1..5}; None until rated.
    ratings: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    #: too_easy, about_right or too_hard; None until rated.
    difficulty: Mapped[str | None] = mapped_column(String(12))
    #: When it was rated (UTC).
    rated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The language of the page it was made on: en or fr (see course.web.i18n).
    language: Mapped[str] = mapped_column(String(8), default=page_language, server_default="en")

    __table_args__ = (
        CheckConstraint("level IN ('beginner', 'intermediate', 'advanced')", name="level"),
        CheckConstraint(
            "difficulty IS NULL OR difficulty IN ('too_easy', 'about_right', 'too_hard')",
            name="difficulty",
        ),
        CheckConstraint("(ratings IS NULL) = (rated_at IS NULL)", name="rated"),
        CheckConstraint(LANGUAGE_CHECK, name="language"),
        Index("ix_drill_responses_user_set", "user_id", "drill_set_id"),
    )


class DrillLevel(db.Model):
    """The level a therapist is practising a drill set at (theirs to pick, or adapted)."""

    __tablename__ = "drill_levels"

    #: Who.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    #: Which set.
    drill_set_id: Mapped[int] = mapped_column(ForeignKey("drill_sets.id"), primary_key=True)
    #: beginner, intermediate or advanced.
    level: Mapped[str] = mapped_column(String(20))
    #: learner (they picked it) or adapted (two ratings in a row moved it).
    source: Mapped[str] = mapped_column(String(10))
    #: When it last changed (UTC): only ratings after it count towards the next move.
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        CheckConstraint("level IN ('beginner', 'intermediate', 'advanced')", name="level"),
        CheckConstraint("source IN ('learner', 'adapted')", name="source"),
    )
