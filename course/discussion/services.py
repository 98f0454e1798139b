"""Discussion rules: who takes part, posting with the privacy guard, answers, moderation.

The registry gives the discussion with faculty to the self-paced arm: therapists in the
``self_paced`` and ``open`` arms take part, with trainers and admins as faculty; the
workshop and control arms do not. Services flush, never commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import format_number, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from course import clock, signals
from course.audit.services import record
from course.auth.models import User
from course.catalog import localized, published_course, published_scenario
from course.content import render_markdown
from course.dbtypes import insert_ignoring_conflicts
from course.discussion.models import SUBJECTS, Discussion, Post
from course.discussion.privacy import Finding, findings
from course.errors import DomainError
from course.extensions import db
from course.learning.overview import course_view
from course.notices.services import notify
from course.practice.access import check_open
from course.web.i18n import page_language, shown_language

FACULTY = ("trainer", "admin")
LEARNER_ARMS = ("self_paced", "open")
MAX_TITLE, MAX_BODY, MAX_REASON = 200, 10_000, 500
#: Per field: a character that cannot be stored, left empty, too long (whole sentences).
_REFUSALS = {
    "title": (
        _l("The title holds a character that cannot be stored."),
        _l("Write the title first."),
        _l("Keep the title under %(limit)s characters."),
    ),
    "post": (
        _l("The post holds a character that cannot be stored."),
        _l("Write the post first."),
        _l("Keep the post under %(limit)s characters."),
    ),
    "reason": (
        _l("The reason for hiding it holds a character that cannot be stored."),
        _l("Write the reason for hiding it first."),
        _l("Keep the reason for hiding it under %(limit)s characters."),
    ),
}


class DiscussionError(DomainError):
    """The discussion action is refused; the message says why."""

    status = 403


class PrivacyCheck(DiscussionError):
    """The post may identify a client: it is shown back with what was found."""

    status = 422

    def __init__(self, found: list[Finding]) -> None:
        super().__init__(
            _("This post may identify a client. Edit it, or confirm that it does not.")
        )
        self.found = found


def is_faculty(user) -> bool:
    """Trainers and admins take part as faculty."""
    return getattr(user, "role", None) in FACULTY


def check_member(user) -> None:
    """Refuse anyone but faculty and therapists of the self-paced and open arms."""
    if is_faculty(user) or (user.role == "therapist" and user.arm in LEARNER_ARMS):
        return
    raise DiscussionError(_("The discussion with faculty is part of the self-paced course."))


@dataclass(frozen=True)
class Subject:
    """What a discussion is about: a module or a scenario, with its title."""

    kind: str
    slug: str
    title: str


def subject_of(user, kind: str, slug: str) -> Subject:
    """The module or scenario, if it exists and this person may see it."""
    check_member(user)
    if kind not in SUBJECTS:
        raise DiscussionError(_("There is no such discussion."), 404)
    if kind == "module":
        module = published_course(shown_language()).module(slug)
        if module is None:
            raise DiscussionError(_("There is no such discussion."), 404)
        if not is_faculty(user):
            card = course_view(user).card(slug)
            if card is None or card.status == "locked":
                raise DiscussionError(
                    _("The discussion of “%(title)s” opens with the module.", title=module.title),
                    403,
                )
        return Subject(kind, slug, module.title)
    scenario = published_scenario(slug)
    if scenario is None:
        raise DiscussionError(_("There is no such discussion."), 404)
    if not is_faculty(user):
        check_open(user, "scenario", slug)
    return Subject(kind, slug, localized("scenario", slug, scenario, shown_language()).title)


def open_discussion(user, kind: str, slug: str) -> tuple[Subject, Discussion]:
    """The discussion of a subject the person may see, made on first use; flushes."""
    subject = subject_of(user, kind, slug)
    db.session.execute(
        insert_ignoring_conflicts(
            Discussion,
            conflict=["subject", "slug"],
            values={"subject": kind, "slug": slug, "post_first": False},
        )
    )
    discussion = db.session.scalar(
        select(Discussion).where(Discussion.subject == kind, Discussion.slug == slug)
    )
    return subject, discussion


@dataclass
class Entry:
    """A question or discussion post with its replies, as one viewer may see them."""

    post: Post
    replies: list[Post] = field(default_factory=list)


def entries(user, discussion: Discussion) -> tuple[list[Entry], bool]:
    """The posts the viewer may see, oldest first, and whether others are held back.

    With "post before you see the others", a learner sees only their own posts until
    they have posted a question or discussion post of their own here.
    """
    posts = db.session.scalars(
        select(Post).where(Post.discussion_id == discussion.id).order_by(Post.id)
    ).all()
    top = {p.id: Entry(p) for p in posts if p.parent_id is None}
    for post in posts:
        if post.parent_id in top:
            top[post.parent_id].replies.append(post)
    shown = list(top.values())
    held_back = (
        discussion.post_first
        and not is_faculty(user)
        and not any(e.post.author_id == user.id and not e.post.gone for e in shown)
    )
    if held_back:
        shown = [e for e in shown if e.post.author_id == user.id]
    return shown, held_back


def _clean(text: str | None, limit: int, what: str, *, required: bool = True) -> str:
    text = (text or "").replace("\r\n", "\n").strip()
    unstorable, empty, too_long = _REFUSALS[what]
    if "\x00" in text:
        raise DiscussionError(str(unstorable), 400)
    if required and not text:
        raise DiscussionError(str(empty), 422)
    if len(text) > limit:
        raise DiscussionError(str(too_long) % {"limit": format_number(limit)}, 422)
    return text


def _guard(title: str, body: str, confirmed: bool) -> None:
    found = findings(f"{title}\n{body}")
    if found and not confirmed:
        raise PrivacyCheck(found)


def create_post(
    user,
    discussion: Discussion,
    *,
    kind: str,
    body: str,
    title: str = "",
    parent_id: int | None = None,
    confirmed: bool = False,
) -> Post:
    """A new question, discussion post or reply, after the privacy check; flushes."""
    parent = None
    if kind == "reply":
        parent = db.session.get(Post, parent_id) if parent_id else None
        if parent is None or parent.discussion_id != discussion.id or parent.parent_id:
            raise DiscussionError(_("There is no such post to reply to here."), 404)
        if parent.gone:
            raise DiscussionError(_("That post was withdrawn or hidden; it takes no replies."), 409)
        title = ""
    elif kind in ("question", "discussion"):
        title = _clean(title, MAX_TITLE, "title")
    else:
        raise DiscussionError(_("Choose a question or a discussion post."), 400)
    body = _clean(body, MAX_BODY, "post")
    _guard(title, body, confirmed)
    post = Post(
        discussion_id=discussion.id,
        parent_id=parent.id if parent else None,
        author_id=user.id,
        kind=kind,
        title=title or None,
        body=body,
        body_html=render_markdown(body),
        created_at=clock.now_utc(),
    )
    db.session.add(post)
    db.session.flush()
    signals.discussion_posted.send(
        user, post_id=post.id, kind=kind, subject=discussion.subject, slug=discussion.slug
    )
    return post


def own_post(user, post_id: int) -> Post:
    """A post of this person, for editing or withdrawing."""
    post = db.session.get(Post, post_id)
    if post is None or post.author_id != user.id:
        raise DiscussionError(_("There is no such post of yours."), 404)
    if post.gone:
        raise DiscussionError(_("This post was withdrawn or hidden and cannot change."), 409)
    return post


def edit_window() -> timedelta:
    """How long after posting its author may edit it."""
    return timedelta(minutes=current_app.config["DISCUSSION_EDIT_MINUTES"])


def edit_post(user, post_id: int, *, body: str, title: str = "", confirmed: bool = False) -> Post:
    """Change one's own post within the edit window; flushes."""
    post = own_post(user, post_id)
    if clock.now_utc() - post.created_at > edit_window():
        minutes = current_app.config["DISCUSSION_EDIT_MINUTES"]
        raise DiscussionError(
            ngettext(
                "Posts can be edited for %(num)d minute; you can still withdraw it.",
                "Posts can be edited for %(num)d minutes; you can still withdraw it.",
                minutes,
            ),
            409,
        )
    if post.kind != "reply":
        title = _clean(title, MAX_TITLE, "title")
    body = _clean(body, MAX_BODY, "post")
    _guard(title if post.kind != "reply" else "", body, confirmed)
    post.title = title if post.kind != "reply" else None
    post.body, post.body_html = body, render_markdown(body)
    post.edited_at = clock.now_utc()
    post.language = page_language()  # the text now is what was written on this page
    db.session.flush()
    return post


