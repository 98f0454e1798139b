"""Seats: the locks, counters and queries that booking and the waiting list share.

Overbooking is prevented three times over: the session row is locked (SELECT ... FOR
UPDATE) before its seats are counted; the seat is taken by a conditional UPDATE
(``seats_taken < capacity``) whose row count is checked; and the database refuses
``seats_taken > capacity`` and two live bookings of one person in one session.
Locks are always taken in the same order (series, then user, then sessions by id),
so concurrent requests queue instead of deadlocking.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update

from course import clock
from course.auth.models import User
from course.consultations.errors import ConsultationError, not_found
from course.consultations.gate import booking_gate
from course.consultations.models import Booking, ConsultationSeries, ConsultationSession
from course.extensions import db
from course.mail import OutboxMessage

Session = ConsultationSession


def lock_sessions(ids: list[int]) -> list[ConsultationSession]:
    """Lock session rows in id order (one order everywhere, so no deadlock)."""
    query = (
        select(ConsultationSession)
        .where(ConsultationSession.id.in_(ids))
        .order_by(ConsultationSession.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return list(db.session.scalars(query))


@dataclass
class Outcome:
    """What a booking action did, and the e-mails it queued (sent after the commit)."""

    message: str
    notices: list[OutboxMessage] = field(default_factory=list)


def check_gate(user: User) -> None:
    gate = booking_gate(user)
    if not gate.open:
        raise ConsultationError(gate.reason, status=403, missing=tuple(gate.missing))


def lock_user(user: User) -> None:
    # One person's bookings queue behind each other: limits hold under concurrency.
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())


def lock_series(series_id: int) -> ConsultationSeries:
    series = db.session.scalar(
        select(ConsultationSeries)
        .where(ConsultationSeries.id == series_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if series is None:
        raise not_found("group")
    return series


def take_seat(session: ConsultationSession) -> None:
    """Take one seat with a conditional UPDATE; refuse when none is left."""
    result = db.session.execute(
        update(Session)
        .where(
            Session.id == session.id,
            Session.status == "scheduled",
            Session.seats_taken < Session.capacity,
        )
        .values(seats_taken=Session.seats_taken + 1, sequence=Session.sequence + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise ConsultationError(_("%(title)s is full: every seat is taken.", title=session.title))
    db.session.expire(session, ["seats_taken", "sequence"])


def free_seat(session: ConsultationSession) -> None:
    db.session.execute(
        update(Session)
        .where(Session.id == session.id, Session.seats_taken > 0)
        .values(seats_taken=Session.seats_taken - 1, sequence=Session.sequence + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(session, ["seats_taken", "sequence"])


def cutoff_passed(session: ConsultationSession) -> bool:
    hours = current_app.config["CANCEL_CUTOFF_HOURS"]
    return (session.starts_at - clock.now_utc()).total_seconds() < hours * 3600


def remaining_ids(series_id: int) -> list[int]:
    """Ids of the series' sessions that have not started and are not cancelled."""
    return list(
        db.session.scalars(
            select(Session.id).where(
                Session.series_id == series_id,
                Session.status == "scheduled",
                Session.starts_at > clock.now_utc(),
            )
        )
    )


def live_bookings(user_id: int, session_ids: list[int]) -> list[Booking]:
    return list(
        db.session.scalars(
            select(Booking).where(
                Booking.user_id == user_id,
                Booking.session_id.in_(session_ids),
                Booking.status == "booked",
            )
        )
    )


def active_group(user_id: int, now=None) -> ConsultationSeries | None:
    """The group this therapist is in (a live seat in a session still to come), if any."""
    now = now or clock.now_utc()
    return db.session.scalar(
        select(ConsultationSeries)
        .join(Booking, Booking.series_id == ConsultationSeries.id)
        .join(Session, Session.id == Booking.session_id)
        .where(Booking.user_id == user_id, Booking.status == "booked", Session.ends_at > now)
        .limit(1)
    )


def add_booking(user: User, session: ConsultationSession, source: str) -> Booking:
    take_seat(session)
    booking = Booking(
        session_id=session.id,
        user_id=user.id,
        series_id=session.series_id,
        status="booked",
        source=source,
        created_at=clock.now_utc(),
    )
    db.session.add(booking)
    return booking
