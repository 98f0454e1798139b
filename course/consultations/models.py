"""Consultations: group series and individual slots, seats, waiting lists, attendance.

Times are UTC; ``timezone`` on a series or session is the trainer's zone, whose wall
clock the sessions keep across daylight-saving changes. A seat is a ``Booking`` row;
``seats_taken`` counts the booked ones and the database refuses more than ``capacity``.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course import clock
from course.auth.models import User
from course.dbtypes import UTCDateTime
from course.extensions import db

KINDS = ("group", "individual")
SESSION_STATUSES = ("scheduled", "cancelled")
BOOKING_STATUSES = ("booked", "cancelled")
#: How a therapist got the seat: booked a slot, joined a group, or was moved up from the list.
BOOKING_SOURCES = ("slot", "series", "waitlist")
#: therapist: cancelled it; left_series: left the group; session_cancelled: by the trainers.
CANCEL_REASONS = ("therapist", "left_series", "session_cancelled")
WAITLIST_STATUSES = ("waiting", "promoted", "withdrawn", "closed")
ATTENDANCE_VALUES = ("attended", "no_show", "excused")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class ConsultationSeries(db.Model):
    """A recurring group: the same therapists meet every ``interval_days`` days."""

    __tablename__ = "consultation_series"

    #: Internal key; research exports carry it to group sessions.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: Name shown to therapists, e.g. "Tuesday morning group".
    title: Mapped[str] = mapped_column(String(200))
    #: Lead trainer.
    trainer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: Second, co-facilitating trainer (optional).
    co_trainer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: IANA zone whose wall-clock time the sessions keep (the trainer's).
    timezone: Mapped[str] = mapped_column(String(64))
    #: Days between sessions (14 = every two weeks).
    interval_days: Mapped[int] = mapped_column(Integer)
    #: Sessions planned when the series was created.
    session_count: Mapped[int] = mapped_column(Integer)
    #: Seats per session when created (sessions may be changed one by one).
    capacity: Mapped[int] = mapped_column(Integer, default=6)
    #: https link to the secure video platform.
    meeting_url: Mapped[str] = mapped_column(String(500))
    #: Notes shown to booked therapists (agenda, preparation).
    notes: Mapped[str] = mapped_column(Text, default="")
    #: Who created it (a trainer or an admin).
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: Creation time (UTC).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now_utc)
    #: Set when every remaining session was cancelled.
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    trainer: Mapped[User] = relationship(foreign_keys=[trainer_id])
    co_trainer: Mapped[User | None] = relationship(foreign_keys=[co_trainer_id])
    sessions: Mapped[list[ConsultationSession]] = relationship(
        back_populates="series", order_by="ConsultationSession.starts_at"
    )

    __table_args__ = (
        CheckConstraint("capacity >= 1", name="capacity"),
        CheckConstraint("interval_days >= 1", name="interval_days"),
        CheckConstraint("session_count BETWEEN 1 AND 52", name="session_count"),
        CheckConstraint("co_trainer_id IS NULL OR co_trainer_id <> trainer_id", name="co_trainer"),
    )


class ConsultationSession(db.Model):
    """One meeting: a session of a group series, or an individual slot."""

    __tablename__ = "consultation_sessions"

    #: Internal key; also the stable UID of its calendar invites.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: group (belongs to a series) or individual (a slot of its own).
    kind: Mapped[str] = mapped_column(String(12))
    #: The series of a group session.
    series_id: Mapped[int | None] = mapped_column(ForeignKey("consultation_series.id"), index=True)
    #: 1, 2, 3... within the series (None for individual slots).
    position: Mapped[int | None] = mapped_column(Integer)
    #: Name shown in lists and invites.
    title: Mapped[str] = mapped_column(String(200))
    #: Lead trainer.
    trainer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: Co-facilitating trainer (optional).
    co_trainer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: IANA zone the trainer scheduled it in; invites carry it as TZID.
    timezone: Mapped[str] = mapped_column(String(64))
    #: Start (UTC).
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    #: End (UTC); after the start.
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: Seats available.
    capacity: Mapped[int] = mapped_column(Integer)
    #: Seats booked; the database refuses more than ``capacity``.
    seats_taken: Mapped[int] = mapped_column(Integer, default=0)
    #: https link to the secure video platform.
    meeting_url: Mapped[str] = mapped_column(String(500))
    #: Notes shown to booked therapists.
    notes: Mapped[str] = mapped_column(Text, default="")
    #: iCalendar SEQUENCE: raised on every change, so calendars apply the newest invite.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    #: scheduled or cancelled.
    status: Mapped[str] = mapped_column(String(12), default="scheduled")
    #: When it was cancelled (UTC).
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Creation time (UTC).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now_utc)
    #: Last change (UTC); the DTSTAMP of invites.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now_utc)

    series: Mapped[ConsultationSeries | None] = relationship(back_populates="sessions")
    trainer: Mapped[User] = relationship(foreign_keys=[trainer_id])
    co_trainer: Mapped[User | None] = relationship(foreign_keys=[co_trainer_id])

    __table_args__ = (
        CheckConstraint(_in("kind", KINDS), name="kind"),
        CheckConstraint(
            "(kind = 'group' AND series_id IS NOT NULL AND position IS NOT NULL)"
            " OR (kind = 'individual' AND series_id IS NULL AND position IS NULL)",
            name="kind_series",
        ),
        CheckConstraint("capacity >= 1", name="capacity"),
        CheckConstraint("seats_taken >= 0", name="seats_taken_positive"),
        # The last line of defence against overbooking, whatever the code above it does.
        CheckConstraint("seats_taken <= capacity", name="seats_taken_capacity"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("sequence >= 0", name="sequence"),
        CheckConstraint(_in("status", SESSION_STATUSES), name="status"),
        CheckConstraint("(status = 'cancelled') = (cancelled_at IS NOT NULL)", name="cancelled_at"),
        CheckConstraint("co_trainer_id IS NULL OR co_trainer_id <> trainer_id", name="co_trainer"),
    )

    @property
    def seats_left(self) -> int:
        """Free seats."""
        return max(0, self.capacity - self.seats_taken)

    @property
    def is_cancelled(self) -> bool:
        """True once cancelled."""
        return self.status == "cancelled"

    @property
    def has_started(self) -> bool:
        """True from the start time on."""
        return self.starts_at <= clock.now_utc()


class Booking(db.Model):
    """One therapist's seat in one session."""

    __tablename__ = "bookings"

    #: Internal key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The session.
    session_id: Mapped[int] = mapped_column(ForeignKey("consultation_sessions.id"), index=True)
    #: The therapist.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: The series of a group session (copied for exports and queries).
    series_id: Mapped[int | None] = mapped_column(ForeignKey("consultation_series.id"), index=True)
    #: booked or cancelled.
    status: Mapped[str] = mapped_column(String(12), default="booked")
    #: slot, series or waitlist: how the seat was obtained.
    source: Mapped[str] = mapped_column(String(12))
    #: When the seat was taken (UTC).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now_utc)
    #: When it was given up (UTC).
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: therapist, left_series or session_cancelled.
    cancel_reason: Mapped[str | None] = mapped_column(String(20))

    session: Mapped[ConsultationSession] = relationship()
    user: Mapped[User] = relationship()
    attendance: Mapped[Attendance | None] = relationship(back_populates="booking")

    __table_args__ = (
        CheckConstraint(_in("status", BOOKING_STATUSES), name="status"),
        CheckConstraint(_in("source", BOOKING_SOURCES), name="source"),
        CheckConstraint(
            "(status = 'booked' AND cancelled_at IS NULL AND cancel_reason IS NULL)"
            " OR (status = 'cancelled' AND cancelled_at IS NOT NULL"
            f" AND {_in('cancel_reason', CANCEL_REASONS)})",
            name="cancelled",
        ),
        # Nobody holds two live seats in one session; cancelled rows stay as history.
        Index(
            "uq_bookings_live_seat",
            "session_id",
            "user_id",
            unique=True,
            sqlite_where=text("status = 'booked'"),
            postgresql_where=text("status = 'booked'"),
        ),
    )


