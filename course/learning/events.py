"""Strict validation of an event batch posted by a module page (pure, no database)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from course.errors import DomainError
from course.learning.models import EVENT_TYPES
from course.web.i18n import CONTENT_LANGUAGES

MAX_EVENTS = 200
MAX_ID = 2**31 - 1  # the largest revision id a database integer holds
MAX_ACTIVE_SECONDS = 120  # the page reports at least every 15 s; more is not a person
MAX_SEGMENT_SECONDS = 300  # media seconds in one played segment (fast playback included)
MAX_VIDEO_SECONDS = 6 * 3600
FUTURE_SLACK = timedelta(minutes=5)
MAX_AGE = timedelta(days=30)  # a page may hold unsent events through an outage
_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


class BatchError(DomainError):
    """A batch was refused; ``status`` is the HTTP answer, the message says why."""


@dataclass(frozen=True)
class EventIn:
    """One validated event."""

    client_id: str
    type: str
    occurred_at: datetime
    video_key: str | None = None
    seconds: float | None = None
    position_from: float | None = None
    position_to: float | None = None
    duration: float | None = None


@dataclass(frozen=True)
class Batch:
    """A validated batch for one module revision, from a page in one language."""

    module: str
    revision: int
    events: tuple[EventIn, ...]
    #: The content language of the page the events happened on (en, fr).
    language: str = "en"


def _number(raw: dict, key: str, where: str, low: float, high: float, required=True):
    value = raw.get(key)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BatchError(f"{where}: '{key}' must be a number")
    if isinstance(value, float) and not math.isfinite(value):  # an int may be too big for
        raise BatchError(f"{where}: '{key}' must be a number")  # a float: compare it as is
    if not low <= value <= high:
        raise BatchError(f"{where}: '{key}' must be between {low} and {high}, not {value}")
    return float(value)


def _timestamp(raw: dict, where: str, now: datetime) -> datetime:
    value = raw.get("at")
    try:
        at = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise BatchError(f"{where}: 'at' must be an ISO 8601 time, not {value!r}") from None
    if at.tzinfo is None:
        raise BatchError(f"{where}: 'at' needs a time zone (use UTC, ending in Z)")
    at = at.astimezone(UTC)
    if at > now + FUTURE_SLACK:
        raise BatchError(f"{where}: 'at' is in the future")
    if at < now - MAX_AGE:
        raise BatchError(f"{where}: 'at' is more than 30 days old")
    return at


def _event(raw: Any, index: int, videos: set[str], now: datetime) -> EventIn:
    where = f"event {index}"
    if not isinstance(raw, dict):
        raise BatchError(f"{where}: must be an object")
    known = {"id", "type", "at", "video", "seconds", "from", "to", "position", "duration"}
    if unknown := sorted(set(raw) - known):
        raise BatchError(f"{where}: unknown field(s) {', '.join(unknown)}")
    client_id, kind = raw.get("id"), raw.get("type")
    if not isinstance(client_id, str) or not _ID.match(client_id):
        raise BatchError(f"{where}: 'id' must be 8-64 letters, digits, '-' or '_'")
    if kind not in EVENT_TYPES:
        raise BatchError(
            f"{where}: unknown type {kind!r} (expected one of {', '.join(EVENT_TYPES)})"
        )
    at = _timestamp(raw, where, now)
    if kind == "active":
        seconds = _number(raw, "seconds", where, 0, MAX_ACTIVE_SECONDS)
        return EventIn(client_id, kind, at, seconds=seconds)
    video = raw.get("video")
    if video not in videos:
        raise BatchError(f"{where}: video {video!r} is not in this module")
    if kind == "transcript":  # active seconds with the video's transcript open
        seconds = _number(raw, "seconds", where, 0, MAX_ACTIVE_SECONDS)
        return EventIn(client_id, kind, at, video, seconds=seconds)
    duration = _number(raw, "duration", where, 0, MAX_VIDEO_SECONDS, required=kind == "played")
    limit = duration + 2 if duration else MAX_VIDEO_SECONDS
    if kind in ("played", "seek"):
        start = _number(raw, "from", where, 0, limit)
        end = _number(raw, "to", where, 0, limit)
        if kind == "played" and not 0 < end - start <= MAX_SEGMENT_SECONDS:
            raise BatchError(
                f"{where}: a played segment must run forward, at most {MAX_SEGMENT_SECONDS} s"
            )
        return EventIn(client_id, kind, at, video, None, start, end, duration)
    position = _number(raw, "position", where, 0, limit)
    return EventIn(client_id, kind, at, video, None, position, None, duration)


def _language(payload: dict, default: str) -> str:
    """The page's language as the batch states it; a batch without one (a page loaded
    before pages stated it) is taken to be in ``default``, the request's language."""
    if "language" not in payload:
        return default
    language = payload["language"]
    if language not in CONTENT_LANGUAGES:
        raise BatchError(
            f"'language' must be one of {', '.join(CONTENT_LANGUAGES)}, not {language!r}"
        )
    return language


def parse_batch(payload: Any, *, videos_of, now: datetime, language: str = "en") -> Batch:
    """Validate a whole batch; ``videos_of(module, revision)`` gives its video keys or None;
    ``language`` is the language of a batch that does not state its page's."""
    if not isinstance(payload, dict):
        raise BatchError("the body must be a JSON object")
    if unknown := sorted(set(payload) - {"module", "revision", "events", "language"}):
        raise BatchError(f"unknown field(s) {', '.join(unknown)}")
    stated = _language(payload, language)
    module, revision, events = payload.get("module"), payload.get("revision"), payload.get("events")
    if not isinstance(module, str) or not isinstance(revision, int) or isinstance(revision, bool):
        raise BatchError("'module' (a slug) and 'revision' (a number) are required")
    if not 0 < revision <= MAX_ID or len(module) > 200:
        raise BatchError(f"revision {revision} is not a published revision of module {module!r}")
    if not isinstance(events, list) or not events:
        raise BatchError("'events' must be a non-empty list")
    if len(events) > MAX_EVENTS:
        raise BatchError(f"at most {MAX_EVENTS} events per batch, not {len(events)}", 413)
    videos = videos_of(module, revision)
    if videos is None:
        raise BatchError(f"revision {revision} is not a published revision of module {module!r}")
    parsed = tuple(_event(raw, i, videos, now) for i, raw in enumerate(events))
    if len({e.client_id for e in parsed}) != len(parsed):
        raise BatchError("two events in the batch share an id")
    return Batch(module, revision, parsed, stated)
