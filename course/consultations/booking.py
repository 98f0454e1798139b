"""Therapists' side: book and cancel individual slots, join and leave groups."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from course import clock
from course.audit.services import record
from course.auth.models import User
from course.consultations.errors import ConsultationError, not_found
from course.consultations.invites import notice
from course.consultations.models import (
    Booking,
    ConsultationSeries,
    ConsultationSession,
    WaitlistEntry,
)
from course.consultations.seats import (
    Outcome,
    active_group,
    add_booking,
    check_gate,
    cutoff_passed,
    free_seat,
    live_bookings,
    lock_series,
    lock_sessions,
    lock_user,
    remaining_ids,
)
from course.consultations.waitlist import promote_waiting
from course.extensions import db

Session = ConsultationSession


def _withdraw_waiting(user_id: int, status: str = "withdrawn") -> None:
    for entry in db.session.scalars(
        select(WaitlistEntry).where(
            WaitlistEntry.user_id == user_id, WaitlistEntry.status == "waiting"
        )
    ):
        entry.status, entry.resolved_at = status, clock.now_utc()


def book_slot(user: User, session_id: int) -> Outcome:
    """Book one seat in an individual slot."""
    if db.session.get(Session, session_id) is None:
        raise not_found()
    check_gate(user)
    (session,) = lock_sessions([session_id])
    lock_user(user)
    if session.kind != "individual":
        raise ConsultationError(_("This session belongs to a group: join the group instead."))
    if session.is_cancelled:
        raise ConsultationError(_("This session was cancelled by the trainers."))
    if session.has_started:
        raise ConsultationError(_("This session has already started."))
    if live_bookings(user.id, [session.id]):
        raise ConsultationError(_("You have already booked this session."))
    limit = current_app.config["MAX_INDIVIDUAL_SLOTS"]
    held = db.session.scalar(
        select(func.count(Booking.id))
        .join(Session, Session.id == Booking.session_id)
        .where(
            Booking.user_id == user.id,
            Booking.status == "booked",
            Session.kind == "individual",
            Session.ends_at > clock.now_utc(),
        )
    )
    if held >= limit:
        raise ConsultationError(
            _(
                "You already hold %(held)s individual consultations, the most allowed at once "
                "(%(limit)s). Cancel one to book another.",
                held=held,
                limit=limit,
            )
        )
    if session.seats_taken >= session.capacity:
        raise ConsultationError(_("This session is full: every seat is taken. Choose another."))
    add_booking(user, session, "slot")
    db.session.flush()
    record("consultations.booked", actor=user, target=f"session:{session.id}", kind="individual")
    return Outcome(
        _("You are booked: %(title)s.", title=session.title), [notice(user, "booked", [session])]
    )


def cancel_slot(user: User, session_id: int) -> Outcome:
    """Give up an individual slot, up to the cutoff before it starts."""
    if db.session.get(Session, session_id) is None:
        raise not_found()
    (session,) = lock_sessions([session_id])
    (booking,) = live_bookings(user.id, [session.id]) or [None]
    if booking is None:
        raise ConsultationError(_("You have no booking for this session."), status=404)
    if session.kind != "individual":
        raise ConsultationError(_("This session belongs to your group: leave the group instead."))
    if cutoff_passed(session):
        hours = current_app.config["CANCEL_CUTOFF_HOURS"]
        raise ConsultationError(
            ngettext(
                "Bookings can be cancelled up to %(num)d hour before the session. "
                "Please write to the trainer instead.",
                "Bookings can be cancelled up to %(num)d hours before the session. "
                "Please write to the trainer instead.",
                hours,
            )
        )
    booking.status, booking.cancelled_at = "cancelled", clock.now_utc()
    booking.cancel_reason = "therapist"
    free_seat(session)
    db.session.flush()
    record("consultations.cancelled", actor=user, target=f"session:{session.id}")
    return Outcome(
        _("Your booking for %(title)s is cancelled.", title=session.title),
        [notice(user, "cancelled", [session], cancel=True)],
    )


def join_series(user: User, series_id: int) -> Outcome:
    """Join a group: take a seat in each of its remaining sessions."""
    if db.session.get(ConsultationSeries, series_id) is None:
        raise not_found("group")
    check_gate(user)
    series = lock_series(series_id)
    lock_user(user)
    remaining = remaining_ids(series.id)
    if series.cancelled_at is not None or not remaining:
        raise ConsultationError(_("This group has no sessions left to join."))
    if live_bookings(user.id, remaining):
        raise ConsultationError(_("You are already in this group."))
    current = active_group(user.id)
    if current is not None:
        raise ConsultationError(
            _(
                "You are already in the group “%(title)s”. One group at a time: "
                "leave it before joining another.",
                title=current.title,
            )
        )
    sessions = lock_sessions(remaining)
    if any(s.seats_taken >= s.capacity for s in sessions):
        raise ConsultationError(
            _(
                "This group is full. Join its waiting list: the first person waiting gets the "
                "next free seat, and we e-mail them."
            ),
            waitlist_series_id=series.id,
        )
    for session in sessions:
        add_booking(user, session, "series")
    _withdraw_waiting(user.id)
    db.session.flush()
    record("consultations.booked", actor=user, target=f"series:{series.id}", sessions=len(sessions))
    return Outcome(
        ngettext(
            "You joined %(title)s: %(num)d session is booked for you.",
            "You joined %(title)s: %(num)d sessions are booked for you.",
            len(sessions),
            title=series.title,
        ),
        [notice(user, "booked", sessions)],
    )


def leave_series(user: User, series_id: int) -> Outcome:
    """Leave a group; the first person waiting takes the freed seat at once."""
    if db.session.get(ConsultationSeries, series_id) is None:
        raise not_found("group")
    series = lock_series(series_id)
    lock_user(user)
    bookings = live_bookings(user.id, remaining_ids(series.id))
    if not bookings:
        raise ConsultationError(_("You are not in this group."), status=404)
    sessions = lock_sessions([b.session_id for b in bookings])
    soon = [s for s in sessions if cutoff_passed(s)]
    if soon:
        hours = current_app.config["CANCEL_CUTOFF_HOURS"]
        raise ConsultationError(
            ngettext(
                "You can leave the group up to %(num)d hour before a session, and the next "
                "one is sooner. Leave after it, or write to the trainers.",
                "You can leave the group up to %(num)d hours before a session, and the next "
                "one is sooner. Leave after it, or write to the trainers.",
                hours,
            )
        )
    now = clock.now_utc()
    for booking in bookings:
        booking.status, booking.cancelled_at, booking.cancel_reason = (
            "cancelled",
            now,
            "left_series",
        )
    for session in sessions:
        free_seat(session)
    db.session.flush()
    record(
        "consultations.cancelled", actor=user, target=f"series:{series.id}", sessions=len(sessions)
    )
    notices = [notice(user, "cancelled", sessions, cancel=True)]
    notices += promote_waiting(series)  # the same transaction: the seat is never seen free
    return Outcome(
        _("You left %(title)s. Your sessions are cancelled.", title=series.title), notices
    )
