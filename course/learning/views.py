"""The therapist's course: home, module pages, and the progress-event endpoint."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from course import clock
from course.catalog import published_course
from course.extensions import db
from course.learning import nudges, pages
from course.learning.access import course_access
from course.learning.events import BatchError, parse_batch
from course.learning.overview import course_view
from course.learning.progress import published_videos
from course.learning.resume import last_read
from course.learning.services import open_module, record_events, record_reading
from course.learning.unlocks import KIND as UNLOCKED
from course.notices import services as notices
from course.web.access import public, roles
from course.web.errors import speaks_json
from course.web.guard import reads_json
from course.web.i18n import page_language, shown_language

bp = Blueprint("learning", __name__, url_prefix="/learning")
bp.record_once(lambda state: pages.init_app(state.app))
MAX_BATCH_BYTES = 64 * 1024


@bp.route("/")
@roles("therapist")
def home():
    """The course with each module's status, progress and what is still needed."""
    access = course_access(current_user)
    if not access.has_course:
        return render_template("learning/no_course.html", access=access)
    published = published_course(shown_language())
    view = course_view(current_user, published)
    position = last_read(current_user.id, published)
    card = view.card(position.slug) if position else None
    if card is None or card.status in ("locked", "complete"):
        position = None  # a finished module is not where to go on; the next one is
    opened = notices.unread_of_kind(current_user.id, UNLOCKED)
    if opened:
        notices.mark_read([n.id for n in opened])
        db.session.commit()
    return render_template("learning/home.html", course=view, position=position, opened=opened)


@bp.route("/modules/<slug>")
@roles("therapist")
def module(slug: str):
    """One module: stored HTML, contents, checklist, previous and next."""
    opened = open_module(
        current_user, slug, shown_language()
    )  # ModuleUnavailable: the handler's page
    modules = opened.course.modules
    index = [m.slug for m in modules].index(slug)
    return render_template(
        "learning/module.html",
        course=opened.course,
        card=opened.card,
        revision=opened.revision,
        parts=pages.revision_parts(opened.revision),
        previous=modules[index - 1] if index > 0 else None,
        following=modules[index + 1] if index + 1 < len(modules) else None,
    )


def _payload():
    """The batch from a JSON body, or from the form a beacon sends on leaving the page."""
    if request.content_length and request.content_length > MAX_BATCH_BYTES:
        raise BatchError(f"a batch may be at most {MAX_BATCH_BYTES // 1024} KB", 413)
    if request.is_json:
        data = request.get_json(silent=True)
        if data is None:
            raise BatchError("the body is not valid JSON")
        return data
    try:
        return current_app.json.loads(request.form.get("payload", ""))
    except ValueError:  # too deep a nesting included (the app's JSON provider)
        raise BatchError("the body is not valid JSON") from None


@bp.route("/events", methods=["POST"])
@roles("therapist")
@speaks_json
@reads_json
def events():
    """Record a batch of progress events (CSRF header or field required)."""
    batch = parse_batch(
        _payload(), videos_of=published_videos, now=clock.now_utc(), language=page_language()
    )
    recorded = record_events(current_user, batch)
    state = recorded.checklist
    if state is None:  # a page still showing an older revision: the published one's list
        state = course_view(current_user, focus=batch.module).card(batch.module).checklist
    db.session.commit()
    return jsonify(
        stored=recorded.stored,
        duplicates=recorded.duplicates,
        complete=recorded.completed,
        checklist=[
            {"kind": i.kind, "label": i.label, "status": i.status, "done": i.done}
            for i in state.items
        ],
        percent=state.percent,
    )


@bp.route("/modules/<slug>/position", methods=["POST"])
@roles("therapist")
@speaks_json
@reads_json
def position(slug: str):
    """Remember the section the learner is reading (JSON, or a beacon's form)."""
    if request.is_json:
        data = request.get_json(silent=True)
        section = data.get("section") if isinstance(data, dict) else None
    else:
        section = request.form.get("section")
    record_reading(current_user, slug, section)
    db.session.commit()
    return "", 204


@bp.route("/reminders", methods=["POST"])
@roles("therapist")
def reminders():
    """Turn the reminder e-mails after a quiet spell on or off (from the account page)."""
    choice = request.form.get("nudges", "")
    if choice not in ("on", "off"):
        flash(_("Choose whether to get reminder e-mails."), "error")
    else:
        nudges.set_nudges(current_user.id, choice == "on")
        db.session.commit()
        flash(
            _("Saved: you will get a reminder e-mail after a quiet spell.")
            if choice == "on"
            else _("Saved: you will get no reminder e-mails."),
            "success",
        )
    return redirect(url_for("auth.account"))


@bp.route("/reminders/stop/<token>", methods=["GET", "POST"])
@public
def stop_nudges(token: str):
    """The link in a reminder e-mail: confirm, then turn reminders off (no sign-in needed)."""
    user = nudges.user_of_token(token)
    if user is None:
        abort(404)
    if request.method == "POST":
        nudges.set_nudges(user.id, False)
        db.session.commit()
        return render_template("learning/reminders_stopped.html")
    return render_template("learning/reminders_stop.html", on=nudges.nudges_on(user.id))


@bp.app_template_global()
def course_reminders() -> dict:
    """The reminder setting the account page shows a learner."""
    return {
        "on": nudges.nudges_on(current_user.id),
        "days": current_app.config["NUDGE_AFTER_DAYS"],
    }
