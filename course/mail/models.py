"""The outbox: every e-mail is a row written in the transaction that decided to send it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from course import clock
from course.dbtypes import UTCDateTime
from course.extensions import db

STATUSES = ("queued", "sending", "sent", "failed")


class OutboxMessage(db.Model):
    """One e-mail: queued with the fact that caused it, sent only after that commit."""

    __tablename__ = "outbox_messages"

    #: Internal key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The one recipient's address.
    to_address: Mapped[str] = mapped_column(String(254))
    #: The subject line (single line: line breaks are refused when queued).
    subject: Mapped[str] = mapped_column(String(300))
    #: Which mail template made it (``templates/mail/<template>.txt``), for the admin page.
    template: Mapped[str] = mapped_column(String(80))
    #: The plain-text body, rendered when queued.
    body: Mapped[str] = mapped_column(Text)
    #: Attachments: [{"filename", "content_type", "data" (base64)}].
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    #: queued, sending (claimed by one sender), sent, or failed (gave up).
    status: Mapped[str] = mapped_column(String(10), default="queued")
    #: Sends tried so far.
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: Not sent before this time (UTC): now when queued, later after a failure (back-off).
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: When a sender claimed it (UTC); a claim older than a few minutes was abandoned.
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: What the mail server said on the last failure.
    last_error: Mapped[str | None] = mapped_column(Text)
    #: When it was queued (UTC).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now_utc)
    #: When the mail server accepted it (UTC).
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        CheckConstraint("status IN ('queued', 'sending', 'sent', 'failed')", name="status"),
        CheckConstraint("attempts >= 0", name="attempts"),
        Index("ix_outbox_messages_due", "status", "next_attempt_at"),
    )
