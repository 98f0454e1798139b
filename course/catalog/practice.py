"""Published practice content: branching scenarios and drill sets, as immutable revisions.

Like modules, each file becomes a revision whose Markdown is rendered once and stored;
publishing points the scenario (or drill set) at a new revision. Learners' runs and
responses point at the revision they were made on.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course import clock
from course.dbtypes import UTCDateTime
from course.extensions import db


class Scenario(db.Model):
    """A branching scenario's identity (its slug); its content lives in revisions."""

    __tablename__ = "scenarios"

    #: Internal key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The file name's stem, used in URLs and completion rules.
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    #: The revision learners play; None until first published.
    published_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("scenario_revisions.id", use_alter=True, name="fk_scenarios_published_revision")
    )
    #: When it was first created (UTC).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now_utc)

    published: Mapped[ScenarioRevision | None] = relationship(
        foreign_keys=[published_revision_id], post_update=True
    )


class ScenarioRevision(db.Model):
    """One immutable version of a scenario file, with every step rendered once."""

    __tablename__ = "scenario_revisions"

    #: Internal key; runs point here.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The scenario this is a version of.
    scenario_id: Mapped[int] = mapped_column(ForeignKey("scenarios.id"), index=True)
    #: 1, 2, 3... per scenario.
    number: Mapped[int] = mapped_column(Integer)
    #: The YAML text exactly as written.
    source: Mapped[str] = mapped_column(Text)
    #: sha256 of ``source``.
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    #: Title, copied out of the file.
    title: Mapped[str] = mapped_column(String(200))
    #: One-sentence summary.
    summary: Mapped[str] = mapped_column(Text)
    #: The first step's id.
    start: Mapped[str] = mapped_column(String(80))
    #: Rendered steps: [{"id", "moment_html", "clip_html", "choices", "branch", "ending"}].
    steps: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    #: Who wrote it (None for a file import without an actor).
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: When it was written (UTC).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now_utc)
    #: When it was published; None for a draft. Set once.
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    scenario: Mapped[Scenario] = relationship(foreign_keys=[scenario_id])

    __table_args__ = (UniqueConstraint("scenario_id", "number"),)

    @property
    def status(self) -> str:
        """draft or published."""
        return "published" if self.published_at else "draft"

    def step(self, step_id: str) -> dict[str, Any] | None:
        """A rendered step by id."""
        return next((s for s in self.steps if s["id"] == step_id), None)


class DrillSet(db.Model):
    """A drill set's identity (its slug); its items live in revisions."""

    __tablename__ = "drill_sets"

    #: Internal key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The file name's stem.
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    #: The revision learners practise; None until first published.
    published_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey(
            "drill_set_revisions.id", use_alter=True, name="fk_drill_sets_published_revision"
        )
    )
    #: When it was first created (UTC).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now_utc)

    published: Mapped[DrillSetRevision | None] = relationship(
        foreign_keys=[published_revision_id], post_update=True
    )


class DrillSetRevision(db.Model):
    """One immutable version of a drill file (criteria and models: server only)."""

    __tablename__ = "drill_set_revisions"

    #: Internal key; responses point here.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The set this is a version of.
    drill_set_id: Mapped[int] = mapped_column(ForeignKey("drill_sets.id"), index=True)
    #: 1, 2, 3... per set.
    number: Mapped[int] = mapped_column(Integer)
    #: The YAML text exactly as written.
    source: Mapped[str] = mapped_column(Text)
    #: sha256 of ``source``.
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    #: Title, copied out of the file.
    title: Mapped[str] = mapped_column(String(200))
    #: One-sentence summary.
    summary: Mapped[str] = mapped_column(Text)
    #: The shortest response accepted, in characters.
    min_response_chars: Mapped[int] = mapped_column(Integer)
    #: Whether feedback requests ask two faculty raters.
    second_rater: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Rendered items: [{"id", "level", "kind", "marker", "statement_html", "criteria", ...}].
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    #: Who wrote it.
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: When it was written (UTC).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now_utc)
    #: When it was published; None for a draft.
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    drill_set: Mapped[DrillSet] = relationship(foreign_keys=[drill_set_id])

    __table_args__ = (UniqueConstraint("drill_set_id", "number"),)

    @property
    def status(self) -> str:
        """draft or published."""
        return "published" if self.published_at else "draft"

    def item(self, item_id: str) -> dict[str, Any] | None:
        """A rendered item by id."""
        return next((i for i in self.items if i["id"] == item_id), None)


def published_scenario(slug: str) -> ScenarioRevision | None:
    """The published revision of the scenario with this slug."""
    return db.session.scalar(
        db.select(ScenarioRevision)
        .join(Scenario, Scenario.published_revision_id == ScenarioRevision.id)
        .where(Scenario.slug == slug)
    )


def published_drills(slug: str) -> DrillSetRevision | None:
    """The published revision of the drill set with this slug."""
    return db.session.scalar(
        db.select(DrillSetRevision)
        .join(DrillSet, DrillSet.published_revision_id == DrillSetRevision.id)
        .where(DrillSet.slug == slug)
    )


def published_practice() -> tuple[
    list[tuple[str, ScenarioRevision]], list[tuple[str, DrillSetRevision]]
]:
    """Every published scenario and drill set as (slug, revision), by title."""
    scenarios = db.session.execute(
        db.select(Scenario.slug, ScenarioRevision)
        .join(ScenarioRevision, Scenario.published_revision_id == ScenarioRevision.id)
        .order_by(ScenarioRevision.title)
    ).all()
    drills = db.session.execute(
        db.select(DrillSet.slug, DrillSetRevision)
        .join(DrillSetRevision, DrillSet.published_revision_id == DrillSetRevision.id)
        .order_by(DrillSetRevision.title)
    ).all()
    return [tuple(r) for r in scenarios], [tuple(r) for r in drills]
