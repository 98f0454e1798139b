"""Quiz pages: take a quiz, see the graded result and the attempt history."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from course.assessments import services
from course.assessments.models import QuizAttempt
from course.assessments.scoring import percent_text
from course.catalog import localized
from course.catalog.models import QuizRevision
from course.extensions import db
from course.web.access import roles
from course.web.i18n import shown_language

bp = Blueprint("assessments", __name__, url_prefix="/assessments")
bp.add_app_template_filter(percent_text, "quiz_percent")


def _context(slug: str):
    """The quiz of a module the therapist may open (refusals go to the error handler)."""
    return services.quiz_context(current_user, slug, shown_language())


def _questions(revision: QuizRevision, attempt: QuizAttempt, slug: str) -> list[dict]:
    """Questions and options in the order this attempt shows them, in the page's language
    where the quiz is translated (the ids, and so the grading, are the English file's)."""
    text = localized("quiz", slug, revision, shown_language())
    by_id = {q["id"]: q for q in text.questions}
    shown = []
    for entry in attempt.layout:
        question = by_id[entry["question"]]
        options = {o["id"]: o for o in question["options"]}
        shown.append({**question, "options": [options[o] for o in entry["options"]]})
    return shown


def _public(questions: list[dict]) -> list[dict]:
    """The questions without answers or feedback: all the page may hold before grading."""
    return [
        {
            "id": q["id"],
            "type": q["type"],
            "prompt_html": q["prompt_html"],
            "options": [{"id": o["id"], "text_html": o["text_html"]} for o in q["options"]],
        }
        for q in questions
    ]


@bp.route("/<slug>/quiz", methods=["GET"])
@roles("therapist")
def quiz(slug: str):
    """Show the quiz (a new attempt, or the open one)."""
    ctx = _context(slug)
    past = services.history(current_user.id, ctx.quiz.id)
    try:
        attempt = services.start_attempt(current_user, ctx)
    except services.AttemptsUsed:
        allowed = services.allowance(current_user.id, ctx.quiz.id, ctx.revision)
        return render_template("assessments/closed.html", ctx=ctx, allowed=allowed, history=past)
    db.session.commit()
    return render_template(
        "assessments/quiz.html",
        ctx=ctx,
        attempt_id=attempt.id,
        questions=_public(_questions(ctx.revision, attempt, slug)),
        history=past,
        allowed=services.allowance(current_user.id, ctx.quiz.id, ctx.revision),
        chosen={},
        missing=[],
    )


@bp.route("/<slug>/attempts/<int:attempt_id>", methods=["POST"])
@roles("therapist")
def submit(slug: str, attempt_id: int):
    """Grade the answers once; a repeated POST shows the same result."""
    ctx = _context(slug)
    try:
        attempt = services.submit_attempt(current_user, ctx, attempt_id, request.form)
        db.session.commit()
    except services.MissingAnswers as exc:
        db.session.rollback()
        attempt = db.get_or_404(QuizAttempt, attempt_id)
        revision = db.session.get(QuizRevision, attempt.quiz_revision_id)
        chosen = {
            k.removeprefix("q-"): request.form.getlist(k)
            for k in request.form
            if k.startswith("q-")
        }
        return render_template(
            "assessments/quiz.html",
            ctx=ctx,
            attempt_id=attempt.id,
            questions=_public(_questions(revision, attempt, slug)),
            history=services.history(current_user.id, ctx.quiz.id),
            allowed=services.allowance(current_user.id, ctx.quiz.id, ctx.revision),
            chosen=chosen,
            missing=exc.question_ids,
        ), 422
    except IntegrityError:
        db.session.rollback()  # another tab submitted at the same moment
        flash(_("This attempt was already submitted in another window."), "info")
        return redirect(url_for("assessments.quiz", slug=slug))
    return redirect(url_for("assessments.result", slug=slug, attempt_id=attempt.id))


@bp.route("/<slug>/attempts/<int:attempt_id>", methods=["GET"])
@roles("therapist")
def result(slug: str, attempt_id: int):
    """The graded attempt: its score and each question's; the right answers, feedback and
    explanations only once passed or with no attempt left."""
    ctx = _context(slug)
    attempt = db.session.get(QuizAttempt, attempt_id)
    if attempt is None or attempt.user_id != current_user.id or attempt.quiz_id != ctx.quiz.id:
        abort(404)
    if attempt.is_open:
        return redirect(url_for("assessments.quiz", slug=slug))
    revision = db.session.get(QuizRevision, attempt.quiz_revision_id)
    allowed = services.allowance(current_user.id, ctx.quiz.id, ctx.revision)
    questions = _questions(revision, attempt, slug)
    if not allowed.shows_key:
        questions = _public(questions)
    return render_template(
        "assessments/result.html",
        ctx=ctx,
        attempt=attempt,
        revision=revision,
        questions=questions,
        scores=attempt.item_scores,
        history=services.history(current_user.id, ctx.quiz.id),
        allowed=allowed,
        show_key=allowed.shows_key,
    )


# The trainers' pages register their routes on ``bp`` when imported.
from course.assessments import staff_views  # noqa: E402, F401
