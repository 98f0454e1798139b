"""Progress: the raw events a page posts, and what the server derives from them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from course.dbtypes import UTCDateTime
from course.extensions import db
from course.web.i18n import LANGUAGE_CHECK, page_language

EVENT_TYPES = ("active", "play", "pause", "seek", "played", "ended", "transcript")
#: How a module's video criterion was met when it was completed: every video by watching,
#: every video by reading its transcript, or some each way.
VIDEO_ROUTES = ("video", "transcript", "mixed")


class ProgressEvent(db.Model):
    """One event from a module page. The client's id makes a resend a no-op."""

    __tablename__ = "progress_events"

    #: Internal key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: Whose event.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: The id the page generated; unique per user.
    client_id: Mapped[str] = mapped_column(String(64))
    #: The module revision the page showed.
    module_revision_id: Mapped[int] = mapped_column(ForeignKey("module_revisions.id"))
    #: active, play, pause, seek, played, ended or transcript.
    type: Mapped[str] = mapped_column(String(16))
    #: Video key for video events.
    video_key: Mapped[str | None] = mapped_column(String(16))
    #: Active seconds claimed by the page (``active``), or active seconds with the
    #: video's transcript open (``transcript``).
    seconds: Mapped[float | None] = mapped_column(Float)
    #: Of those, the seconds credited: what the server's own clock could vouch for.
    credited_seconds: Mapped[float | None] = mapped_column(Float)
    #: Start of a played segment, seek origin, or the position of play/pause/ended.
    position_from: Mapped[float | None] = mapped_column(Float)
    #: End of a played segment or the seek target.
    position_to: Mapped[float | None] = mapped_column(Float)
    #: For a played segment, the end credited (at most what the elapsed time allows at the
    #: fastest playback rate); coverage is computed from [position_from, credited_to].
    credited_to: Mapped[float | None] = mapped_column(Float)
    #: Video length reported by the player.
    duration: Mapped[float | None] = mapped_column(Float)
    #: When it happened on the client (UTC).
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: When the server stored it (UTC).
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: The language of the page it was made on: en or fr (see course.web.i18n).
    language: Mapped[str] = mapped_column(String(8), default=page_language, server_default="en")

    __table_args__ = (
        UniqueConstraint("user_id", "client_id"),
        Index("ix_progress_events_user_revision", "user_id", "module_revision_id"),
        Index("ix_progress_events_received_at", "received_at"),
        CheckConstraint(
            "type IN ('active', 'play', 'pause', 'seek', 'played', 'ended', 'transcript')",
            name="type",
        ),
        CheckConstraint(LANGUAGE_CHECK, name="language"),
    )


class ModuleProgress(db.Model):
    """A therapist's standing in one module: time, activity, completion."""

    __tablename__ = "module_progress"

    #: Internal key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: Whose progress.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: Which module (across its revisions).
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"))
    #: First activity (UTC).
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: Most recent activity (UTC); drives "continue where you left off".
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: Active seconds on the page, summed from ``active`` events.
    active_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    #: When every completion rule first held (UTC); never unset.
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The revision the module was completed on.
    completed_revision_id: Mapped[int | None] = mapped_column(ForeignKey("module_revisions.id"))
    #: How its video criterion was met at completion (video, transcript or mixed); empty
    #: when the rule asked for no video or the module is not complete.
    video_met_by: Mapped[str | None] = mapped_column(String(10))

    __table_args__ = (
        UniqueConstraint("user_id", "module_id"),
        CheckConstraint("active_seconds >= 0", name="active_seconds"),
        CheckConstraint("video_met_by IN ('video', 'transcript', 'mixed')", name="video_met_by"),
    )


class VideoProgress(db.Model):
    """The union of intervals actually played of one video, per revision."""

    __tablename__ = "video_progress"

    #: Internal key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: Whose viewing.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: Revision the video belongs to.
    module_revision_id: Mapped[int] = mapped_column(ForeignKey("module_revisions.id"))
    #: The video's key within the revision.
    video_key: Mapped[str] = mapped_column(String(16))
    #: Merged [start, end] intervals in seconds.
    intervals: Mapped[list[list[float]]] = mapped_column(JSON, default=list)
    #: Length of the union, in seconds.
    watched_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    #: Video length as reported by the player (0 while unknown).
    duration: Mapped[float] = mapped_column(Float, default=0.0)
    #: Credited active seconds with this video's transcript open on the module page.
    transcript_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    #: Most recent update (UTC).
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (UniqueConstraint("user_id", "module_revision_id", "video_key"),)

    @property
    def percent(self) -> float:
        """Share of the video watched, 0-100."""
        from course.learning.completion import watched_percent

        return watched_percent(self.watched_seconds, self.duration)


