"""Where each learner last read: one row per learner, moved as they read a module."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select, update

from course import clock
from course.catalog import PublishedCourse, PublishedModule
from course.dbtypes import insert_ignoring_conflicts
from course.errors import DomainError
from course.extensions import db
from course.learning.models import ReadingPosition

_ANCHOR = re.compile(r"^[A-Za-z0-9_-]{1,200}$")


class PositionError(DomainError):
    """A reading position was refused; the message says why."""


@dataclass(frozen=True)
class LastRead:
    """The section a learner last read, as it stands in the published course."""

    slug: str
    module_title: str
    anchor: str
    heading: str


def anchors_of(revision: PublishedModule) -> dict[str, str]:
    """Anchor -> heading text of every section of a revision."""
    return {entry["anchor"]: entry["text"] for entry in revision.toc}


def record_position(user_id: int, revision: PublishedModule, anchor) -> None:
    """Move the learner's reading position to a section of ``revision``; flushes.

    The anchor comes from the browser: it must name a heading of this revision.
    """
    if not isinstance(anchor, str) or not _ANCHOR.match(anchor):
        raise PositionError("'section' must be the id of a heading on the page")
    if anchor not in anchors_of(revision):
        raise PositionError(f"this module has no section {anchor!r}")
    now = clock.now_utc()
    values = {"module_id": revision.module_id, "anchor": anchor, "updated_at": now}
    inserted = db.session.execute(
        insert_ignoring_conflicts(
            ReadingPosition, conflict=["user_id"], values={"user_id": user_id, **values}
        ).returning(ReadingPosition.user_id)
    ).first()
    if inserted is None:
        db.session.execute(
            update(ReadingPosition)
            .where(ReadingPosition.user_id == user_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )


def last_read(user_id: int, published: PublishedCourse) -> LastRead | None:
    """The section the learner last read, if its module and heading are still published."""
    row = db.session.execute(
        select(ReadingPosition.module_id, ReadingPosition.anchor).where(
            ReadingPosition.user_id == user_id
        )
    ).first()
    if row is None:
        return None
    module = next((m for m in published.modules if m.module_id == row.module_id), None)
    if module is None:
        return None
    heading = anchors_of(module).get(row.anchor)
    if heading is None:
        return None
    return LastRead(module.slug, module.title, row.anchor, heading)
