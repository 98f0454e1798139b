"""Trainers' side: create group series and individual slots (changes.py changes them)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit

from flask_babel import gettext as _

from course import clock
from course.audit.services import record
from course.auth.models import User
from course.consultations.errors import ConsultationError
from course.consultations.models import (
    ConsultationSeries,
    ConsultationSession,
)
from course.consultations.times import to_utc, zone
from course.extensions import db
from course.text import is_single_line

SCHEDULERS = ("trainer", "admin")
MAX_CAPACITY = 50
MAX_SESSIONS = 52


@dataclass(frozen=True)
class Plan:
    """What a trainer typed for a slot, a series' first session, or a change."""

    title: str
    day: date
    start: time
    end: time
    timezone: str
    capacity: int
    meeting_url: str
    notes: str = ""
    #: At a daylight-saving change, which of a time that happens twice: 0 the first
    #: (before the clocks go back), 1 the second; None when not chosen.
    fold: int | None = None


#: How far ahead sessions may be scheduled (a date past it is a typing slip, not a plan).
HORIZON = timedelta(days=2 * 366)
_HOST = re.compile(
    r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$"
)


def check_meeting_url(url: str) -> str:
    """A real https link (a host name with a dot, no spaces, no user name), or a refusal."""
    url = (url or "").strip()
    refused = ConsultationError(
        _(
            "The meeting link must be an https:// address on the secure video platform, "
            "e.g. https://meet.example.org/room-42."
        ),
        status=400,
        field="meeting_url",
    )
    if len(url) > 500 or not is_single_line(url) or any(c.isspace() for c in url):
        raise refused
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises ValueError for a port that is not a number)
        host = (parts.hostname or "").encode("idna").decode("ascii")
    except (ValueError, UnicodeError):
        raise refused from None
    if parts.scheme != "https" or parts.username or parts.password or not _HOST.match(host):
        raise refused
    return url


def check_title(title: str) -> str:
    """A title of 1 to 200 characters on one line (it goes into e-mail subjects and
    calendar files)."""
    title = (title or "").strip()
    if not title or len(title) > 200:
        raise ConsultationError(
            _("Give a title of 1 to 200 characters."), status=400, field="title"
        )
    if not is_single_line(title):
        raise ConsultationError(
            _(
                "Keep the title on one line: it becomes the subject of e-mails and calendar "
                "entries."
            ),
            status=400,
            field="title",
        )
    return title


def check_day(day: date, field: str = "start_date") -> date:
    """A date from today to the scheduling horizon, or a refusal."""
    today = clock.now_utc().date()
    if day < today - timedelta(days=1):
        raise ConsultationError(
            _("That start time is in the past. Choose a future date and time."),
            status=400,
            field=field,
        )
    if day > today + HORIZON:
        raise ConsultationError(
            _(
                "Sessions can be scheduled up to two years ahead (until %(date)s).",
                date=f"{today + HORIZON:%Y-%m-%d}",
            ),
            status=400,
            field=field,
        )
    return day


def check_plan(plan: Plan) -> tuple[datetime, timedelta]:
    """Validate a plan; return its first start (UTC) and its duration."""
    check_title(plan.title)
    check_day(plan.day)
    zone(plan.timezone)
    if not 1 <= plan.capacity <= MAX_CAPACITY:
        raise ConsultationError(
            _("Capacity must be between 1 and %(max)s seats.", max=MAX_CAPACITY),
            status=400,
            field="capacity",
        )
    check_meeting_url(plan.meeting_url)
    if plan.end <= plan.start:
        raise ConsultationError(
            _("The session must end after it starts."), status=400, field="end_time"
        )
    starts_at = to_utc(plan.day, plan.start, plan.timezone, fold=plan.fold)
    ends_at = to_utc(plan.day, plan.end, plan.timezone, field="end_time", fold=plan.fold)
    if starts_at <= clock.now_utc():
        raise ConsultationError(
            _("That start time is in the past. Choose a future date and time."),
            status=400,
            field="start_date",
        )
    return starts_at, ends_at - starts_at


