"""The workshop arm's training days and who attended them (this opens their booking gate)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from course import clock
from course.audit.services import record
from course.auth.models import User
from course.consultations.errors import ConsultationError, not_found
from course.consultations.models import WorkshopAttendance, WorkshopDay
from course.consultations.scheduling import HORIZON, check_title
from course.extensions import db
from course.learning.access import not_taking_part

#: Workshop days are recorded from this date (earlier is a typing slip).
EARLIEST_DAY = date(2024, 1, 1)


@dataclass(frozen=True)
class DayRow:
    """A workshop day in the list."""

    id: int
    title: str
    day: date
    attended: int


def create_day(actor: User, title: str, day: date, notes: str = "") -> WorkshopDay:
    """Add a workshop day."""
    title = check_title(title)
    if day is None:
        raise ConsultationError(_("Give the date of the workshop day."), status=400, field="day")
    latest = clock.now_utc().date() + HORIZON
    if not EARLIEST_DAY <= day <= latest:
        raise ConsultationError(
            _(
                "Give a date between %(first)s and %(last)s.",
                first=f"{EARLIEST_DAY:%Y-%m-%d}",
                last=f"{latest:%Y-%m-%d}",
            ),
            status=400,
            field="day",
        )
    row = WorkshopDay(
        title=title,
        day=day,
        notes=(notes or "").strip(),
        created_by_id=actor.id,
        created_at=clock.now_utc(),
    )
    db.session.add(row)
    db.session.flush()
    record("consultations.workshop_day_created", actor=actor, target=f"workshop_day:{row.id}")
    return row


def days() -> list[DayRow]:
    """Every workshop day, newest first, with the number who attended."""
    query = (
        select(
            WorkshopDay.id, WorkshopDay.title, WorkshopDay.day, func.count(WorkshopAttendance.id)
        )
        .outerjoin(WorkshopAttendance, WorkshopAttendance.day_id == WorkshopDay.id)
        .group_by(WorkshopDay.id, WorkshopDay.title, WorkshopDay.day)
        .order_by(WorkshopDay.day.desc(), WorkshopDay.id.desc())
    )
    return [DayRow(*row) for row in db.session.execute(query)]


def workshop_therapists() -> list[User]:
    """Active therapists in the workshop arm, by name (not recruits who declined the study
    while holding that arm)."""
    people = list(
        db.session.scalars(
            select(User)
            .where(User.role == "therapist", User.arm == "workshop", User.active.is_(True))
            .order_by(User.name, User.id)
        )
    )
    declined = not_taking_part([person.id for person in people])
    return [person for person in people if person.id not in declined]


def attendees(day_id: int) -> set[int]:
    """Ids of the therapists recorded as attending a day."""
    query = select(WorkshopAttendance.user_id).where(WorkshopAttendance.day_id == day_id)
    return set(db.session.scalars(query))


def record_workshop_attendance(actor: User, day_id: int, user_ids: set[int]) -> tuple[int, int]:
    """Make the day's attendance exactly ``user_ids``; returns (added, removed)."""
    day = db.session.get(WorkshopDay, day_id)
    if day is None:
        raise not_found("workshop day")
    if day.day > clock.now_utc().date():
        raise ConsultationError(
            _("Attendance can be recorded on or after the workshop day."), status=400
        )
    allowed = {u.id for u in workshop_therapists()}
    if not user_ids <= allowed:
        raise ConsultationError(
            _("Only active therapists in the workshop group can be marked."), status=400
        )
    before = attendees(day.id)
    added, removed = user_ids - before, before - user_ids
    now = clock.now_utc()
    for user_id in sorted(added):
        db.session.add(
            WorkshopAttendance(
                day_id=day.id, user_id=user_id, recorded_by_id=actor.id, recorded_at=now
            )
        )
    if removed:
        db.session.execute(
            WorkshopAttendance.__table__.delete().where(
                WorkshopAttendance.day_id == day.id, WorkshopAttendance.user_id.in_(removed)
            )
        )
    db.session.flush()
    record(
        "consultations.workshop_attendance_recorded",
        actor=actor,
        target=f"workshop_day:{day.id}",
        added=len(added),
        removed=len(removed),
        attended=len(user_ids),
    )
    return len(added), len(removed)
