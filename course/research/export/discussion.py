"""discussion_participation.csv (one row per participant) and discussion_posts.csv (per post).

A participant's posts count whatever became of them: a post withdrawn by its author or
hidden by faculty was still posted. Faculty appear only as the authors of replies to a
participant's question or discussion post, under the label ``faculty``, never by name;
their own questions and discussion posts, and anything under a post by someone outside
the research data, stay out. Titles and bodies are free text: they leave the database
only when a researcher asks for free text, and never for a hidden post (faculty hide
posts that may identify a client).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TextIO

from sqlalchemy import and_, func, null, or_, select
from sqlalchemy.orm import aliased

from course.auth.models import User
from course.discussion.models import Discussion, Post
from course.discussion.services import FACULTY
from course.research.export.context import ExportContext, flag, iso, number, stream, write_csv
from course.research.export.tables import REGISTRY

PARTICIPATION = REGISTRY.header("discussion_participation.csv")
POSTS = REGISTRY.header("discussion_posts.csv")
#: The study_id column of a faculty member's reply.
FACULTY_LABEL = "faculty"


@dataclass
class Participation:
    """One participant's posts by kind, answered questions and hours to each answer."""

    kinds: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    hours: list[float] = field(default_factory=list)
    first: datetime | None = None
    last: datetime | None = None

    @property
    def posts(self) -> int:
        """Every post, of any kind."""
        return sum(self.kinds.values())

    @property
    def median_hours(self) -> float | None:
        """Median hours from a question to its marked answer; None when none was answered."""
        return statistics.median(self.hours) if self.hours else None

    @property
    def mean_hours(self) -> float | None:
        """Mean hours from a question to its marked answer; None when none was answered."""
        return statistics.fmean(self.hours) if self.hours else None


def discussion_summary(scope: Callable) -> dict[int, Participation]:
    """user -> their participation: every post they wrote, withdrawn and hidden included."""
    out: dict[int, Participation] = defaultdict(Participation)
    query = select(Post.author_id, Post.kind, Post.created_at, Post.answered_at).where(
        *scope(Post.author_id)
    )
    for author_id, kind, created, answered in stream(query):
        mine = out[author_id]
        mine.kinds[kind] += 1
        mine.first = created if mine.first is None else min(mine.first, created)
        mine.last = created if mine.last is None else max(mine.last, created)
        if kind == "question" and answered is not None:
            mine.hours.append((answered - created).total_seconds() / 3600)
    return dict(out)


def participation(ctx: ExportContext) -> dict[int, Participation]:
    """The export's participation summary (computed once, shared with REDCap)."""
    return ctx.once("discussion", lambda: discussion_summary(ctx.only_people))


def discussion_participation(ctx: ExportContext, out: TextIO) -> int:
    """One row per participant (current state): posts by kind and hours to an answer."""
    summary = participation(ctx)

    def rows():
        for user_id, person in ctx.people.items():
            p = summary.get(user_id) or Participation()
            yield (
                person.study_id, person.arm, p.posts, p.kinds["question"],
                p.kinds["discussion"], p.kinds["reply"], len(p.hours),
                number(p.median_hours, 2), number(p.mean_hours, 2), iso(p.first), iso(p.last),
            )  # fmt: skip

    return write_csv(out, PARTICIPATION, rows())


# --- discussion_posts.csv -------------------------------------------------------------


def post_query(ctx: ExportContext, *, text: bool = False):
    """Participants' posts and faculty replies to them, oldest first; text only if asked."""
    f = ctx.filters
    parent = aliased(Post, name="parent")
    query = (
        select(
            Post.id,
            Post.parent_id,
            Post.author_id,
            User.role,
            Post.kind,
            Discussion.subject,
            Discussion.slug,
            Post.created_at,
            Post.answered_at,
            Post.withdrawn_at,
            Post.hidden_at,
            func.length(Post.body).label("length"),
            parent.author_id.label("parent_author_id"),
            parent.answer_id.label("parent_answer_id"),
            (Post.title if text else null()).label("title"),
            (Post.body if text else null()).label("body"),
            Post.language,
        )
        .join(Discussion, Discussion.id == Post.discussion_id)
        .join(User, User.id == Post.author_id)
        .outerjoin(parent, parent.id == Post.parent_id)
        .where(*f.in_range(Post.created_at))
        .order_by(Post.id)
    )
    mine = ctx.only_people(Post.author_id)
    if mine:
        faculty_reply = and_(Post.kind == "reply", User.role.in_(FACULTY))
        query = query.where(or_(*mine, and_(faculty_reply, *ctx.only_people(parent.author_id))))
    if f.since is not None:
        changed = (Post.created_at, Post.edited_at, Post.withdrawn_at, Post.hidden_at)
        query = query.where(
            or_(*(c >= f.since for c in changed), Post.answered_at >= f.since,
                parent.answered_at >= f.since)
        )  # fmt: skip
    return query


def discussion_posts(ctx: ExportContext, out: TextIO) -> int:
    """One row per post: who (study ID or ``faculty``), where, when, what became of it."""
    free_text = ctx.filters.include_free_text

    def rows():
        for row in stream(post_query(ctx, text=free_text)):
            person = ctx.people.get(row.author_id)
            if person is not None:
                who, arm = person.study_id, person.arm
            elif row.role in FACULTY and row.kind == "reply" and row.parent_author_id in ctx.people:
                who, arm = FACULTY_LABEL, ""
            else:
                continue
            reply, hidden = row.kind == "reply", row.hidden_at is not None
            title, body = ("", "") if hidden else (row.title or "", row.body or "")
            yield (
                row.id, row.parent_id or "", who, arm, row.kind, row.subject, row.slug,
                iso(row.created_at), flag(row.parent_answer_id == row.id) if reply else "",
                iso(row.answered_at), flag(row.withdrawn_at is not None), flag(hidden),
                row.length or 0, title, body, row.language,
            )  # fmt: skip

    return write_csv(out, POSTS, rows())
