"""Trainers change or cancel sessions; everyone booked gets the updated invite."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from course import clock
from course.audit.services import record
from course.auth.models import User
from course.consultations.errors import ConsultationError, not_found
from course.consultations.invites import notice
from course.consultations.models import (
    Booking,
    BookingReminder,
    ConsultationSession,
    WaitlistEntry,
)
from course.consultations.scheduling import Plan, check_plan
from course.consultations.seats import lock_sessions
from course.consultations.times import to_utc, wall_clock
from course.consultations.waitlist import promote_waiting
from course.extensions import db
from course.mail import OutboxMessage


def _targets(session: ConsultationSession, scope: str) -> list[ConsultationSession]:
    if scope == "rest" and session.series_id is not None:
        ids = db.session.scalars(
            select(ConsultationSession.id).where(
                ConsultationSession.series_id == session.series_id,
                ConsultationSession.status == "scheduled",
                ConsultationSession.starts_at >= session.starts_at,
            )
        ).all()
    else:
        ids = [session.id]
    return sorted(lock_sessions(list(ids)), key=lambda s: s.starts_at)


def _booked(session_ids: list[int]) -> list[Booking]:
    return list(
        db.session.scalars(
            select(Booking)
            .where(Booking.session_id.in_(session_ids), Booking.status == "booked")
            .order_by(Booking.user_id, Booking.session_id)
        )
    )


def _by_person(bookings: list[Booking], sessions) -> dict[int, tuple[User, list]]:
    by_id = {s.id: s for s in sessions}
    people: dict[int, tuple[User, list]] = {}
    for booking in bookings:
        people.setdefault(booking.user_id, (booking.user, []))[1].append(by_id[booking.session_id])
    return people


def _numbered(title: str, session: ConsultationSession) -> str:
    """A group session's title is its series' title and its place in the series."""
    if session.series is None:
        return title
    return f"{title} ({session.position} of {session.series.session_count})"


def change_sessions(
    actor: User, session_id: int, plan: Plan, scope: str = "one"
) -> list[OutboxMessage]:
    """Change one session, or it and the later ones of its series; tell everyone booked."""
    session = db.session.get(ConsultationSession, session_id)
    if session is None:
        raise not_found()
    if session.is_cancelled or session.has_started:
        raise ConsultationError(_("Only a scheduled session that has not started can be changed."))
    targets = _targets(session, scope)
    old_start = wall_clock(session.starts_at, session.timezone)
    new_first, duration = check_plan(plan)
    shift = wall_clock(new_first, plan.timezone) - old_start
    url, notes, now = plan.meeting_url.strip(), plan.notes.strip(), clock.now_utc()
    for target in targets:
        if plan.capacity < target.seats_taken:
            raise ConsultationError(
                ngettext(
                    "%(num)d therapist is booked on %(title)s; the capacity "
                    "cannot be lower than that.",
                    "%(num)d therapists are booked on %(title)s; the capacity "
                    "cannot be lower than that.",
                    target.seats_taken,
                    title=target.title,
                ),
                status=400,
                field="capacity",
            )
    changed, told = [], []
    for target in targets:
        # The same wall-clock shift in the trainer's zone for every session moved.
        local_start = wall_clock(target.starts_at, target.timezone) + shift
        starts_at = to_utc(local_start.date(), local_start.time(), plan.timezone, fold=plan.fold)
        values = {
            "title": _numbered(plan.title.strip(), target),
            "timezone": plan.timezone,
            "starts_at": starts_at,
            "ends_at": starts_at + duration,
            "meeting_url": url,
            "notes": notes,
        }
        visible = any(getattr(target, key) != value for key, value in values.items())
        if not visible and target.capacity == plan.capacity:
            continue
        if starts_at != target.starts_at:  # the reminder for the old time no longer applies
            db.session.execute(
                BookingReminder.__table__.delete().where(
                    BookingReminder.booking_id.in_(
                        select(Booking.id).where(Booking.session_id == target.id)
                    )
                )
            )
        for key, value in values.items():
            setattr(target, key, value)
        target.capacity = plan.capacity
        target.sequence += 1
        target.updated_at = now
        changed.append(target)
        if visible:
            told.append(target)
    if not changed:
        return []
    series = session.series
    if scope == "rest" and series is not None:
        series.title, series.meeting_url, series.notes = plan.title.strip(), url, notes
        series.capacity = plan.capacity
    db.session.flush()
    record(
        "consultations.session_changed",
        actor=actor,
        target=f"session:{session.id}",
        scope=scope,
        sessions=[s.id for s in changed],
    )
    people = _by_person(_booked([s.id for s in told]), told)
    notices = [notice(user, "changed", mine) for user, mine in people.values()]
    if series is not None:
        notices += promote_waiting(series)  # raising the capacity may have opened seats
    return notices


def cancel_sessions(
    actor: User, session_id: int, scope: str = "one", message: str = ""
) -> list[OutboxMessage]:
    """Cancel one session, or it and the rest of its series; everyone booked gets a CANCEL."""
    session = db.session.get(ConsultationSession, session_id)
    if session is None:
        raise not_found()
    if session.is_cancelled:
        raise ConsultationError(_("This session is already cancelled."))
    if session.has_started:
        raise ConsultationError(_("A session that has started cannot be cancelled."))
    targets = _targets(session, scope)
    now = clock.now_utc()
    bookings = _booked([s.id for s in targets])
    for target in targets:
        target.status, target.cancelled_at = "cancelled", now
        target.seats_taken = 0
        target.sequence += 1
        target.updated_at = now
    for booking in bookings:
        booking.status, booking.cancelled_at = "cancelled", now
        booking.cancel_reason = "session_cancelled"
    series = session.series
    if series is not None and scope == "rest":
        remaining = db.session.scalar(
            select(ConsultationSession.id).where(
                ConsultationSession.series_id == series.id,
                ConsultationSession.status == "scheduled",
                ConsultationSession.starts_at > now,
            )
        )
        if remaining is None:
            series.cancelled_at = now
            for entry in db.session.scalars(
                select(WaitlistEntry).where(
                    WaitlistEntry.series_id == series.id, WaitlistEntry.status == "waiting"
                )
            ):
                entry.status, entry.resolved_at = "closed", now
    db.session.flush()
    record(
        "consultations.session_cancelled",
        actor=actor,
        target=f"session:{session.id}",
        scope=scope,
        sessions=[s.id for s in targets],
        bookings=len(bookings),
    )
    people = _by_person(bookings, targets)
    return [
        notice(user, "cancelled", mine, cancel=True, message=message.strip(), by_trainers=True)
        for user, mine in people.values()
    ]
