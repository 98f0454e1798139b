"""The one clock: store UTC, convert at the edge; tests freeze it here."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

_frozen: datetime | None = None


def now_utc() -> datetime:
    """Return the current time as an aware UTC datetime (or the frozen one)."""
    return _frozen if _frozen is not None else datetime.now(UTC)


@contextmanager
def frozen(at: datetime) -> Iterator[None]:
    """Freeze ``now_utc`` at ``at`` (aware) for the duration of the block."""
    global _frozen
    previous, _frozen = _frozen, at.astimezone(UTC)
    try:
        yield
    finally:
        _frozen = previous


def as_utc(value: datetime) -> datetime:
    """Treat a naive datetime read back from SQLite as UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def local(value: datetime, zone: str) -> datetime:
    """Convert a stored UTC time into the viewer's IANA zone."""
    return as_utc(value).astimezone(ZoneInfo(zone))
