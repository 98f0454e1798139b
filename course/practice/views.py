"""Practice pages: the scenarios and drill sets, a scenario step by step, a drill loop."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from course.catalog import localized, published_practice
from course.extensions import db
from course.learning.access import course_access
from course.practice import drills, scenarios
from course.practice.access import PracticeError, modules_using
from course.practice.models import DIFFICULTIES, LEVELS
from course.web.access import roles
from course.web.errors import show_refusal
from course.web.i18n import shown_language

bp = Blueprint("practice", __name__, url_prefix="/practice")
LEVEL_NAMES = {
    "beginner": _l("Beginner"),
    "intermediate": _l("Intermediate"),
    "advanced": _l("Advanced"),
}
DIFFICULTY_NAMES = {
    "too_easy": _l("Too easy"),
    "about_right": _l("About right"),
    "too_hard": _l("Too hard"),
}


def _me():
    return current_user._get_current_object()


def _whole(value: str | None) -> int:
    """A form's whole number, or a 400 refusal (a forged or garbled form)."""
    text = (value or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 9:
        raise PracticeError(_("The form was not filled in by this page; reload and retry."), 400)
    return int(text)


@bp.route("/")
@roles("therapist")
def index():
    """Every published scenario and drill set, with where each is used in the course."""
    access = course_access(_me())
    if not access.has_course:
        raise PracticeError(access.message, 403)
    found_scenarios, found_drills = published_practice()
    language = shown_language()
    return render_template(
        "practice/index.html",
        scenarios=[
            (slug, localized("scenario", slug, rev, language), modules_using("scenario", slug))
            for slug, rev in found_scenarios
        ],
        drill_sets=[
            (slug, localized("drills", slug, rev, language), modules_using("practice", slug))
            for slug, rev in found_drills
        ],
    )


@bp.route("/scenarios/<slug>")
@roles("therapist")
def scenario(slug: str):
    """The scenario where the learner left it: the path so far and the current step."""
    view = scenarios.open_run(_me(), slug, shown_language())
    db.session.commit()
    return render_template("practice/scenario.html", view=view)


@bp.route("/scenarios/<slug>/choose", methods=["POST"])
@roles("therapist")
def choose(slug: str):
    """Take one choice (only one offered at the run's current step, once)."""
    try:
        scenarios.choose(
            _me(),
            slug,
            _whole(request.form.get("run")),
            _whole(request.form.get("position")),
            request.form.get("choice", ""),
        )
    except IntegrityError:  # another window chose at the same moment
        raise PracticeError(
            _("This step was just answered in another window. Reload to see where you are.")
        ) from None
    db.session.commit()
    return redirect(url_for(".scenario", slug=slug, _anchor="latest"))


@bp.route("/scenarios/<slug>/again", methods=["POST"])
@roles("therapist")
def again(slug: str):
    """Start a new run; earlier runs are kept."""
    scenarios.play_again(_me(), slug)
    db.session.commit()
    flash(_("A new run has started. Your earlier runs are kept."), "success")
    return redirect(url_for(".scenario", slug=slug))


@bp.route("/drills/<slug>", methods=["GET", "POST"])
@roles("therapist")
def drill(slug: str):
    """The next item at the learner's level; POST stores their own response."""
    practice = drills.open_set(_me(), slug, shown_language())
    typed, item_id = "", request.args.get("item")
    if request.method == "POST":
        typed, item_id = request.form.get("response", ""), request.form.get("item", "")
        try:
            response = drills.respond(_me(), slug, item_id, typed)
        except PracticeError as exc:
            if exc.status != 422:
                raise
            show_refusal(exc)
        else:
            db.session.commit()
            return redirect(url_for(".feedback", slug=slug, response_id=response.id))
    item = practice.revision.item(item_id or "") or drills.next_item(_me(), practice)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "practice/drill.html",
        practice=practice,
        item=drills.public_item(item),
        typed=typed,
        levels=LEVELS,
        level_names=LEVEL_NAMES,
    ), status


@bp.route("/drills/<slug>/level", methods=["POST"])
@roles("therapist")
def level(slug: str):
    """The learner picks the level of the next items."""
    drills.choose_level(_me(), slug, request.form.get("level", ""))
    db.session.commit()
    flash(_("The next items will be at the level you chose."), "success")
    return redirect(url_for(".drill", slug=slug))


@bp.route("/drills/<slug>/responses/<int:response_id>", methods=["GET", "POST"])
@roles("therapist")
def feedback(slug: str, response_id: int):
    """After responding: the criteria and model responses, and the self-rating form."""
    practice = drills.open_set(_me(), slug, shown_language())
    if request.method == "POST":
        ratings = {k.removeprefix("rate-"): v for k, v in request.form.items() if k[:5] == "rate-"}
        try:
            drills.rate(_me(), slug, response_id, ratings, request.form.get("difficulty", ""))
        except PracticeError as exc:
            if exc.status != 422:
                raise
            show_refusal(exc)
        else:
            db.session.commit()
            return redirect(url_for(".feedback", slug=slug, response_id=response_id))
    response, item = drills.own_response(_me(), slug, response_id, shown_language())
    return render_template(
        "practice/feedback.html",
        practice=drills.open_set(_me(), slug, shown_language()) if response.rated_at else practice,
        response=response,
        item=item,
        entered=request.form,
        difficulties=DIFFICULTIES,
        difficulty_names=DIFFICULTY_NAMES,
        level_names=LEVEL_NAMES,
    ), (422 if request.method == "POST" else 200)


@bp.route("/drills/<slug>/log")
@roles("therapist")
def log(slug: str):
    """The learner's practice log: each response beside the model responses."""
    practice, entries = drills.practice_log(_me(), slug, shown_language())
    return render_template(
        "practice/log.html",
        practice=practice,
        entries=entries,
        level_names=LEVEL_NAMES,
        difficulty_names=DIFFICULTY_NAMES,
    )
