"""Trainers' quiz pages: item statistics, therapists out of attempts, another attempt."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from course.assessments import grants
from course.assessments.forms import grant_form
from course.assessments.services import QuizError, base_limit
from course.assessments.statistics import (
    DISCRIMINATION_LOW,
    FACILITY_HIGH,
    FACILITY_LOW,
    MIN_ATTEMPTS,
    quiz_statistics,
)
from course.assessments.views import bp
from course.extensions import db
from course.web.access import roles
from course.web.errors import show_refusal

STAFF = ("trainer", "admin")


@bp.route("/<slug>/statistics", methods=["GET"])
@roles("trainer", "admin")
def statistics(slug: str):
    """Facility and discrimination of each question, over first attempts: a course-quality
    tool over every therapist, so not a research page (research figures leave out those
    who declined or withdrew)."""
    quiz, revision = grants.published_quiz(slug)
    return render_template(
        "assessments/statistics.html",
        slug=slug,
        revision_number=revision.number,
        stats=quiz_statistics(quiz, revision),
        minimum=MIN_ATTEMPTS,
        thresholds={"low": FACILITY_LOW, "high": FACILITY_HIGH, "disc": DISCRIMINATION_LOW},
        can_grant=current_user.role in STAFF,
    )


@bp.route("/<slug>/attempts-used", methods=["GET"])
@roles(*STAFF)
def attempts_used(slug: str):
    """Therapists who used every attempt without passing, each with a grant form."""
    return _attempts_page(slug)


@bp.route("/<slug>/attempts-used/<int:user_id>", methods=["POST"])
@roles(*STAFF)
def grant(slug: str, user_id: int):
    """Give one therapist one more attempt (audited), then show the list again."""
    form = grant_form(user_id)  # the CSRF token is checked for every POST before this
    try:
        grants.grant_attempt(current_user, slug, user_id, form.reason.data)
    except QuizError as exc:
        if exc.field is None:
            raise  # no such therapist, or passed or not out of attempts: the error page says
        show_refusal(exc, form)
        return _attempts_page(slug, {user_id: form}), exc.status
    db.session.commit()
    flash(_("Another attempt was given; the therapist has been told."), "success")
    return redirect(url_for("assessments.attempts_used", slug=slug))


def _attempts_page(slug: str, forms: dict | None = None):
    quiz, revision = grants.published_quiz(slug)
    people = grants.out_of_attempts(quiz, revision)
    forms = {p.user_id: grant_form(p.user_id, formdata=None) for p in people} | (forms or {})
    for person in people:  # a label that names the person, for speech and voice control
        forms[person.user_id].reason.label.text = _(
            "Reason for giving %(name)s another attempt", name=person.name
        )
    return render_template(
        "assessments/attempts_used.html",
        slug=slug,
        limit=base_limit(revision),
        people=people,
        forms=forms,
    )
