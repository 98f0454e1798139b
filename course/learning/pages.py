"""Rendered module pages, kept per process and keyed by everything they show.

A module page is the stored HTML of a published revision wrapped in one therapist's
checklist, locks and name. It changes only when the published course changes (the
catalog version), when their progress changes (``users.progress_version``, moved by
``course.learning.progress.progress_changed``) or when their name does; all three are in
the key, and every request reads them fresh from the database, so a process can never
serve a page older than the data, whichever process wrote it.

What differs between two requests for the same page is the CSRF token of the browser
session. The page is stored split around the token it was rendered with, and each
response is joined with the requester's own token.

Access (arm, sign-in, consent) is checked on every request before the cache is read.
Pages that carry flashed messages are neither served from nor stored in the cache.

A learner's page is redrawn after each progress batch their browser sends (every 15 s
while a module is open), so the cache pays off on revisits and reloads between batches,
and under bursts of views; a redrawn page costs what it did before the cache.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable

from cachetools import LRUCache
from flask import Flask, current_app, session
from flask_wtf.csrf import generate_csrf

from course.catalog import published_course

Key = tuple


class PageCache:
    """A thread-safe LRU of rendered pages (UTF-8 parts), bounded by their size in bytes."""

    def __init__(self, max_bytes: int) -> None:
        self._pages: LRUCache[Key, tuple[bytes, ...]] = LRUCache(
            maxsize=max_bytes, getsizeof=lambda parts: sum(map(len, parts))
        )
        self._lock = threading.Lock()

    def get(self, key: Key) -> tuple[bytes, ...] | None:
        """The stored parts of a page, or None."""
        with self._lock:
            return self._pages.get(key)

    def put(self, key: Key, parts: tuple[bytes, ...]) -> None:
        """Keep a page (a page larger than the whole cache is not kept)."""
        # cachetools raises ValueError when the value alone exceeds maxsize.
        with self._lock, contextlib.suppress(ValueError):
            self._pages[key] = parts

    def clear(self) -> None:
        """Forget every page."""
        with self._lock:
            self._pages.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._pages)


def init_app(app: Flask) -> None:
    """Give the app its page cache (none when COURSE_PAGE_CACHE_MB is 0 or in debug)."""
    megabytes = app.config["PAGE_CACHE_MB"]
    # Debug mode reloads templates as they are edited; a cached page would hide the edit.
    if megabytes and not app.debug:
        app.extensions["course.pages"] = PageCache(megabytes * 1024 * 1024)


def module_page(user, slug: str, render: Callable[[], str | tuple[str, int]]):
    """The module page for ``user``: from the cache when nothing it shows has changed.

    ``render`` draws the page (or an error page with its status); only a full page is kept.
    """
    cache: PageCache | None = current_app.extensions.get("course.pages")
    if cache is None or session.get("_flashes"):
        return render()
    key = ("module", slug, published_course().version, user.id, user.progress_version, user.name)
    parts = cache.get(key)
    if parts is not None:
        return generate_csrf().encode().join(parts)
    page = render()
    if isinstance(page, str):
        cache.put(key, tuple(part.encode() for part in page.split(generate_csrf())))
    return page
