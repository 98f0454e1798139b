"""Discussion pages: a module's or scenario's discussion, editing, answers, the queue."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from course import clock
from course.auth.models import User
from course.discussion import services
from course.discussion.models import Discussion, Post
from course.discussion.services import DiscussionError, PrivacyCheck
from course.extensions import db
from course.web.access import roles

bp = Blueprint("discussion", __name__, url_prefix="/discussion")
MEMBERS = ("therapist", "trainer", "admin")


def _me():
    return current_user._get_current_object()


def _post_id(value: str | None) -> int | None:
    text = (value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


@bp.app_template_global()
def post_names(entries) -> dict[int, str]:
    """Authors' names for a discussion page (faculty marked as such), in one query."""
    ids = {e.post.author_id for e in entries} | {r.author_id for e in entries for r in e.replies}
    if not ids:
        return {}
    rows = db.session.execute(select(User.id, User.name, User.role).where(User.id.in_(ids))).all()
    return {
        i: _("%(name)s (faculty)", name=name) if role in services.FACULTY else name
        for i, name, role in rows
    }


def _page(subject, discussion, *, draft=None, found=(), status=200):
    shown, held_back = services.entries(_me(), discussion)
    page = render_template(
        "discussion/show.html",
        subject=subject,
        discussion=discussion,
        entries=shown,
        held_back=held_back,
        faculty=services.is_faculty(_me()),
        draft=draft or {},
        found=found,
        edit_minutes=services.edit_window().total_seconds() // 60,
        now=clock.now_utc(),
    )
    return page, status


@bp.route("/<subject>/<slug>", methods=["GET", "POST"])
@roles(*MEMBERS)
def show(subject: str, slug: str):
    """The discussion of a module or scenario; POST adds a post or a reply."""
    topic, discussion = services.open_discussion(_me(), subject, slug)
    if request.method == "GET":
        db.session.commit()
        return _page(topic, discussion)
    form = request.form
    kind = form.get("kind", "")
    draft = {
        "kind": kind,
        "title": form.get("title", ""),
        "body": form.get("body", ""),
        "parent": form.get("parent", ""),
    }
    try:
        post = services.create_post(
            _me(),
            discussion,
            kind=kind,
            title=draft["title"],
            body=draft["body"],
            parent_id=_post_id(draft["parent"]),
            confirmed=form.get("confirm") == "yes",
        )
    except PrivacyCheck as exc:
        db.session.rollback()
        topic, discussion = services.open_discussion(_me(), subject, slug)
        return _page(topic, discussion, draft=draft, found=exc.found, status=422)
    except DiscussionError as exc:
        if exc.status != 422:
            raise
        db.session.rollback()
        flash(str(exc), "error")
        topic, discussion = services.open_discussion(_me(), subject, slug)
        return _page(topic, discussion, draft=draft, status=422)
    db.session.commit()
    flash(
        _("Your post is published.") if kind != "reply" else _("Your reply is published."),
        "success",
    )
    anchor = f"post-{post.parent_id or post.id}"
    return redirect(url_for(".show", subject=subject, slug=slug, _anchor=anchor))


def _discussion_of(post: Post) -> Discussion:
    return db.session.get(Discussion, post.discussion_id)


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
@roles(*MEMBERS)
def edit(post_id: int):
    """Edit one's own post, for a short while after posting."""
    post = services.own_post(_me(), post_id)
    discussion = _discussion_of(post)
    services.subject_of(_me(), discussion.subject, discussion.slug)
    draft = {"title": post.title or "", "body": post.body}
    found, status = (), 200
    if request.method == "POST":
        draft = {"title": request.form.get("title", ""), "body": request.form.get("body", "")}
        try:
            services.edit_post(
                _me(),
                post_id,
                title=draft["title"],
                body=draft["body"],
                confirmed=request.form.get("confirm") == "yes",
            )
        except PrivacyCheck as exc:
            db.session.rollback()
            found, status = exc.found, 422
        except DiscussionError as exc:
            if exc.status != 422:
                raise
            db.session.rollback()
            flash(str(exc), "error")
            status = 422
        else:
            db.session.commit()
            flash(_("Your post is updated."), "success")
            return redirect(
                url_for(
                    ".show",
                    subject=discussion.subject,
                    slug=discussion.slug,
                    _anchor=f"post-{post.parent_id or post.id}",
                )
            )
    return render_template(
        "discussion/edit.html", post=post, discussion=discussion, draft=draft, found=found
    ), status


@bp.route("/posts/<int:post_id>/withdraw", methods=["POST"])
@roles(*MEMBERS)
def withdraw(post_id: int):
    """Withdraw one's own post: it shows as withdrawn and its text goes."""
    post = services.withdraw_post(_me(), post_id)
    discussion = _discussion_of(post)
    db.session.commit()
    flash(_("Your post is withdrawn; its text is gone."), "success")
    return redirect(url_for(".show", subject=discussion.subject, slug=discussion.slug))


@bp.route("/posts/<int:post_id>/answer", methods=["POST"])
@roles("trainer", "admin")
def answer(post_id: int):
    """Faculty mark a reply as the answer to a question; the asker is told once."""
    reply_id = _post_id(request.form.get("reply"))
    question = services.mark_answer(_me(), post_id, reply_id or 0)
    discussion = _discussion_of(question)
    db.session.commit()
    flash(_("Marked as the answer; the asker is told."), "success")
    return redirect(
        url_for(
            ".show", subject=discussion.subject, slug=discussion.slug, _anchor=f"post-{post_id}"
        )
    )


@bp.route("/posts/<int:post_id>/hide", methods=["POST"])
@roles("trainer", "admin")
def hide(post_id: int):
    """Faculty hide a post with a reason (its author sees it; audit-logged)."""
    post = services.hide_post(_me(), post_id, request.form.get("reason", ""))
    discussion = _discussion_of(post)
    db.session.commit()
    flash(_("The post is hidden; its author sees your reason."), "success")
    return redirect(url_for(".show", subject=discussion.subject, slug=discussion.slug))


@bp.route("/<subject>/<slug>/settings", methods=["POST"])
@roles("trainer", "admin")
def settings(subject: str, slug: str):
    """Faculty turn "post before you see the others" on or off."""
    _, discussion = services.open_discussion(_me(), subject, slug)
    services.set_post_first(_me(), discussion, request.form.get("post_first") == "on")
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(url_for(".show", subject=subject, slug=slug))


@bp.route("/queue")
@roles("trainer", "admin")
def queue():
    """Unanswered questions across every discussion, oldest first."""
    return render_template("discussion/queue.html", waiting=services.queue())
