"""What the authoring pages show: the module list, a module's history, and diffs."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func

from course.auth.models import User
from course.catalog.models import Module, ModuleRevision, Quiz
from course.extensions import db

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@")


@dataclass(frozen=True)
class ModuleRow:
    """One module in the authoring list: what learners see and what is waiting."""

    slug: str
    title: str
    order: int
    published_number: int | None
    latest_number: int
    has_draft: bool
    edited_at: datetime
    edited_by: str | None
    quiz: str


def module_rows() -> list[ModuleRow]:
    """Every module: published ones in course order, then those never published."""
    latest = (
        db.select(ModuleRevision.module_id, func.max(ModuleRevision.number).label("number"))
        .group_by(ModuleRevision.module_id)
        .subquery()
    )
    newest = db.session.execute(
        db.select(Module, ModuleRevision, User.name)
        .join(latest, latest.c.module_id == Module.id)
        .join(
            ModuleRevision,
            (ModuleRevision.module_id == Module.id) & (ModuleRevision.number == latest.c.number),
        )
        .outerjoin(User, User.id == ModuleRevision.author_id)
    ).all()
    published = {
        rev.module_id: rev
        for rev in db.session.scalars(
            db.select(ModuleRevision).join(
                Module, Module.published_revision_id == ModuleRevision.id
            )
        )
    }
    quizzes = dict(db.session.execute(db.select(Quiz.slug, Quiz.published_revision_id)).all())
    rows = []
    for module, last, author in newest:
        live = published.get(module.id)
        shown = live or last
        quiz = (
            "none"
            if module.slug not in quizzes
            else ("published" if quizzes[module.slug] else "draft")
        )
        rows.append(
            ModuleRow(
                slug=module.slug,
                title=shown.title,
                order=shown.order,
                published_number=live.number if live else None,
                latest_number=last.number,
                has_draft=live is None or last.number > live.number,
                edited_at=last.created_at,
                edited_by=author,
                quiz=quiz,
            )
        )
    return sorted(rows, key=lambda r: (r.published_number is None, r.order, r.slug))


@dataclass(frozen=True)
class RevisionRow:
    """One revision in a module's history."""

    number: int
    status: str
    live: bool
    author: str | None
    created_at: datetime
    published_at: datetime | None
    hash_prefix: str


def revision_rows(module: Module) -> list[RevisionRow]:
    """A module's history for the page, newest first, with authors' names."""
    rows = db.session.execute(
        db.select(ModuleRevision, User.name)
        .outerjoin(User, User.id == ModuleRevision.author_id)
        .where(ModuleRevision.module_id == module.id)
        .order_by(ModuleRevision.number.desc())
    ).all()
    return [
        RevisionRow(
            rev.number,
            rev.status,
            rev.id == module.published_revision_id,
            name,
            rev.created_at,
            rev.published_at,
            rev.content_hash[:10],
        )
        for rev, name in rows
    ]


def module_revision(module: Module, number: int) -> ModuleRevision | None:
    """One revision of a module by its number."""
    return db.session.scalar(
        db.select(ModuleRevision).where(
            ModuleRevision.module_id == module.id, ModuleRevision.number == number
        )
    )


@dataclass(frozen=True)
class DiffLine:
    """One line of a unified diff: kind is add, del, same or hunk."""

    kind: str
    text: str


def revision_diff(module: Module, number: int) -> list[DiffLine] | None:
    """The unified diff of a revision against the one before it (None if it does not exist)."""
    revision = module_revision(module, number)
    if revision is None:
        return None
    previous = module_revision(module, number - 1)
    old = previous.source.splitlines() if previous else []
    lines = list(difflib.unified_diff(old, revision.source.splitlines(), lineterm="", n=3))
    kinds = {"+": "add", "-": "del", " ": "same"}
    result = []
    # The first two lines are the ---/+++ file headers, which name no files here.
    for line in lines[2:]:
        hunk = _HUNK.match(line)
        if hunk:
            start = max(int(hunk.group(1)), 1)
            result.append(DiffLine("hunk", _("From line %(line)s", line=start)))
        else:
            result.append(DiffLine(kinds[line[0]], line[1:]))
    return result