class VideoActions(db.Model):
    """How often a learner played, paused, sought and finished one video of a revision,
    counted from the events stored (kept by ingestion, so the export reads no raw log)."""

    __tablename__ = "video_actions"

    #: Internal key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: Whose actions.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: Revision the video belongs to.
    module_revision_id: Mapped[int] = mapped_column(ForeignKey("module_revisions.id"))
    #: The video's key within the revision.
    video_key: Mapped[str] = mapped_column(String(16))
    #: ``play`` events stored.
    plays: Mapped[int] = mapped_column(Integer, default=0)
    #: ``pause`` events stored.
    pauses: Mapped[int] = mapped_column(Integer, default=0)
    #: ``seek`` events stored.
    seeks: Mapped[int] = mapped_column(Integer, default=0)
    #: ``ended`` events stored.
    ends: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        UniqueConstraint("user_id", "module_revision_id", "video_key"),
        CheckConstraint("plays >= 0 AND pauses >= 0 AND seeks >= 0 AND ends >= 0", name="counts"),
    )


#: The event type each VideoActions column counts.
ACTION_COLUMNS = {"play": "plays", "pause": "pauses", "seek": "seeks", "ended": "ends"}


class LearnerClock(db.Model):
    """What the server has credited a learner so far, across every tab and module.

    Active time and video seconds are credited only inside the wall-clock time the server
    has itself seen pass for this learner, so one person is never active twice at once.
    """

    __tablename__ = "learner_clocks"

    #: The learner.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    #: Active time has been credited up to this instant (UTC).
    active_until: Mapped[datetime] = mapped_column(UTCDateTime())
    #: Video watching has been credited up to this instant (UTC).
    video_until: Mapped[datetime] = mapped_column(UTCDateTime())
    #: Transcript reading has been credited up to this instant (UTC).
    transcript_until: Mapped[datetime] = mapped_column(UTCDateTime())
    #: When the last batch of events arrived (UTC).
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())


class IntegrityEvent(db.Model):
    """A batch that claimed more than the server could credit: what was cut, kept for
    researchers (the events themselves are stored as claimed)."""

    __tablename__ = "integrity_events"

    #: Internal key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: Whose batch.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: The module revision it was for.
    module_revision_id: Mapped[int] = mapped_column(ForeignKey("module_revisions.id"))
    #: active (seconds of active time), video (seconds of media watched) or transcript
    #: (active seconds with a transcript open).
    kind: Mapped[str] = mapped_column(String(10))
    #: Seconds the batch claimed.
    claimed: Mapped[float] = mapped_column(Float)
    #: Seconds credited.
    credited: Mapped[float] = mapped_column(Float)
    #: Events in the batch of this kind.
    events: Mapped[int] = mapped_column(default=0)
    #: The earliest and latest times the page gave for those events (as claimed, UTC): a
    #: batch held through an outage shows as events from long before it arrived.
    first_event_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_event_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: When the batch arrived (UTC).
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        CheckConstraint("kind IN ('active', 'video', 'transcript')", name="kind"),
        CheckConstraint("credited <= claimed", name="credited"),
    )


class VideoDuration(db.Model):
    """A remote video's length, pinned from its block or from the first player report."""

    __tablename__ = "video_durations"

    #: The video's key (as in module revisions).
    video_key: Mapped[str] = mapped_column(String(16), primary_key=True)
    #: Its length in seconds.
    seconds: Mapped[float] = mapped_column(Float)
    #: first_report: pinned from the first player that reported it.
    source: Mapped[str] = mapped_column(String(16))
    #: When it was pinned (UTC).
    pinned_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ModuleUnlock(db.Model):
    """A module that opened to a learner when they completed what it requires: recorded once,
    so the learner is told once, however often completion is signalled."""

    __tablename__ = "module_unlocks"

    #: The learner.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    #: The module that opened.
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"), primary_key=True)
    #: When it opened (UTC).
    unlocked_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ReadingPosition(db.Model):
    """Where a learner last read: one row per learner, moved as they read."""

    __tablename__ = "reading_positions"

    #: The learner.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    #: The module they were reading.
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"))
    #: The anchor of the section heading (one of the revision's contents entries).
    anchor: Mapped[str] = mapped_column(String(200))
    #: When it was last moved (UTC).
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class NudgeSetting(db.Model):
    """A learner's choice about reminder e-mails after a spell without course activity
    (no row: reminders are on)."""

    __tablename__ = "nudge_settings"

    #: The learner.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    #: False: never send a reminder.
    enabled: Mapped[bool] = mapped_column(Boolean)
    #: When it was last changed (UTC).
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Nudge(db.Model):
    """A reminder e-mail queued for one spell without activity; one per spell, by constraint."""

    __tablename__ = "nudges"

    #: Internal key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The learner reminded.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: Their last course activity when it was sent: names the spell of inactivity.
    inactive_since: Mapped[datetime] = mapped_column(UTCDateTime())
    #: When it was queued in the outbox (UTC).
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (UniqueConstraint("user_id", "inactive_since"),)
