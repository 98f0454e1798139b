"""The trainers' week and month calendars: sessions on a grid of days in the viewer's zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from flask_babel import gettext as _

from course import clock
from course.consultations.errors import ConsultationError
from course.consultations.listing import (
    CALENDAR_LIMIT,
    Session,
    SessionRow,
    session_rows,
    sessions_query,
)
from course.consultations.times import wall_clock, zone

VIEWS = ("week", "month")
#: The calendar pages reach this far either way, like the dates exports accept.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)


@dataclass(frozen=True)
class Entry:
    """A session on its day: local start and end times for the viewer."""

    row: SessionRow
    start: str
    end: str


@dataclass(frozen=True)
class Day:
    """One day on the grid."""

    day: date
    entries: list[Entry]
    today: bool
    outside: bool  # in the month view, a day of the month before or after


@dataclass(frozen=True)
class Grid:
    """A week or a month of days, Monday first, with its neighbours."""

    view: str
    anchor: date
    weeks: list[list[Day]]
    previous: date
    following: date
    truncated: bool

    @property
    def count(self) -> int:
        """Sessions on the grid."""
        return sum(len(d.entries) for week in self.weeks for d in week)


def parse_day(text: str | None, viewer_zone: str) -> date:
    """The ``date`` parameter (YYYY-MM-DD), today in the viewer's zone when absent."""
    if not text:
        return wall_clock(clock.now_utc(), viewer_zone).date()
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ConsultationError(
            _("“%(text)s” is not a date: use YYYY-MM-DD, such as 2026-03-09.", text=text[:40]),
            status=400,
        ) from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ConsultationError(_("The calendar covers the years 2000 to 2100."), status=400)
    return day


def _bounds(view: str, anchor: date) -> tuple[date, date, date, date]:
    """First day shown, the day after the last, and the previous and next anchors."""
    if view == "week":
        start = anchor - timedelta(days=anchor.weekday())
        return start, start + timedelta(days=7), anchor - timedelta(7), anchor + timedelta(7)
    first = anchor.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    previous = (first - timedelta(days=1)).replace(day=1)
    last = following - timedelta(days=1)
    start = first - timedelta(days=first.weekday())
    return start, last + timedelta(days=7 - last.weekday()), previous, following


def _midnight(day: date, viewer_zone: str) -> datetime:
    """When ``day`` begins in the zone, in UTC (zoneinfo takes the offset in force then)."""
    return datetime.combine(day, datetime.min.time(), zone(viewer_zone)).astimezone(UTC)


def grid(view: str, anchor: date, viewer_zone: str, trainer_id: int | None = None) -> Grid:
    """The week or month around ``anchor``: sessions (cancelled ones too) on their local day."""
    if view not in VIEWS:
        raise ConsultationError(_("Choose the week or the month view."), status=404)
    start, end, previous, following = _bounds(view, anchor)
    query = (
        sessions_query()
        .where(
            Session.starts_at >= _midnight(start, viewer_zone),
            Session.starts_at < _midnight(end, viewer_zone),
        )
        .order_by(Session.starts_at, Session.id)
    )
    if trainer_id is not None:
        query = query.where(
            (Session.trainer_id == trainer_id) | (Session.co_trainer_id == trainer_id)
        )
    rows = session_rows(query.limit(CALENDAR_LIMIT + 1))
    by_day: dict[date, list[Entry]] = {}
    for row in rows[:CALENDAR_LIMIT]:
        begins, ends = wall_clock(row.starts_at, viewer_zone), wall_clock(row.ends_at, viewer_zone)
        by_day.setdefault(begins.date(), []).append(Entry(row, f"{begins:%H:%M}", f"{ends:%H:%M}"))
    today = wall_clock(clock.now_utc(), viewer_zone).date()
    days = [start + timedelta(days=n) for n in range((end - start).days)]
    cells = [
        Day(d, by_day.get(d, []), d == today, view == "month" and d.month != anchor.month)
        for d in days
    ]
    return Grid(
        view=view,
        anchor=anchor,
        weeks=[cells[i : i + 7] for i in range(0, len(cells), 7)],
        previous=max(previous, FIRST_DAY),
        following=min(following, LAST_DAY),
        truncated=len(rows) > CALENDAR_LIMIT,
    )
