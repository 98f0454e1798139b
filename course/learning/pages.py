"""The parts of a module page that depend only on its revision, drawn once per process.

A published revision never changes, so its article (title, summary, stored HTML) and
its table of contents are the same for every learner. They are rendered once and kept,
keyed by the revision's content hash; a new revision has a new hash, so nothing ever
needs invalidating and no writer has anything to remember. What belongs to the learner
(the checklist, the locks, their name, the CSRF token) is drawn fresh on every request.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from cachetools import LRUCache
from flask import Flask, current_app, render_template
from markupsafe import Markup

from course.catalog import PublishedModule


@dataclass(frozen=True)
class RevisionParts:
    """A revision's article and contents, rendered."""

    toc: Markup
    article: Markup


class Fragments:
    """A thread-safe LRU of rendered revision parts, bounded by their size in bytes."""

    def __init__(self, max_bytes: int) -> None:
        self._parts: LRUCache[str, RevisionParts] = LRUCache(
            maxsize=max_bytes, getsizeof=lambda p: len(p.toc) + len(p.article)
        )
        self._lock = threading.Lock()

    def get(self, key: str) -> RevisionParts | None:
        """The kept parts of a revision, or None."""
        with self._lock:
            return self._parts.get(key)

    def put(self, key: str, parts: RevisionParts) -> None:
        """Keep a revision's parts (parts larger than the whole cache are not kept)."""
        with self._lock:
            if len(parts.toc) + len(parts.article) <= self._parts.maxsize:
                self._parts[key] = parts

    def clear(self) -> None:
        """Forget every revision."""
        with self._lock:
            self._parts.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._parts)


def init_app(app: Flask) -> None:
    """Give the app its fragment cache (none when COURSE_FRAGMENT_CACHE_MB is 0 or in debug)."""
    megabytes = app.config["FRAGMENT_CACHE_MB"]
    # Debug mode reloads templates as they are edited; a kept fragment would hide the edit.
    if megabytes and not app.debug:
        app.extensions["course.fragments"] = Fragments(megabytes * 1024 * 1024)


def _render(module: PublishedModule) -> RevisionParts:
    return RevisionParts(
        Markup(render_template("learning/_toc.html", revision=module)),  # noqa: S704
        Markup(render_template("learning/_article.html", revision=module)),  # noqa: S704
    )


def revision_parts(module: PublishedModule) -> RevisionParts:
    """The rendered article and contents of a published revision, drawn once."""
    cache: Fragments | None = current_app.extensions.get("course.fragments")
    if cache is None:
        return _render(module)
    parts = cache.get(module.content_hash)
    if parts is None:
        parts = _render(module)
        cache.put(module.content_hash, parts)
    return parts
