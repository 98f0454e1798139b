"""Survey pages: therapists answer (save, resume, submit); researchers read the set-up."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_number
from flask_babel import gettext as _
from flask_login import current_user

from course.catalog import published_course
from course.extensions import db
from course.learning.overview import course_view
from course.surveys import services
from course.surveys.forms import ACTIONS, MAX_TEXT, parse_answers
from course.surveys.instruments import fill, load_builtin
from course.surveys.schedule import (
    intervention,
    response_counts,
    responses_of,
    scheduled,
    title_of,
)
from course.surveys.scoring import rule_text
from course.web.access import roles
from course.web.i18n import page_language

bp = Blueprint("surveys", __name__, url_prefix="/surveys")


@bp.app_template_global()
def surveys_due(course) -> list:
    """The signed-in therapist's due surveys, for the home page."""
    return services.due_surveys(current_user, course)


@bp.app_template_filter("fill_x")
def fill_x(text: str | None, what: str) -> str:
    """Put the intervention in place of [X]."""
    return fill(text or "", what)


@bp.route("/")
@roles("therapist")
def index():
    """The therapist's surveys: due now, and already submitted."""
    view = course_view(current_user)
    due = services.due_surveys(current_user, view)
    catalog = load_builtin(page_language())
    done = [
        (row, title_of(row.survey, catalog))
        for row in responses_of(current_user.id)
        if row.submitted_at is not None
    ]
    return render_template("surveys/index.html", due=due, done=done)


@bp.route("/<survey>/<trigger>", methods=["GET", "POST"])
@roles("therapist")
def respond(survey: str, trigger: str):
    """Answer a due survey: save to finish later, or submit once."""
    page = services.open_survey(current_user, survey, trigger)
    if page.status == "submitted":
        status = 409 if request.method == "POST" else 200
        return render_template("surveys/submitted.html", page=page, changed=status == 409), status
    if request.method == "GET":
        return _form(page, page.answers)
    action = request.form.get("action")
    if action not in ACTIONS:
        abort(400, _("Use the “Save and finish later” or the “Submit answers” button."))
    answers, errors = parse_answers(page.instruments, request.form)
    if errors:
        return _form(page, answers, errors), 400
    try:
        if action == "submit":
            services.submit(current_user, page, answers)
        else:
            services.save_draft(current_user, page, answers)
    except services.SurveyError as exc:
        db.session.rollback()  # the answers typed are shown again, with the reason
        return _form(page, answers, problem=str(exc)), exc.status
    db.session.commit()
    if action == "submit":
        flash(
            _("Thank you: your answers to “%(title)s” were submitted.", title=page.title), "success"
        )
    else:
        flash(
            _(
                "Your answers are saved. You can come back to finish the survey at any time "
                "from your course page."
            ),
            "success",
        )
    return redirect(url_for("learning.home"))


def _form(page, answers, errors=None, problem: str | None = None):
    return render_template(
        "surveys/respond.html",
        page=page,
        answers=answers,
        errors=errors or {},
        problem=problem,
        max_text=MAX_TEXT,
        max_text_shown=format_number(MAX_TEXT),
    )


@bp.route("/instruments")
@roles("researcher", "admin")
def instruments():
    """Every instrument and survey as defined, with its scoring rule (read-only)."""
    catalog = load_builtin()
    spec = published_course().spec
    return render_template(
        "surveys/instruments.html",
        catalog=catalog,
        instruments=sorted(catalog.instruments.values(), key=lambda i: i.title),
        surveys=sorted(catalog.surveys.values(), key=lambda s: s.title),
        rule_text=rule_text,
        what=intervention(spec),
    )


@bp.route("/schedule")
@roles("researcher", "admin")
def schedule():
    """When each survey is due, what the certificate needs, and response counts (read-only)."""
    published = published_course()
    spec = published.spec
    titles = {m.slug: m.title for m in published.modules}
    entries = scheduled(spec)
    return render_template(
        "surveys/schedule.html",
        entries=entries,
        titles=titles,
        counts=response_counts(),
        certificate=spec.certificate,
        catalog=load_builtin(),
        course_title=spec.title,
    )
