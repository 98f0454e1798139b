"""What trainers see: the calendar across trainers, rosters, waiting lists, work to do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import groupby

from flask_babel import lazy_gettext as _l
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


#: What a series roster cell can say, in words (never colour alone).
ROSTER_WORDS = {
    "attended": _l("Attended"),
    "no_show": _l("No-show"),
    "excused": _l("Excused"),
    "not_recorded": _l("Not recorded"),
    "upcoming": _l("Upcoming"),
    "not_booked": _l("Not booked"),
    "cancelled": _l("Session cancelled"),
}


@dataclass(frozen=True)
class SeriesRosterRow:
    """One therapist across a series: a status per session, in session order."""

    user_id: int
    name: str
    study_id: str
    statuses: list[str]

    @property
    def attended(self) -> int:
        """Sessions attended."""
        return self.statuses.count("attended")

    @property
    def held(self) -> int:
        """Sessions this therapist was booked in that have happened."""
        return sum(s in ("attended", "no_show", "excused", "not_recorded") for s in self.statuses)


def series_roster(sessions: list[SessionRow]) -> list[SeriesRosterRow]:
    """Everyone booked in any of these sessions against each one, by name (one query)."""
    now = clock.now_utc()
    ids = [s.id for s in sessions]
    query = (
        select(Booking.session_id, User.id, User.name, User.study_id, Attendance.status)
        .join(User, User.id == Booking.user_id)
        .outerjoin(Attendance, Attendance.booking_id == Booking.id)
        .where(Booking.session_id.in_(ids or [-1]), Booking.status == "booked")
    )
    people: dict[int, tuple[str, str]] = {}
    marks: dict[tuple[int, int], str | None] = {}
    for session_id, user_id, name, study_id, status in db.session.execute(query):
        people[user_id] = (name, study_id or "")
        marks[(user_id, session_id)] = status

    def status(user_id: int, session: SessionRow) -> str:
        if session.status == "cancelled":
            return "cancelled"
        if (user_id, session.id) not in marks:
            return "not_booked"
        recorded = marks[(user_id, session.id)]
        if recorded:
            return recorded
        return "upcoming" if clock.as_utc(session.starts_at) > now else "not_recorded"

    return [
        SeriesRosterRow(uid, name, study, [status(uid, s) for s in sessions])
        for uid, (name, study) in sorted(people.items(), key=lambda p: (p[1][0].lower(), p[0]))
    ]