def withdraw_post(user, post_id: int) -> Post:
    """Withdraw one's own post: it shows as withdrawn and its text is gone; flushes."""
    post = own_post(user, post_id)
    post.withdrawn_at = clock.now_utc()
    post.title, post.body, post.body_html = None, "", ""
    db.session.flush()
    return post


def _faculty(user) -> None:
    if not is_faculty(user):
        raise DiscussionError(_("Only faculty can do that."), 403)


def mark_answer(user, question_id: int, reply_id: int) -> Post:
    """Faculty mark a reply as the answer to a question; the asker is told once."""
    _faculty(user)
    question = db.session.get(Post, question_id)
    reply = db.session.get(Post, reply_id)
    if question is None or question.kind != "question":
        raise DiscussionError(_("There is no such question."), 404)
    if reply is None or reply.parent_id != question.id or reply.gone:
        raise DiscussionError(_("That reply does not answer this question."), 400)
    now = clock.now_utc()
    question.answer_id, question.answered_by_id = reply.id, user.id
    question.answered_at = question.answered_at or now
    db.session.flush()
    claimed = db.session.execute(
        update(Post)
        .where(Post.id == question.id, Post.asker_told_at.is_(None))
        .values(asker_told_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed and not question.gone:
        discussion = db.session.get(Discussion, question.discussion_id)
        asker = db.session.get(User, question.author_id)
        notify(
            asker,
            "discussion.answered",
            _l("Faculty answered your question “%(title)s”.", title=question.title),
            "discussion.show",
            subject=discussion.subject,
            slug=discussion.slug,
            _anchor=f"post-{question.id}",
        )
    return question


def hide_post(user, post_id: int, reason: str) -> Post:
    """Faculty hide a post with a reason its author sees; audit-logged; flushes."""
    _faculty(user)
    post = db.session.get(Post, post_id)
    if post is None:
        raise DiscussionError(_("There is no such post."), 404)
    reason = _clean(reason, MAX_REASON, "reason")
    if post.hidden_at is None:
        post.hidden_at, post.hidden_by_id, post.hidden_reason = clock.now_utc(), user.id, reason
        db.session.flush()
        record("discussion.post_hidden", actor=user, target=f"post:{post.id}", reason=reason)
    return post


def set_post_first(user, discussion: Discussion, on: bool) -> None:
    """Faculty turn "post before you see the others" on or off for a discussion."""
    _faculty(user)
    discussion.post_first = on
    db.session.flush()
    record("discussion.post_first", actor=user, target=f"discussion:{discussion.id}", on=bool(on))


@dataclass(frozen=True)
class Waiting:
    """An unanswered question in the faculty queue."""

    post: Post
    discussion: Discussion
    working_days: int
    overdue: bool


def working_days_between(start: datetime, end: datetime) -> int:
    """Whole weekdays (Monday to Friday) from ``start``'s day to ``end``'s day."""
    day, last, count = start.date(), end.date(), 0
    while day < last:
        day += timedelta(days=1)
        count += day.weekday() < 5
    return count


def queue() -> list[Waiting]:
    """Unanswered questions across every discussion, oldest first, with their age."""
    limit = current_app.config["QUESTION_FLAG_WORKING_DAYS"]
    now = clock.now_utc()
    rows = db.session.execute(
        select(Post, Discussion)
        .join(Discussion, Discussion.id == Post.discussion_id)
        .where(
            Post.kind == "question",
            Post.answer_id.is_(None),
            Post.withdrawn_at.is_(None),
            Post.hidden_at.is_(None),
        )
        .order_by(Post.created_at, Post.id)
    ).all()
    waiting = []
    for post, discussion in rows:
        days = working_days_between(post.created_at, now)
        waiting.append(Waiting(post, discussion, days, days >= limit))
    return waiting
