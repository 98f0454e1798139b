"""Progress: the raw events a page posts, and what the server derives from them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from course.dbtypes import UTCDateTime
from course.extensions import db

EVENT_TYPES = ("active", "play", "pause", "seek", "played", "ended")


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
    #: active, play, pause, seek, played or ended.
    type: Mapped[str] = mapped_column(String(16))
    #: Video key for video events.
    video_key: Mapped[str | None] = mapped_column(String(16))
    #: Active seconds (``active``).
    seconds: Mapped[float | None] = mapped_column(Float)
    #: Start of a played segment, seek origin, or the position of play/pause/ended.
    position_from: Mapped[float | None] = mapped_column(Float)
    #: End of a played segment or the seek target.
    position_to: Mapped[float | None] = mapped_column(Float)
    #: Video length reported by the player.
    duration: Mapped[float | None] = mapped_column(Float)
    #: When it happened on the client (UTC).
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: When the server stored it (UTC).
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        UniqueConstraint("user_id", "client_id"),
        Index("ix_progress_events_user_revision", "user_id", "module_revision_id"),
        Index("ix_progress_events_received_at", "received_at"),
        CheckConstraint(
            "type IN ('active', 'play', 'pause', 'seek', 'played', 'ended')", name="type"
        ),
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

    __table_args__ = (
        UniqueConstraint("user_id", "module_id"),
        CheckConstraint("active_seconds >= 0", name="active_seconds"),
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
    #: Most recent update (UTC).
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (UniqueConstraint("user_id", "module_revision_id", "video_key"),)

    @property
    def percent(self) -> float:
        """Share of the video watched, 0-100."""
        from course.learning.completion import watched_percent

        return watched_percent(self.watched_seconds, self.duration)
