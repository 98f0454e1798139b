"""The waiting list of a full group: first come, first served, told by e-mail."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from course import clock
from course.audit.services import record
from course.auth.models import User
from course.consultations.errors import ConsultationError, not_found
from course.consultations.invites import notice
from course.consultations.models import ConsultationSeries, WaitlistEntry
from course.consultations.seats import (
    Outcome,
    active_group,
    add_booking,
    check_gate,
    live_bookings,
    lock_series,
    lock_sessions,
    lock_user,
    remaining_ids,
)
from course.extensions import db
from course.mail import OutboxMessage


def promote_waiting(series: ConsultationSeries) -> list[OutboxMessage]:
    """Give free seats to the people waiting, first come first served; e-mail each."""
    notices: list[OutboxMessage] = []
    queue = db.session.scalars(
        select(WaitlistEntry)
        .where(WaitlistEntry.series_id == series.id, WaitlistEntry.status == "waiting")
        .order_by(WaitlistEntry.created_at, WaitlistEntry.id)
    ).all()
    for entry in queue:
        remaining = remaining_ids(series.id)
        if not remaining:
            break
        sessions = lock_sessions(remaining)
        if any(s.seats_taken >= s.capacity for s in sessions):
            break
        if active_group(entry.user_id) is not None or not entry.user.active:
            entry.status, entry.resolved_at = "withdrawn", clock.now_utc()
            continue
        for session in sessions:
            add_booking(entry.user, session, "waitlist")
        entry.status, entry.resolved_at = "promoted", clock.now_utc()
        db.session.flush()
        record(
            "consultations.booked",
            actor=None,
            target=f"series:{series.id}",
            user=entry.user.study_id,
            source="waitlist",
        )
        notices.append(notice(entry.user, "promoted", sessions))
    db.session.flush()
    return notices


def join_waitlist(user: User, series_id: int) -> Outcome:
    """Wait for a seat in a full group."""
    if db.session.get(ConsultationSeries, series_id) is None:
        raise not_found("group")
    check_gate(user)
    series = lock_series(series_id)
    lock_user(user)
    remaining = remaining_ids(series.id)
    if series.cancelled_at is not None or not remaining:
        raise ConsultationError(_("This group has no sessions left to wait for."))
    if live_bookings(user.id, remaining):
        raise ConsultationError(_("You are already in this group."))
    current = active_group(user.id)
    if current is not None:
        raise ConsultationError(
            _(
                "You are already in the group “%(title)s”. Leave it before waiting for another.",
                title=current.title,
            )
        )
    waiting = select(WaitlistEntry).where(
        WaitlistEntry.series_id == series.id, WaitlistEntry.status == "waiting"
    )
    if db.session.scalar(waiting.where(WaitlistEntry.user_id == user.id)) is not None:
        raise ConsultationError(_("You are already on this group's waiting list."))
    sessions = lock_sessions(remaining)
    if all(s.seats_taken < s.capacity for s in sessions):
        raise ConsultationError(_("This group has a free seat: join it instead of waiting."))
    db.session.add(
        WaitlistEntry(
            series_id=series.id, user_id=user.id, status="waiting", created_at=clock.now_utc()
        )
    )
    db.session.flush()
    position = len(db.session.scalars(waiting).all())
    record("consultations.waitlisted", actor=user, target=f"series:{series.id}")
    return Outcome(
        _(
            "You are number %(position)s on the waiting list for %(title)s. "
            "We will e-mail you when a seat is yours.",
            position=position,
            title=series.title,
        )
    )


def leave_waitlist(user: User, series_id: int) -> Outcome:
    """Stop waiting for a group."""
    if db.session.get(ConsultationSeries, series_id) is None:
        raise not_found("group")
    entry = db.session.scalar(
        select(WaitlistEntry).where(
            WaitlistEntry.series_id == series_id,
            WaitlistEntry.user_id == user.id,
            WaitlistEntry.status == "waiting",
        )
    )
    if entry is None:
        raise ConsultationError(_("You are not on this group's waiting list."), status=404)
    entry.status, entry.resolved_at = "withdrawn", clock.now_utc()
    db.session.flush()
    record("consultations.waitlist_left", actor=user, target=f"series:{series_id}")
    return Outcome(_("You left the waiting list."))
