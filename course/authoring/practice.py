"""Scenarios and drill sets in the browser: drafts, publishing, history and the list.

As in services.py, everything flushes and never commits. A draft must parse; publishing
checks the whole course as `content import` does, since a module's completion rule may name
the scenario or drill set (and the number of drill items it asks for).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func

from course.auth.models import User
from course.authoring.revisions import media_url, transcript_url, write_drills, write_scenario
from course.authoring.services import check_course, published_bundle
from course.catalog.practice import DrillSet, DrillSetRevision, Scenario, ScenarioRevision
from course.content import (
    ContentError,
    ContentErrors,
    DrillSetSource,
    ScenarioSource,
    parse_drills,
    parse_scenario,
    render_drills,
    render_scenario,
)
from course.content.fields import SLUG_RE
from course.extensions import db

Source = ScenarioSource | DrillSetSource


@dataclass(frozen=True)
class Kind:
    """What differs between scenarios and drill sets; everything else is shared."""

    #: The folder of its files, and its name in addresses: scenarios or drills.
    folder: str
    #: What a trainer calls one: "scenario" or "drill set".
    noun: str
    owner: Any
    revision: Any
    #: The revision column naming the owner.
    owner_column: Any
    parse: Callable[[str, str], Source]
    write: Callable[..., Any]
    render: Callable[..., dict[str, Any]]
    example: str


SCENARIOS = Kind(
    "scenarios",
    "scenario",
    Scenario,
    ScenarioRevision,
    ScenarioRevision.scenario_id,
    parse_scenario,
    write_scenario,
    render_scenario,
    "withdrawal-session-four",
)
DRILLS = Kind(
    "drills",
    "drill set",
    DrillSet,
    DrillSetRevision,
    DrillSetRevision.drill_set_id,
    parse_drills,
    write_drills,
    render_drills,
    "responding-to-withdrawal",
)
KINDS = {kind.folder: kind for kind in (SCENARIOS, DRILLS)}


def filename(kind: Kind, slug: str) -> str:
    """The file a scenario or drill set is exported as."""
    return f"{kind.folder}/{slug}.yaml"


def parse_text(kind: Kind, text: str, slug: str | None) -> Source:
    """Parse text typed in the browser as the file ``<folder>/<slug>.yaml``; a missing or
    malformed slug is one more error (path ``slug``) beside those of the text."""
    errors: list[ContentError] = []
    if not slug or not SLUG_RE.match(slug):
        if not slug:
            message = _(
                "'slug' must not be empty: use lowercase letters, digits and single hyphens, "
                "e.g. %(example)s",
                example=kind.example,
            )
        else:
            message = _(
                "'slug' %(slug)r is not allowed: use lowercase letters, digits and single "
                "hyphens, e.g. %(example)s",
                slug=slug,
                example=kind.example,
            )
        errors.append(ContentError(filename(kind, "draft"), 1, message, "slug"))
        slug = "draft"
    try:
        source = kind.parse(text, filename(kind, slug))
    except ContentErrors as exc:
        errors += exc.errors
    if errors:
        raise ContentErrors(errors)
    return source


def find(kind: Kind, slug: str):
    """The Scenario or DrillSet with this slug, or None."""
    return db.session.scalar(db.select(kind.owner).where(kind.owner.slug == slug))


def _parse_new_or_existing(kind: Kind, text: str, slug: str | None, creating: bool) -> Source:
    source = parse_text(kind, text, slug)
    if creating and find(kind, source.slug) is not None:
        if kind.folder == "scenarios":
            message = _(
                "a scenario with slug %(slug)r already exists: edit it instead", slug=source.slug
            )
        else:
            message = _(
                "a drill set with slug %(slug)r already exists: edit it instead", slug=source.slug
            )
        raise ContentErrors([ContentError(source.filename, 1, message, "slug")])
    return source


def save_draft(kind: Kind, text: str, *, slug: str | None, actor, creating: bool = False):
    """Keep a draft revision: it must parse, but need not pass the whole-course checks yet."""
    source = _parse_new_or_existing(kind, text, slug, creating)
    return kind.write(source, actor=actor, publish=False)


def publish(kind: Kind, text: str, *, slug: str | None, actor, creating: bool = False):
    """Publish after checking the whole course with this file in it (audit-logged)."""
    source = _parse_new_or_existing(kind, text, slug, creating)
    bundle = published_bundle()
    sources = {**getattr(bundle, kind.folder), source.slug: source}
    check_course(replace(bundle, **{kind.folder: dict(sorted(sources.items()))}))
    return kind.write(source, actor=actor, publish=True)


def preview(kind: Kind, text: str, slug: str | None) -> tuple[dict | None, list[ContentError]]:
    """What learners would get (rendered as publishing renders it) and what is wrong; a
    slug not typed yet is asked for only when saving."""
    try:
        source = parse_text(kind, text, slug or "draft")
    except ContentErrors as exc:
        return None, exc.errors
    return kind.render(source, media_url=media_url, transcript_url=transcript_url), []


def restore(kind: Kind, owner, old, *, actor):
    """Start a new draft from an older revision's text (history is never rewritten)."""
    source = kind.parse(old.source, filename(kind, owner.slug))
    return kind.write(source, actor=actor, publish=False)


