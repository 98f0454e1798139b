"""What trainers see: the calendar across trainers, rosters, waiting lists, work to do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import groupby

from sqlalchemy import select

from course import clock
from course.auth.models import User
from course.consultations.listing import (
    CALENDAR_LIMIT,
    Session,
    SessionRow,
    session_rows,
    sessions_query,
)
from course.consultations.models import Attendance, Booking, WaitlistEntry
from course.consultations.times import wall_clock
from course.extensions import db


@dataclass(frozen=True)
class CalendarDay:
    """One day of the trainers' calendar, in the viewer's zone."""

    day: date
    sessions: list[SessionRow]


def calendar(viewer_zone: str, trainer_id: int | None = None) -> list[CalendarDay]:
    """Sessions from today on (viewer's zone), grouped by the viewer's local date."""
    today = wall_clock(clock.now_utc(), viewer_zone).date()
    since = clock.now_utc() - timedelta(hours=36)  # wide enough for any zone's "today"
    query = sessions_query().where(Session.ends_at > since).order_by(Session.starts_at)
    if trainer_id is not None:
        query = query.where(
            (Session.trainer_id == trainer_id) | (Session.co_trainer_id == trainer_id)
        )
    rows = [
        r
        for r in session_rows(query.limit(CALENDAR_LIMIT))
        if wall_clock(r.starts_at, viewer_zone).date() >= today
    ]
    return [
        CalendarDay(day, list(items))
        for day, items in groupby(rows, key=lambda r: wall_clock(r.starts_at, viewer_zone).date())
    ]


def awaiting_attendance(days: int = 60) -> list[SessionRow]:
    """Recent sessions with booked therapists whose attendance is not recorded yet."""
    now = clock.now_utc()
    unrecorded = (
        select(Booking.session_id)
        .outerjoin(Attendance, Attendance.booking_id == Booking.id)
        .where(Booking.status == "booked", Attendance.id.is_(None))
    )
    return session_rows(
        sessions_query()
        .where(
            Session.status == "scheduled",
            Session.starts_at <= now,
            Session.starts_at > now - timedelta(days=days),
            Session.id.in_(unrecorded),
        )
        .order_by(Session.starts_at.desc())
    )


@dataclass(frozen=True)
class RosterRow:
    """A booked therapist, for trainers."""

    booking_id: int
    user_id: int
    name: str
    study_id: str
    source: str
    attendance: str | None
    private_note: str
    shared_note: str


def roster(session_id: int) -> list[RosterRow]:
    """Therapists booked in a session, by name."""
    query = (
        select(
            Booking.id,
            User.id,
            User.name,
            User.study_id,
            Booking.source,
            Attendance.status,
            Attendance.private_note,
            Attendance.shared_note,
        )
        .join(User, User.id == Booking.user_id)
        .outerjoin(Attendance, Attendance.booking_id == Booking.id)
        .where(Booking.session_id == session_id, Booking.status == "booked")
        .order_by(User.name, User.id)
    )
    return [
        RosterRow(b, u, n, s, src, a, p or "", sh or "")
        for b, u, n, s, src, a, p, sh in db.session.execute(query)
    ]


def waiting_names(series_id: int) -> list[str]:
    """Names on a series' waiting list, in order (trainers only)."""
    query = (
        select(User.name)
        .join(WaitlistEntry, WaitlistEntry.user_id == User.id)
        .where(WaitlistEntry.series_id == series_id, WaitlistEntry.status == "waiting")
        .order_by(WaitlistEntry.created_at, WaitlistEntry.id)
    )
    return list(db.session.scalars(query))


def trainers() -> list[User]:
    """Active trainer accounts, by name."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.role == "trainer", User.active.is_(True))
            .order_by(User.name, User.id)
        )
    )
