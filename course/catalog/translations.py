"""Translations of published content: what a reader sees of a revision in another language.

A translation is stored, like a revision, once and never changed: its file text and its
parts rendered when it was written (a module's title, summary, HTML, contents and video
titles; a quiz's questions; a scenario's steps; a drill set's items). It names the English
revision it translates by that revision's content hash, because that is what the content
check compared it with: ids, correct flags, links, headings and videos are the English
file's. A translation is shown only with the English revision it was written for; when
the English file changes, its translation is no longer shown until a translation of the
new text is imported, and the reader sees English meanwhile. Nothing has to be
invalidated: the lookup itself asks for the English text in force.

Progress, attempts, runs and responses point at the English revision and its ids, so
they are the same whichever language they were made in.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Index,
    String,
    Text,
    UniqueConstraint,
    case,
    func,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column

from course import clock
from course.dbtypes import UTCDateTime
from course.extensions import db

#: The kinds of file a translation can stand in for.
KINDS = ("course", "module", "quiz", "scenario", "drills")


class Translation(db.Model):
    """One translated file, rendered once, for the English text it was checked against."""

    __tablename__ = "content_translations"

    #: Internal key; the newest row for the same English text wins.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: course, module, quiz, scenario or drills.
    kind: Mapped[str] = mapped_column(String(10))
    #: The slug of the module, quiz, scenario or drill set ("course" for the course file).
    slug: Mapped[str] = mapped_column(String(80))
    #: Language code, e.g. ``fr``.
    language: Mapped[str] = mapped_column(String(5))
    #: content_hash of the English file this translates (what the check compared).
    english_hash: Mapped[str] = mapped_column(String(64))
    #: The translated file's text, exactly as written.
    source: Mapped[str] = mapped_column(Text)
    #: sha256 of ``source``.
    content_hash: Mapped[str] = mapped_column(String(64))
    #: What readers see, rendered when written; the keys depend on ``kind``.
    parts: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: When it was stored (UTC).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now_utc)

    __table_args__ = (
        UniqueConstraint("kind", "slug", "language", "english_hash", "content_hash"),
        Index("ix_content_translations_lookup", "kind", "slug", "language", "english_hash"),
        CheckConstraint("kind IN ('course', 'module', 'quiz', 'scenario', 'drills')", name="kind"),
    )


def translation_parts(
    kind: str, slug: str, language: str, english_hash: str
) -> dict[str, Any] | None:
    """The newest translation's parts for this English text, or None (English is shown)."""
    return db.session.scalar(
        select(Translation.parts)
        .where(
            Translation.kind == kind,
            Translation.slug == slug,
            Translation.language == language,
            Translation.english_hash == english_hash,
        )
        .order_by(Translation.id.desc())
        .limit(1)
    )


def stored_translation(
    kind: str, slug: str, language: str, english_hash: str, content_hash: str
) -> Translation | None:
    """The row for exactly this translated text of this English text, if stored."""
    return db.session.scalar(
        select(Translation).where(
            Translation.kind == kind,
            Translation.slug == slug,
            Translation.language == language,
            Translation.english_hash == english_hash,
            Translation.content_hash == content_hash,
        )
    )


def translation_states(kind: str, slug: str, english_hash: str) -> dict[str, bool]:
    """Each language with a stored translation of ``slug``, and whether one of them was
    written for ``english_hash`` (the English text in force), so that it is shown."""
    shown = func.max(case((Translation.english_hash == english_hash, 1), else_=0))
    rows = db.session.execute(
        select(Translation.language, shown)
        .where(Translation.kind == kind, Translation.slug == slug)
        .group_by(Translation.language)
        .order_by(Translation.language)
    )
    return {language: bool(current) for language, current in rows}


class Localized:
    """A published revision as a reader of another language sees it.

    Text comes from the translation's parts; everything else (ids, numbers, correct flags,
    links) from the revision itself. Read-only: it is never stored."""

    def __init__(self, revision: Any, parts: Mapping[str, Any], language: str) -> None:
        self._revision = revision
        self._parts = parts
        self.language = language

    def __getattr__(self, name: str) -> Any:
        parts = self.__dict__["_parts"]
        if name in parts:
            return parts[name]
        return getattr(self.__dict__["_revision"], name)

    def step(self, step_id: str) -> dict[str, Any] | None:
        """A rendered step by id, in this language."""
        return next((s for s in self.steps if s["id"] == step_id), None)

    def item(self, item_id: str) -> dict[str, Any] | None:
        """A rendered item by id, in this language."""
        return next((i for i in self.items if i["id"] == item_id), None)


def localized(kind: str, slug: str, revision: Any, language: str) -> Any:
    """``revision`` in ``language`` when a translation of its text exists, else itself."""
    if revision is None or language == "en":
        return revision
    parts = translation_parts(kind, slug, language, revision.content_hash)
    return Localized(revision, parts, language) if parts is not None else revision
