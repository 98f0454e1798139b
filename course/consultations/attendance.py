"""After a session: attendance and notes per therapist, and the rows research exports read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import format_number
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from course import clock, signals
from course.audit.services import record
from course.auth.models import User
from course.consultations.errors import ConsultationError, not_found
from course.consultations.models import (
    ATTENDANCE_VALUES,
    Attendance,
    Booking,
    ConsultationSession,
)
from course.extensions import db

LABELS = {"attended": _l("Attended"), "no_show": _l("No-show"), "excused": _l("Excused")}
MAX_NOTE = 5000


@dataclass(frozen=True)
class Mark:
    """What a trainer entered for one booked therapist."""

    booking_id: int
    status: str
    private_note: str = ""
    shared_note: str = ""


def recordable_session(session_id: int) -> ConsultationSession:
    """The session, if attendance can be recorded for it: it exists, is not cancelled and
    has started (the form is neither offered nor accepted before)."""
    session = db.session.get(ConsultationSession, session_id)
    if session is None:
        raise not_found()
    if session.is_cancelled:
        raise ConsultationError(_("This session was cancelled: there is no attendance to record."))
    if not session.has_started:
        raise ConsultationError(
            _(
                "This session has not happened yet. Attendance can be recorded once the session "
                "has started."
            ),
            status=400,
        )
    return session


def record_attendance(actor: User, session_id: int, marks: list[Mark]) -> int:
    """Store attendance and notes for the session's booked therapists; returns rows saved."""
    session = recordable_session(session_id)
    bookings = {
        b.id: b
        for b in db.session.scalars(
            select(Booking).where(Booking.session_id == session.id, Booking.status == "booked")
        )
    }
    problems = []
    for mark in marks:
        if mark.booking_id not in bookings:
            raise ConsultationError(_("That therapist is not booked in this session."), status=400)
        if mark.status not in ATTENDANCE_VALUES:
            name = bookings[mark.booking_id].user.name
            problems.append(_("Choose attended, no-show or excused for %(name)s.", name=name))
        if len(mark.private_note) > MAX_NOTE or len(mark.shared_note) > MAX_NOTE:
            problems.append(
                _("Notes are limited to %(limit)s characters.", limit=format_number(MAX_NOTE))
            )
    if problems:
        raise ConsultationError(" ".join(dict.fromkeys(problems)), status=400)
    now = clock.now_utc()
    for mark in marks:
        booking = bookings[mark.booking_id]
        row = booking.attendance or Attendance(booking_id=booking.id)
        row.status = mark.status
        row.private_note = mark.private_note.strip()
        row.shared_note = mark.shared_note.strip()
        row.recorded_by_id, row.recorded_at = actor.id, now
        db.session.add(row)
    db.session.flush()
    for mark in marks:
        signals.attendance_recorded.send(
            bookings[mark.booking_id].user, session_id=session.id, status=mark.status
        )
    record(
        "consultations.attendance_recorded",
        actor=actor,
        target=f"session:{session.id}",
        counts={v: sum(1 for m in marks if m.status == v) for v in ATTENDANCE_VALUES},
    )
    return len(marks)


def attended_count(user_id: int) -> int:
    """Sessions this therapist was recorded as attending."""
    query = (
        select(func.count())
        .select_from(Attendance)
        .join(Booking, Booking.id == Attendance.booking_id)
        .where(Booking.user_id == user_id, Attendance.status == "attended")
    )
    return db.session.scalar(query) or 0


@dataclass(frozen=True)
class AttendanceRow:
    """One seat for research exports: pseudonymous, no names, no notes."""

    study_id: str
    arm: str | None
    session_id: int
    series_id: int | None
    kind: str
    position: int | None
    starts_at: datetime
    ends_at: datetime
    session_status: str
    booking_status: str
    booking_source: str
    booked_at: datetime
    cancelled_at: datetime | None
    cancel_reason: str | None
    attendance: str | None


def export_rows() -> list[AttendanceRow]:
    """Every booking with its session and attendance, oldest session first."""
    query = (
        select(
            User.study_id,
            User.arm,
            ConsultationSession.id,
            ConsultationSession.series_id,
            ConsultationSession.kind,
            ConsultationSession.position,
            ConsultationSession.starts_at,
            ConsultationSession.ends_at,
            ConsultationSession.status,
            Booking.status,
            Booking.source,
            Booking.created_at,
            Booking.cancelled_at,
            Booking.cancel_reason,
            Attendance.status,
        )
        .join(Booking, Booking.user_id == User.id)
        .join(ConsultationSession, ConsultationSession.id == Booking.session_id)
        .outerjoin(Attendance, Attendance.booking_id == Booking.id)
        .order_by(ConsultationSession.starts_at, Booking.id)
    )
    return [AttendanceRow(*row) for row in db.session.execute(query)]
