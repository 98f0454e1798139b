"""The published course, read once per content version and shared by every request.

Revisions never change, and publishing always stores a new revision (a restore or an
edit is a new row, never a pointer moved back), so the published structure can only
change when something is published: the newest published revision id (and course file
id) name the version. No writer has to remember to invalidate anything.
Each request checks that version with one indexed query; a process rebuilds its copy
only when the version moved, so every process stays correct without shared memory.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from typing import Any

from flask import current_app, g, has_request_context
from sqlalchemy import func, or_, select

from course.catalog.models import CourseRevision, Module, ModuleRevision
from course.catalog.spec import spec_from_data
from course.catalog.translations import Translation
from course.content import CourseSpec
from course.dbtypes import read_rows
from course.extensions import db

_VERSION = select(
    func.max(Module.published_revision_id),
    func.count(Module.published_revision_id),
    select(func.max(CourseRevision.id)).scalar_subquery(),
    select(func.max(Translation.id)).scalar_subquery(),
)
_SPEC = (
    select(CourseRevision.spec, CourseRevision.content_hash)
    .order_by(CourseRevision.id.desc())
    .limit(1)
)
_REVISIONS = (
    select(
        ModuleRevision.id,
        ModuleRevision.module_id,
        Module.slug,
        ModuleRevision.title,
        ModuleRevision.order,
        ModuleRevision.summary,
        ModuleRevision.estimated_minutes,
        ModuleRevision.requires,
        ModuleRevision.completion,
        ModuleRevision.videos,
        ModuleRevision.html,
        ModuleRevision.toc,
        ModuleRevision.content_hash,
    )
    .join(Module, Module.published_revision_id == ModuleRevision.id)
    .order_by(ModuleRevision.order, ModuleRevision.filename)
)
#: A language's translations of the published modules and course file (newest last).
_TRANSLATIONS = (
    select(
        Translation.kind,
        Translation.slug,
        Translation.english_hash,
        Translation.content_hash,
        Translation.parts,
    )
    .where(
        Translation.kind.in_(("module", "course")),
        or_(
            Translation.english_hash.in_(
                select(ModuleRevision.content_hash).join(
                    Module, Module.published_revision_id == ModuleRevision.id
                )
            ),
            Translation.english_hash
            == select(CourseRevision.content_hash)
            .order_by(CourseRevision.id.desc())
            .limit(1)
            .scalar_subquery(),
        ),
    )
    .order_by(Translation.id)
)
_lock = threading.Lock()


@dataclass(frozen=True)
class PublishedModule:
    """A published module revision as plain values (HTML already rendered and stored)."""

    id: int
    module_id: int
    slug: str
    title: str
    order: int
    summary: str
    estimated_minutes: int
    requires: tuple[str, ...]
    completion: dict[str, Any]
    videos: tuple[dict[str, Any], ...]
    html: str
    toc: tuple[dict[str, Any], ...]
    #: sha256 of the revision's source (of its translation's, in another language): names
    #: its rendered parts for ever.
    content_hash: str
    #: The language its text is in: ``en``, or the translation's code.
    language: str = "en"


@dataclass(frozen=True)
class PublishedCourse:
    """The course file's settings and the published modules in order."""

    version: tuple
    spec: CourseSpec
    modules: tuple[PublishedModule, ...]
    #: The language its text is in.
    language: str = "en"
    #: The same course in each language it has translations for.
    translations: dict[str, PublishedCourse] = field(default_factory=dict, compare=False)

    def module(self, slug: str) -> PublishedModule | None:
        """The published module with this slug."""
        return next((m for m in self.modules if m.slug == slug), None)

    def in_language(self, language: str | None) -> PublishedCourse:
        """The course as a reader of ``language`` sees it: each module translated where a
        translation of its published text exists, in English otherwise.

        Read once per content version and language (one query), when first asked."""
        if not language or language == self.language:
            return self
        found = self.translations.get(language)
        if found is None:
            with _lock:
                found = self.translations.get(language) or _translated_course(self, language)
                self.translations[language] = found
        return found


def published_course(language: str | None = None) -> PublishedCourse:
    """The current published course (one query per request when this process has it),
    in English, or as a reader of ``language`` sees it.

    Within a request the answer is kept in ``g``: the consent gate, the page and its
    partials all ask, and one version check is enough for one response.
    """
    if has_request_context() and "published_course" in g:
        return g.published_course.in_language(language)
    course = _current()
    if has_request_context():
        g.published_course = course
    return course.in_language(language)


def _current() -> PublishedCourse:
    version = tuple(read_rows(_VERSION).one())
    cached = current_app.extensions.get("course.published")
    if cached is not None and cached.version == version:
        return cached
    with _lock:
        modules = tuple(
            PublishedModule(
                r.id,
                r.module_id,
                r.slug,
                r.title,
                r.order,
                r.summary,
                r.estimated_minutes,
                tuple(r.requires),
                dict(r.completion),
                tuple(r.videos),
                r.html,
                tuple(r.toc),
                r.content_hash,
            )
            for r in db.session.execute(_REVISIONS)
        )
        row = db.session.execute(_SPEC).first()
        spec = spec_from_data(row[0], row[1]) if row else spec_from_data(None)
        course = PublishedCourse(version, spec, modules)
        current_app.extensions["course.published"] = course
    return course


def _translated_course(course: PublishedCourse, language: str) -> PublishedCourse:
    """The course with every module (and the course file) whose published English text has
    a translation into ``language`` in that language; the others stay in English."""
    by_slug: dict[str, tuple[str, dict[str, Any]]] = {}
    spec_parts: dict[str, Any] = {}
    english = {module.slug: module.content_hash for module in course.modules}
    rows = db.session.execute(_TRANSLATIONS.where(Translation.language == language))
    for kind, slug, english_hash, content_hash, parts in rows:  # newest last
        if kind == "course" and english_hash == course.spec.content_hash:
            spec_parts = parts
        elif kind == "module" and english.get(slug) == english_hash:
            by_slug[slug] = (content_hash, parts)
    modules = tuple(
        _translated(module, language, *by_slug[module.slug]) if module.slug in by_slug else module
        for module in course.modules
    )
    spec = replace(
        course.spec,
        title=spec_parts.get("title", course.spec.title),
        provider=spec_parts.get("provider", course.spec.provider),
    )
    return PublishedCourse(course.version, spec, modules, language)


def _translated(
    module: PublishedModule, language: str, content_hash: str, parts: dict[str, Any]
) -> PublishedModule:
    videos = tuple(
        {**video, **texts} for video, texts in zip(module.videos, parts["videos"], strict=True)
    )
    return replace(
        module,
        title=parts["title"],
        summary=parts["summary"],
        html=parts["html"],
        toc=tuple(parts["toc"]),
        videos=videos,
        content_hash=content_hash,
        language=language,
    )
