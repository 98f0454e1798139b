"""The discussion statements of xapi.jsonl: a participant ``asked`` a question or
``responded`` with a reply, in the discussion of a module or scenario.

The object is the discussion itself, under its module or scenario (the context's parent)
and the course. A statement says only that the post was written, and when: never its
title or text, nor anything that changes later (an edit, a withdrawal, a marked answer),
so its id stays true. Discussion posts that are neither questions nor replies, and
anything faculty wrote, have no statement.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select

from course.discussion.models import Discussion, Post
from course.research.export.context import stream
from course.research.export.practice import practice_content
from course.research.export.xapi import ACTIVITY, Builder, Statement
from course.research.export.xapi_practice import SCENARIO

DISCUSSION = "http://id.tincanapi.com/activitytype/discussion"
VERBS = {"question": "asked", "reply": "responded"}


def _posts(b: Builder):
    """Questions and replies written by the included people, oldest first."""
    f = b.ctx.filters
    query = (
        select(Post.id, Post.author_id, Post.kind, Post.created_at, Discussion.subject,
               Discussion.slug, Post.language)
        .join(Discussion, Discussion.id == Post.discussion_id)
        .where(Post.kind.in_(tuple(VERBS)), *b.ctx.only_people(Post.author_id))
        .where(*f.in_range(Post.created_at))
        .order_by(Post.id)
    )  # fmt: skip
    if f.since is not None:
        query = query.where(Post.created_at >= f.since)
    return query


def discussions(b: Builder) -> Iterator[Statement]:
    """``asked`` per question and ``responded`` per reply, on the discussion activity."""
    ctx = b.ctx
    modules = {m.slug: m.title for m in ctx.modules.values()}
    scenarios = dict(practice_content(ctx).scenarios.values())
    for post_id, author_id, kind, created, subject, slug, language in stream(_posts(b)):
        person = ctx.people.get(author_id)
        if person is None:
            continue
        if subject == "module":
            title = modules.get(slug, slug)
            parent = (f"/learning/modules/{slug}", ACTIVITY + "module", title)
        else:
            title = scenarios.get(slug, slug)
            parent = (f"/practice/scenarios/{slug}", SCENARIO, title)
        target = b.activity(f"/discussion/{subject}/{slug}", DISCUSSION, f"Discussion: {title}")
        yield b.statement(
            ("post", post_id), person, VERBS[kind], target, created, parent=parent,
            language=language,
        )  # fmt: skip
