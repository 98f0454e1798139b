"""consultations.csv (one row per seat) and workshop_attendance.csv.

The consultations feature owns the models; they are imported lazily so an export still
works (with a header row only) on an installation without that feature. Trainers'
notes are never exported: they are free text about a person.
"""

from __future__ import annotations

from typing import TextIO

from sqlalchemy import or_, select

from course.consultations import models as consultations_models
from course.research.export.context import ExportContext, iso, stream, write_csv
from course.research.export.tables import REGISTRY

CONSULTATIONS = REGISTRY.header("consultations.csv")
WORKSHOP = REGISTRY.header("workshop_attendance.csv")


def consultations(ctx: ExportContext, out: TextIO) -> int:
    """Every seat booked by an included therapist, with the session and attendance."""
    Attendance, Booking, ConsultationSession = (
        consultations_models.Attendance,
        consultations_models.Booking,
        consultations_models.ConsultationSession,
    )
    f = ctx.filters
    query = (
        select(
            Booking.id,
            Booking.user_id,
            ConsultationSession.id,
            ConsultationSession.kind,
            ConsultationSession.series_id,
            ConsultationSession.position,
            ConsultationSession.starts_at,
            ConsultationSession.ends_at,
            ConsultationSession.status,
            Booking.source,
            Booking.created_at,
            Booking.status,
            Booking.cancelled_at,
            Booking.cancel_reason,
            Attendance.status,
            Attendance.recorded_at,
        )
        .join(ConsultationSession, ConsultationSession.id == Booking.session_id)
        .outerjoin(Attendance, Attendance.booking_id == Booking.id)
        .where(*ctx.only_people(Booking.user_id), *f.in_range(ConsultationSession.starts_at))
        .order_by(ConsultationSession.starts_at, Booking.id)
    )
    if f.since is not None:
        query = query.where(
            or_(
                Booking.created_at >= f.since,
                Booking.cancelled_at >= f.since,
                Attendance.recorded_at >= f.since,
            )
        )

    def rows():
        for row in stream(query):
            person = ctx.people.get(row[1])
            if person is None:
                continue
            starts, ends = row[6], row[7]
            yield (
                row[0], person.study_id, person.arm, row[2], row[3], row[4] or "",
                row[5] or "", iso(starts), iso(ends), int((ends - starts).total_seconds()),
                row[8], row[9], iso(row[10]), row[11], iso(row[12]), row[13] or "",
                row[14] or "", iso(row[15]),
            )  # fmt: skip

    return write_csv(out, CONSULTATIONS, rows())


def workshop_attendance(ctx: ExportContext, out: TextIO) -> int:
    """The workshop arm's training: one row per therapist and workshop day attended."""
    WorkshopAttendance, WorkshopDay = (
        consultations_models.WorkshopAttendance,
        consultations_models.WorkshopDay,
    )
    f = ctx.filters
    query = (
        select(
            WorkshopAttendance.user_id,
            WorkshopDay.id,
            WorkshopDay.day,
            WorkshopAttendance.recorded_at,
        )
        .join(WorkshopDay, WorkshopDay.id == WorkshopAttendance.day_id)
        .where(*ctx.only_people(WorkshopAttendance.user_id))
        .order_by(WorkshopDay.day, WorkshopAttendance.id)
    )
    if f.start is not None:
        query = query.where(WorkshopDay.day >= f.start)
    if f.end is not None:
        query = query.where(WorkshopDay.day <= f.end)
    if f.since is not None:
        query = query.where(WorkshopAttendance.recorded_at >= f.since)

    def rows():
        for user_id, day_id, day, recorded in stream(query):
            person = ctx.people.get(user_id)
            if person is not None:
                yield person.study_id, person.arm, day_id, day.isoformat(), iso(recorded)

    return write_csv(out, WORKSHOP, rows())
