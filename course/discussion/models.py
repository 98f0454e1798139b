"""Discussions with faculty: one per module and per scenario, with questions and replies."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from course import clock
from course.dbtypes import UTCDateTime
from course.extensions import db
from course.web.i18n import LANGUAGE_CHECK, page_language

SUBJECTS = ("module", "scenario")
KINDS = ("question", "discussion", "reply")


class Discussion(db.Model):
    """The discussion of one module or scenario (made when first opened)."""

    __tablename__ = "discussions"

    #: Internal key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: module or scenario.
    subject: Mapped[str] = mapped_column(String(10))
    #: The module's or scenario's slug.
    slug: Mapped[str] = mapped_column(String(80))
    #: "Post before you see the others": learners see others' posts after their own.
    post_first: Mapped[bool] = mapped_column(Boolean, default=False)
    #: When it was first opened (UTC).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now_utc)

    __table_args__ = (
        UniqueConstraint("subject", "slug"),
        CheckConstraint("subject IN ('module', 'scenario')", name="subject"),
    )


class Post(db.Model):
    """A question, a discussion post, or a reply to one of them."""

    __tablename__ = "posts"

    #: Internal key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The discussion it belongs to.
    discussion_id: Mapped[int] = mapped_column(ForeignKey("discussions.id"))
    #: The question or discussion post it replies to; None for those themselves.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id"))
    #: Who wrote it.
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: question, discussion or reply.
    kind: Mapped[str] = mapped_column(String(10))
    #: The title of a question or discussion post; None for replies (and once withdrawn).
    title: Mapped[str | None] = mapped_column(String(200))
    #: The Markdown as written; empty once withdrawn.
    body: Mapped[str] = mapped_column(Text)
    #: The sanitized HTML, rendered when written.
    body_html: Mapped[str] = mapped_column(Text)
    #: When it was written (UTC).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now_utc)
    #: When its author last edited it (UTC).
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: When its author withdrew it (UTC); the text is then gone.
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: When faculty hid it (UTC).
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Who hid it.
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: Why (shown to its author).
    hidden_reason: Mapped[str | None] = mapped_column(String(500))
    #: For a question: the reply faculty marked as the answer.
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id"))
    #: When the answer was marked (UTC): the question's time to an answer ends here.
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Who marked it.
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: When the asker was told of the answer (UTC); they are told once.
    asker_told_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The language of the page it was made on: en or fr (see course.web.i18n).
    language: Mapped[str] = mapped_column(String(8), default=page_language, server_default="en")

    __table_args__ = (
        CheckConstraint("kind IN ('question', 'discussion', 'reply')", name="kind"),
        CheckConstraint("(parent_id IS NULL) = (kind <> 'reply')", name="parent"),
        CheckConstraint("answer_id IS NULL OR kind = 'question'", name="answer"),
        CheckConstraint(LANGUAGE_CHECK, name="language"),
        Index("ix_posts_discussion", "discussion_id", "parent_id"),
    )

    @property
    def gone(self) -> bool:
        """Withdrawn or hidden: its text is not shown."""
        return self.withdrawn_at is not None or self.hidden_at is not None
