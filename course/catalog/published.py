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
from dataclasses import dataclass
from typing import Any

from flask import current_app, g, has_request_context
from sqlalchemy import func, select

from course.catalog.models import CourseRevision, Module, ModuleRevision
from course.catalog.spec import spec_from_data
from course.content import CourseSpec
from course.dbtypes import read_rows
from course.extensions import db

_VERSION = select(
    func.max(Module.published_revision_id),
    func.count(Module.published_revision_id),
    select(func.max(CourseRevision.id)).scalar_subquery(),
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
    #: sha256 of the revision's source: names its rendered parts for ever.
    content_hash: str


@dataclass(frozen=True)
class PublishedCourse:
    """The course file's settings and the published modules in order."""

    version: tuple
    spec: CourseSpec
    modules: tuple[PublishedModule, ...]

    def module(self, slug: str) -> PublishedModule | None:
        """The published module with this slug."""
        return next((m for m in self.modules if m.slug == slug), None)


def published_course() -> PublishedCourse:
    """The current published course (one query per request when this process has it).

    Within a request the answer is kept in ``g``: the consent gate, the page and its
    partials all ask, and one version check is enough for one response.
    """
    if has_request_context() and "published_course" in g:
        return g.published_course
    course = _current()
    if has_request_context():
        g.published_course = course
    return course


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
