"""What the pages show, as plain values: therapists' choices, trainers' calendar, rosters."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from course import clock
from course.auth.models import User
from course.consultations.models import (
    Attendance,
    Booking,
    ConsultationSeries,
    ConsultationSession,
    WaitlistEntry,
)
from course.consultations.times import describe
from course.extensions import db

Session = ConsultationSession
Lead, Co = aliased(User), aliased(User)
CALENDAR_LIMIT = 300


@dataclass(frozen=True)
class SessionRow:
    """One session as a page shows it."""

    id: int
    kind: str
    series_id: int | None
    position: int | None
    title: str
    trainers: str
    timezone: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    seats_taken: int
    status: str
    meeting_url: str
    notes: str

    @property
    def seats_left(self) -> int:
        """Free seats."""
        return max(0, self.capacity - self.seats_taken)

    @property
    def has_started(self) -> bool:
        """True from the start time on (attendance can be recorded from then)."""
        return self.starts_at <= clock.now_utc()

    def when(self, viewer_zone: str) -> str:
        """The time in the viewer's zone, plus the trainer's where it differs."""
        return describe(self.starts_at, self.ends_at, viewer_zone, self.timezone)


_SESSION_COLUMNS = (
    Session.id,
    Session.kind,
    Session.series_id,
    Session.position,
    Session.title,
    func.coalesce(Lead.name + " and " + Co.name, Lead.name),
    Session.timezone,
    Session.starts_at,
    Session.ends_at,
    Session.capacity,
    Session.seats_taken,
    Session.status,
    Session.meeting_url,
    Session.notes,
)


def sessions_query():
    return (
        select(*_SESSION_COLUMNS)
        .join(Lead, Lead.id == Session.trainer_id)
        .outerjoin(Co, Co.id == Session.co_trainer_id)
    )


def session_rows(query) -> list[SessionRow]:
    """Run a select built on ``sessions_query()``."""
    return [SessionRow(*row) for row in db.session.execute(query)]


def session_row(session_id: int) -> SessionRow | None:
    """One session."""
    rows = session_rows(sessions_query().where(Session.id == session_id))
    return rows[0] if rows else None


@dataclass(frozen=True)
class MyBooking:
    """A therapist's seat, with what the trainers shared afterwards."""

    booking_id: int
    session: SessionRow
    attendance: str | None
    shared_note: str


@dataclass(frozen=True)
class GroupRow:
    """A group series a therapist might join."""

    id: int
    title: str
    trainers: str
    interval_days: int
    remaining: list[SessionRow]
    seats_left: int
    waiting: int
    mine: bool = False
    my_place: int | None = None  # position on the waiting list

    @property
    def next(self) -> SessionRow:
        """The next session."""
        return self.remaining[0]


@dataclass
class TherapistPage:
    """Everything on a therapist's consultations page."""

    upcoming: list[MyBooking] = field(default_factory=list)
    past: list[MyBooking] = field(default_factory=list)
    groups: list[GroupRow] = field(default_factory=list)
    slots: list[SessionRow] = field(default_factory=list)
    booked_slots: set[int] = field(default_factory=set)

    @property
    def ahead(self) -> list[tuple[MyBooking, int]]:
        """Upcoming seats to list: each slot, and each group's next session with how many follow."""
        rows: list[tuple[MyBooking, int]] = []
        groups: dict[int, int] = {}
        for item in self.upcoming:
            series_id = item.session.series_id
            if series_id is None:
                rows.append((item, 0))
            elif series_id in groups:
                index = groups[series_id]
                rows[index] = (rows[index][0], rows[index][1] + 1)
            else:
                groups[series_id] = len(rows)
                rows.append((item, 0))
        return rows


def my_bookings(user_id: int, limit: int | None = None) -> list[MyBooking]:
    """Live seats, soonest first (sessions that ended included; the caller splits)."""
    query = (
        sessions_query()
        .add_columns(Booking.id, Attendance.status, Attendance.shared_note)
        .join(Booking, Booking.session_id == Session.id)
        .outerjoin(Attendance, Attendance.booking_id == Booking.id)
        .where(Booking.user_id == user_id, Booking.status == "booked")
        .order_by(Session.starts_at)
    )
    if limit is not None:
        query = query.where(Session.ends_at > clock.now_utc()).limit(limit)
    return [
        MyBooking(row[-3], SessionRow(*row[:-3]), row[-2], row[-1] or "")
        for row in db.session.execute(query)
    ]


def _waiting_counts() -> dict[int, list[int]]:
    """Each series' queue: user ids in arrival order."""
    query = (
        select(WaitlistEntry.series_id, WaitlistEntry.user_id)
        .where(WaitlistEntry.status == "waiting")
        .order_by(WaitlistEntry.series_id, WaitlistEntry.created_at, WaitlistEntry.id)
    )
    return {
        series_id: [uid for _, uid in rows]
        for series_id, rows in groupby(db.session.execute(query), key=lambda r: r[0])
    }


def groups(user_id: int | None = None) -> list[GroupRow]:
    """Series with sessions still to come, soonest first."""
    now = clock.now_utc()
    rows = session_rows(
        sessions_query()
        .join(ConsultationSeries, ConsultationSeries.id == Session.series_id)
        .where(
            Session.kind == "group",
            Session.status == "scheduled",
            Session.starts_at > now,
            ConsultationSeries.cancelled_at.is_(None),
        )
        .order_by(Session.series_id, Session.starts_at)
    )
    series = {
        s.id: s
        for s in db.session.scalars(
            select(ConsultationSeries).where(ConsultationSeries.id.in_({r.series_id for r in rows}))
        )
    }
    mine: set[int] = set()
    if user_id is not None:
        mine = set(
            db.session.scalars(
                select(Booking.series_id).where(
                    Booking.user_id == user_id,
                    Booking.status == "booked",
                    Booking.session_id.in_([r.id for r in rows]),
                )
            )
        )
    queues = _waiting_counts()
    found = []
    for series_id, items in groupby(rows, key=lambda r: r.series_id):
        remaining = list(items)
        queue = queues.get(series_id, [])
        found.append(
            GroupRow(
                series_id,
                series[series_id].title,
                remaining[0].trainers,
                series[series_id].interval_days,
                remaining,
                min(r.seats_left for r in remaining),
                len(queue),
                series_id in mine,
                queue.index(user_id) + 1 if user_id in queue else None,
            )
        )
    return sorted(found, key=lambda g: g.next.starts_at)


def therapist_page(user_id: int) -> TherapistPage:
    """A therapist's bookings, waiting lists and what is open to book."""
    now = clock.now_utc()
    page = TherapistPage()
    for item in my_bookings(user_id):
        (page.upcoming if item.session.ends_at > now else page.past).append(item)
    page.past.reverse()
    page.groups = groups(user_id)
    page.slots = session_rows(
        sessions_query()
        .where(Session.kind == "individual", Session.status == "scheduled", Session.starts_at > now)
        .order_by(Session.starts_at)
        .limit(100)
    )
    page.booked_slots = {b.session.id for b in page.upcoming if b.session.kind == "individual"}
    return page


def series_sessions(series_id: int) -> list[SessionRow]:
    """Every session of a series, in order."""
    return session_rows(
        sessions_query().where(Session.series_id == series_id).order_by(Session.starts_at)
    )
