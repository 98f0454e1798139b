"""Notices: what the platform tells a person (an answer to their question, feedback ready)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from course import clock
from course.dbtypes import UTCDateTime
from course.extensions import db

MODES = ("immediate", "digest")


class Notice(db.Model):
    """One thing to tell one person, on the platform and by e-mail (at once or in a digest)."""

    __tablename__ = "notices"

    #: Internal key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: Who is told.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: What kind of news, e.g. ``discussion.answered``.
    kind: Mapped[str] = mapped_column(String(40))
    #: One line saying what happened.
    text: Mapped[str] = mapped_column(String(300))
    #: Where to see it (a path on this site).
    link: Mapped[str] = mapped_column(String(500))
    #: When it happened (UTC).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now_utc)
    #: When the person opened their notices after it (UTC).
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: When it was e-mailed (queued in the outbox), alone or in a digest (UTC).
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_notices_user_unread", "user_id", "read_at"),)


class NoticeSetting(db.Model):
    """How a person wants their notices e-mailed: each at once, or one digest a day."""

    __tablename__ = "notice_settings"

    #: Whose setting.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    #: immediate or digest.
    mode: Mapped[str] = mapped_column(String(10))
    #: When it was last changed (UTC).
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now_utc)

    __table_args__ = (CheckConstraint("mode IN ('immediate', 'digest')", name="mode"),)