# --- what the pages show ----------------------------------------------------------------


@dataclass(frozen=True)
class PracticeRow:
    """One scenario or drill set in the list: what learners see and what is waiting."""

    slug: str
    title: str
    published_number: int | None
    latest_number: int
    edited_at: datetime
    edited_by: str | None

    @property
    def has_draft(self) -> bool:
        """A revision newer than the published one (or nothing published yet)."""
        return self.published_number is None or self.latest_number > self.published_number


def rows(kind: Kind) -> list[PracticeRow]:
    """Every scenario (or drill set), by title: published revision, newest revision, author."""
    rev, owner = kind.revision, kind.owner
    newest = (
        db.select(kind.owner_column.label("owner_id"), func.max(rev.number).label("number"))
        .group_by(kind.owner_column)
        .subquery()
    )
    found = db.session.execute(
        db.select(owner, rev, User.name)
        .join(newest, newest.c.owner_id == owner.id)
        .join(rev, (kind.owner_column == owner.id) & (rev.number == newest.c.number))
        .outerjoin(User, User.id == rev.author_id)
    ).all()
    published = dict(
        db.session.execute(
            db.select(owner.id, rev).join(rev, owner.published_revision_id == rev.id)
        ).all()
    )
    result = [
        PracticeRow(
            slug=item.slug,
            title=(published.get(item.id) or last).title,
            published_number=published[item.id].number if item.id in published else None,
            latest_number=last.number,
            edited_at=last.created_at,
            edited_by=author,
        )
        for item, last, author in found
    ]
    return sorted(result, key=lambda row: (row.title.lower(), row.slug))


def latest_revision(kind: Kind, owner):
    """The newest revision, draft or published."""
    return db.session.scalar(
        db.select(kind.revision)
        .where(kind.owner_column == owner.id)
        .order_by(kind.revision.number.desc())
        .limit(1)
    )


def revision(kind: Kind, owner, number: int):
    """One revision by its number, or None."""
    return db.session.scalar(
        db.select(kind.revision).where(
            kind.owner_column == owner.id, kind.revision.number == number
        )
    )


def history(kind: Kind, owner) -> list[tuple[Any, str | None]]:
    """Every revision with its author's name, newest first."""
    return [
        (rev, name)
        for rev, name in db.session.execute(
            db.select(kind.revision, User.name)
            .outerjoin(User, User.id == kind.revision.author_id)
            .where(kind.owner_column == owner.id)
            .order_by(kind.revision.number.desc())
        ).all()
    ]


# --- what a new file starts from ----------------------------------------------------------

STARTERS = {
    "scenarios": """\
title: "Session one: a short scenario"
summary: One sentence shown in the course.
start: opening
steps:
  - id: opening
    moment: |
      What the client says and does.
    choices:
      - id: name-it
        text: "What you could say."
        goto: explored
        feedback: |
          Why this helps (or not).
        points: 1
      - id: move-on
        text: "Another thing you could say."
        goto: explored
        feedback: |
          Why this helps (or not).
  - id: explored
    moment: |
      What happens next.
    ending:
      title: The tension is named
      debrief: |
        What happened on this path, and why.
""",
    "drills": """\
title: Responding to a tension
summary: One sentence shown in the course.
items:
  - id: first-item
    level: beginner
    kind: withdrawal
    marker: minimal-response
    statement: |
      (Looking at the floor) "It's fine."
    criteria:
      - id: observe
        text: Names what you noticed, tentatively
      - id: invite
        text: Invites the client to say more
    models:
      - "I notice you said that quietly. What is it like to be asked?"
      - "It may be hard to say what you think right now. Would you tell me a bit more?"
""",
}
