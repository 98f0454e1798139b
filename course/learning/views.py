"""The therapist's course: home, module pages, and the progress-event endpoint."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, request
from flask_login import current_user

from course import clock
from course.extensions import db
from course.learning import pages
from course.learning.access import course_access
from course.learning.events import BatchError, parse_batch
from course.learning.overview import course_view
from course.learning.progress import published_videos
from course.learning.services import open_module, record_events
from course.web.access import roles
from course.web.errors import speaks_json
from course.web.guard import reads_json

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
    view = course_view(current_user)
    return render_template("learning/home.html", course=view)


@bp.route("/modules/<slug>")
@roles("therapist")
def module(slug: str):
    """One module: stored HTML, contents, checklist, previous and next."""
    opened = open_module(current_user, slug)  # ModuleUnavailable: the handler's page
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
    batch = parse_batch(_payload(), videos_of=published_videos, now=clock.now_utc())
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