def _check_trainers(trainer: User | None, co_trainer: User | None) -> None:
    for person, name in ((trainer, "trainer"), (co_trainer, "co_trainer")):
        if person is not None and (person.role not in SCHEDULERS or not person.active):
            raise ConsultationError(_("Choose an active trainer account."), status=400, field=name)
    if trainer is None:
        raise ConsultationError(_("Choose the trainer."), status=400, field="trainer")
    if co_trainer is not None and co_trainer.id == trainer.id:
        raise ConsultationError(
            _("The co-facilitator must be a different trainer."), status=400, field="co_trainer"
        )


def create_slot(actor: User, plan: Plan, trainer: User) -> ConsultationSession:
    """Schedule one individual consultation slot."""
    _check_trainers(trainer, None)
    starts_at, duration = check_plan(plan)
    session = ConsultationSession(
        kind="individual",
        title=plan.title.strip(),
        trainer_id=trainer.id,
        timezone=plan.timezone,
        starts_at=starts_at,
        ends_at=starts_at + duration,
        capacity=plan.capacity,
        seats_taken=0,
        meeting_url=plan.meeting_url.strip(),
        notes=plan.notes.strip(),
        created_at=clock.now_utc(),
        updated_at=clock.now_utc(),
    )
    db.session.add(session)
    db.session.flush()
    record("consultations.slot_created", actor=actor, target=f"session:{session.id}")
    return session


def create_series(
    actor: User,
    plan: Plan,
    trainer: User,
    co_trainer: User | None,
    interval_days: int,
    count: int,
) -> ConsultationSeries:
    """Schedule a group series; every session keeps the first one's wall-clock time."""
    _check_trainers(trainer, co_trainer)
    if not 1 <= count <= MAX_SESSIONS:
        raise ConsultationError(
            _("A series has 1 to %(max)s sessions.", max=MAX_SESSIONS), status=400, field="count"
        )
    if not 1 <= interval_days <= 90:
        raise ConsultationError(
            _("Sessions repeat every 1 to 90 days."), status=400, field="interval_days"
        )
    check_plan(plan)
    check_day(plan.day + timedelta(days=(count - 1) * interval_days), field="count")
    now = clock.now_utc()
    series = ConsultationSeries(
        title=plan.title.strip(),
        trainer_id=trainer.id,
        co_trainer_id=co_trainer.id if co_trainer else None,
        timezone=plan.timezone,
        interval_days=interval_days,
        session_count=count,
        capacity=plan.capacity,
        meeting_url=plan.meeting_url.strip(),
        notes=plan.notes.strip(),
        created_by_id=actor.id,
        created_at=now,
    )
    db.session.add(series)
    db.session.flush()
    for index in range(count):
        # Add days to the local date, not hours to the instant: 10:00 stays 10:00 after DST.
        day = plan.day + timedelta(days=index * interval_days)
        starts_at = to_utc(day, plan.start, plan.timezone, fold=plan.fold)
        db.session.add(
            ConsultationSession(
                kind="group",
                series_id=series.id,
                position=index + 1,
                title=f"{series.title} ({index + 1} of {count})",  # as _numbered()
                trainer_id=trainer.id,
                co_trainer_id=series.co_trainer_id,
                timezone=plan.timezone,
                starts_at=starts_at,
                ends_at=to_utc(day, plan.end, plan.timezone, field="end_time", fold=plan.fold),
                capacity=plan.capacity,
                seats_taken=0,
                meeting_url=series.meeting_url,
                notes=series.notes,
                created_at=now,
                updated_at=now,
            )
        )
    db.session.flush()
    record(
        "consultations.series_created",
        actor=actor,
        target=f"series:{series.id}",
        sessions=count,
        interval_days=interval_days,
        capacity=plan.capacity,
    )
    return series