class WaitlistEntry(db.Model):
    """A therapist waiting for a seat in a full group; first come, first served."""

    __tablename__ = "waitlist_entries"

    #: Internal key; breaks ties in arrival order.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The full series.
    series_id: Mapped[int] = mapped_column(ForeignKey("consultation_series.id"), index=True)
    #: The therapist waiting.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: waiting, promoted (given a seat), withdrawn (left or joined elsewhere), closed.
    status: Mapped[str] = mapped_column(String(12), default="waiting")
    #: Arrival time (UTC): the queue's order.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now_utc)
    #: When it stopped waiting (UTC).
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()
    series: Mapped[ConsultationSeries] = relationship()

    __table_args__ = (
        CheckConstraint(_in("status", WAITLIST_STATUSES), name="status"),
        CheckConstraint("(status = 'waiting') = (resolved_at IS NULL)", name="resolved_at"),
        Index(
            "uq_waitlist_entries_waiting",
            "series_id",
            "user_id",
            unique=True,
            sqlite_where=text("status = 'waiting'"),
            postgresql_where=text("status = 'waiting'"),
        ),
    )


class Attendance(db.Model):
    """What the trainers recorded for one booked seat after the session."""

    __tablename__ = "attendances"

    #: Internal key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The seat; one record each.
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id"), unique=True)
    #: attended, no_show or excused.
    status: Mapped[str] = mapped_column(String(12))
    #: Trainers' private note; never shown to the therapist or exported.
    private_note: Mapped[str] = mapped_column(Text, default="")
    #: Note the therapist sees on their page.
    shared_note: Mapped[str] = mapped_column(Text, default="")
    #: Trainer or admin who recorded it last.
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: Last recorded (UTC).
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now_utc)

    booking: Mapped[Booking] = relationship(back_populates="attendance")

    __table_args__ = (CheckConstraint(_in("status", ATTENDANCE_VALUES), name="status"),)


class BookingReminder(db.Model):
    """The reminder sent for one seat; its uniqueness makes ``consultations remind`` idempotent."""

    __tablename__ = "booking_reminders"

    #: Internal key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The seat reminded; at most one reminder each.
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id"), unique=True)
    #: When it was sent (UTC).
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())


class WorkshopDay(db.Model):
    """One day of the synchronous workshop (the workshop arm's training)."""

    __tablename__ = "workshop_days"

    #: Internal key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: Name, e.g. "Workshop day 1".
    title: Mapped[str] = mapped_column(String(200))
    #: The calendar date it took place.
    day: Mapped[date] = mapped_column(Date, index=True)
    #: Trainers' notes.
    notes: Mapped[str] = mapped_column(Text, default="")
    #: Who created it.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: Creation time (UTC).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now_utc)


class WorkshopAttendance(db.Model):
    """A workshop-arm therapist who attended one workshop day (absence = no row)."""

    __tablename__ = "workshop_attendances"

    #: Internal key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The day.
    day_id: Mapped[int] = mapped_column(ForeignKey("workshop_days.id"), index=True)
    #: The therapist.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: Trainer or admin who recorded it.
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: When it was recorded (UTC).
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now_utc)

    __table_args__ = (UniqueConstraint("day_id", "user_id"),)
