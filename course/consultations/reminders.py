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
from course.mail import send


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
    """Claim the reminder row, then send; False when another run already claimed it.

    The caller commits after a send and rolls back on MailError, so a failed send is
    retried by the next run and a sent one is never repeated.
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
    item = notice(booking.user, "reminder", [booking.session])
    send(item.to, item.subject, item.template, item.attachments, **item.context)
    return True
