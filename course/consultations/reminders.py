"""Reminders a set number of hours before each session, sent once per seat."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from course import clock
from course.consultations.invites import notice
from course.consultations.models import Booking, BookingReminder, ConsultationSession
from course.dbtypes import insert_ignoring_conflicts
from course.extensions import db


def due(now: datetime | None = None) -> list[int]:
    """Live bookings of sessions starting within REMINDER_HOURS that were not reminded."""
    now = now or clock.now_utc()
    horizon = now + timedelta(hours=current_app.config["REMINDER_HOURS"])
    query = (
        select(Booking.id)
        .join(ConsultationSession, ConsultationSession.id == Booking.session_id)
        .outerjoin(BookingReminder, BookingReminder.booking_id == Booking.id)
        .where(
            Booking.status == "booked",
            ConsultationSession.status == "scheduled",
            ConsultationSession.starts_at > now,
            ConsultationSession.starts_at <= horizon,
            BookingReminder.id.is_(None),
        )
        .order_by(ConsultationSession.starts_at, Booking.id)
    )
    return list(db.session.scalars(query))


def send_reminder(booking_id: int) -> bool:
    """Claim the reminder row and queue the e-mail; False when another run claimed it.

    Both are written in the caller's transaction: the outbox sends after the commit and
    retries a refused send itself, so a reminder is queued exactly once.
    """
    claim = insert_ignoring_conflicts(
        BookingReminder,
        conflict=["booking_id"],
        values={"booking_id": booking_id, "sent_at": clock.now_utc()},
    )
    # RETURNING says whether this run inserted the row (rowcount is unreliable for upserts).
    if db.session.execute(claim.returning(BookingReminder.id)).scalar() is None:
        return False
    booking = db.session.get(Booking, booking_id)
    notice(booking.user, "reminder", [booking.session])
    return True
