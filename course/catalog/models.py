"""The course in the database: modules, quizzes and the course file as immutable revisions.

A revision's text and rendered HTML never change once written. Publishing stamps
``published_at`` once and points the module (or quiz) at that revision.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course import clock
from course.dbtypes import UTCDateTime
from course.extensions import db


class Module(db.Model):
    """A module's identity (its slug); its content lives in revisions."""

    __tablename__ = "modules"

    #: Internal key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stable identifier used in URLs, `requires` and the quiz file name.
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    #: The revision learners see; None until first published.
    published_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("module_revisions.id", use_alter=True, name="fk_modules_published_revision")
    )
    #: When the module was first created (UTC).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now_utc)

    published: Mapped[ModuleRevision | None] = relationship(
        foreign_keys=[published_revision_id], post_update=True
    )


class ModuleRevision(db.Model):
    """One immutable version of a module file, with its HTML rendered once."""

    __tablename__ = "module_revisions"

    #: Internal key; progress records point here.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The module this is a version of.
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"), index=True)
    #: 1, 2, 3... per module.
    number: Mapped[int] = mapped_column(Integer)
    #: The whole file text (front matter + Markdown), exactly as written.
    source: Mapped[str] = mapped_column(Text)
    #: sha256 of ``source``; an import creates a revision only when it changes.
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    #: File name used by `content export`, e.g. ``02-detecting-withdrawal.md``.
    filename: Mapped[str] = mapped_column(String(120))
    #: Front matter, copied out so pages need not parse YAML.
    title: Mapped[str] = mapped_column(String(200))
    #: Position in the course.
    order: Mapped[int] = mapped_column(Integer)
    #: One-sentence summary.
    summary: Mapped[str] = mapped_column(Text)
    #: Estimated minutes to complete.
    estimated_minutes: Mapped[int] = mapped_column(Integer)
    #: Slugs of modules that must be complete first.
    requires: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: Completion rule: {"min_seconds", "video_percent", "quiz"}.
    completion: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: Videos: [{"key", "kind", "ref", "title", "captions"}].
    videos: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    #: Sanitized HTML of the body, rendered when the revision was written.
    html: Mapped[str] = mapped_column(Text)
    #: Table of contents: [{"level", "anchor", "text"}].
    toc: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    #: Words in the body.
    word_count: Mapped[int] = mapped_column(Integer, default=0)
    #: Who wrote it (None for a file import without an actor).
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: When it was written (UTC).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now_utc)
    #: When it was published; None for a draft. Set once.
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    module: Mapped[Module] = relationship(foreign_keys=[module_id])

    __table_args__ = (UniqueConstraint("module_id", "number"),)

    @property
    def status(self) -> str:
        """draft or published."""
        return "published" if self.published_at else "draft"

    @property
    def slug(self) -> str:
        """The module's slug (as on a published module, so either can be measured)."""
        return self.module.slug


class Quiz(db.Model):
    """A module's quiz; named after the module's slug."""

    __tablename__ = "quizzes"

    #: Internal key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: Same as the module's slug.
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    #: The revision learners take; None until first published.
    published_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("quiz_revisions.id", use_alter=True, name="fk_quizzes_published_revision")
    )
    #: Creation time (UTC).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now_utc)

    published: Mapped[QuizRevision | None] = relationship(
        foreign_keys=[published_revision_id], post_update=True
    )


class QuizRevision(db.Model):
    """One immutable version of a quiz file, with prompts and feedback rendered once."""

    __tablename__ = "quiz_revisions"

    #: Internal key; attempts point here.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The quiz this is a version of.
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"), index=True)
    #: 1, 2, 3... per quiz.
    number: Mapped[int] = mapped_column(Integer)
    #: The YAML text exactly as written.
    source: Mapped[str] = mapped_column(Text)
    #: sha256 of ``source``.
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    #: Pass mark in percent.
    pass_mark: Mapped[int] = mapped_column(Integer)
    #: Attempts allowed; 0 means the course file's ``quiz_attempts``.
    max_attempts: Mapped[int] = mapped_column(Integer)
    #: Whether options are shuffled per attempt.
    shuffle: Mapped[bool] = mapped_column(default=False)
    #: Rendered questions with correct flags; server-side only, never sent before grading.
    questions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    #: Who wrote it.
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: When it was written (UTC).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now_utc)
    #: When it was published; None for a draft.
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    quiz: Mapped[Quiz] = relationship(foreign_keys=[quiz_id])

    __table_args__ = (UniqueConstraint("quiz_id", "number"),)

    @property
    def status(self) -> str:
        """draft or published."""
        return "published" if self.published_at else "draft"


class CourseRevision(db.Model):
    """One version of modules/course.yaml; the newest published one is in force."""

    __tablename__ = "course_revisions"

    #: Internal key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The YAML text exactly as written.
    source: Mapped[str] = mapped_column(Text)
    #: sha256 of ``source``.
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    #: Parsed settings: title, provider, ce_hours, gate, certificate, surveys, consent.
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: Who wrote it.
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: When it was written and published (UTC).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now_utc)
