"""The quiz editor: a structured form that composes the quiz file, with the file's checks."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from course.authoring import services
from course.authoring.forms import QuizForm, change_questions, quiz_fields, quiz_payload
from course.authoring.translations import translation_notes
from course.authoring.views import EDITORS, bp, module_or_404
from course.catalog.models import Quiz
from course.content import ContentError, ContentErrors, compose_quiz
from course.content.errors import steps
from course.extensions import db
from course.web.access import roles

QUIZ_KEYS = ("pass_mark", "max_attempts", "shuffle")
QUESTION_KEYS = ("id", "type", "prompt", "explanation")
OPTION_KEYS = ("text", "correct", "feedback")

Summary = list[tuple[str, str]]


@bp.route("/modules/<slug>/quiz", methods=["GET", "POST"])
@roles(*EDITORS)
def quiz(slug: str):
    """Edit a module's quiz: add or remove questions and options, save a draft, or publish."""
    module = module_or_404(slug)
    context = {
        "slug": slug,
        "title": services.latest_module_revision(module).title,
        "module_published": module.published_revision_id is not None,
    }
    if request.method == "GET":
        latest = services.latest_quiz_revision(slug)
        source = services.parse_quiz_text(latest.source, slug) if latest else None
        return _page(QuizForm(data=quiz_fields(source)), context)
    form = QuizForm()
    action = request.form.get("action", "refresh")
    if action not in ("save", "publish"):
        data = form.data
        change_questions(data, action)
        return _page(QuizForm(formdata=None, data=data), context, opened=changed(data, action))
    text = compose_quiz(quiz_payload(form))
    try:
        if action == "publish":
            revision = services.publish_quiz(text, slug=slug, actor=current_user)
        else:
            revision = services.save_quiz_draft(text, slug=slug, actor=current_user)
    except ContentErrors as exc:
        db.session.rollback()
        problems, summary = place_quiz_errors(form, exc.errors)
        flagged = {q for e in exc.errors if (q := question_of(e)) is not None}
        page = _page(form, context, problems=problems, summary=summary, flagged=flagged)
        return page, 422
    db.session.commit()
    if action == "publish":
        flash(
            _(
                "Published the quiz for %(slug)s as revision %(number)s.",
                slug=slug,
                number=revision.number,
            ),
            "success",
        )
        return redirect(url_for("authoring.index", _anchor=f"module-{slug}"))
    flash(_("Quiz draft saved as revision %(number)s.", number=revision.number), "success")
    return redirect(url_for("authoring.quiz", slug=slug))


def question_of(error: ContentError) -> int | None:
    """The index of the question an error's path names (``questions[2]...``), if any."""
    path = steps(error.path)
    if len(path) > 1 and path[0] == "questions" and isinstance(path[1], int):
        return path[1]
    return None


def changed(data: dict, action: str) -> set[int]:
    """The questions to show open on the new page: the one an add or remove button changed
    (the new question, the one an option was added to or removed from), none after removing
    a question, and all of them after Enter in a text box (which changes nothing)."""
    verb, _sep, rest = action.partition(":")
    if verb == "add-question":
        return {len(data["questions"]) - 1}
    if verb == "remove-question":
        return set()
    first = rest.partition(",")[0]
    if verb in ("add-option", "remove-option") and first.isascii() and first.isdigit():
        return {int(first)}
    return set(range(len(data["questions"])))


def _page(
    form: QuizForm,
    context: dict,
    *,
    problems=None,
    summary=None,
    opened: set[int] | frozenset[int] = frozenset(),
    flagged: set[int] | frozenset[int] = frozenset(),
):
    """The quiz editor page with its state and any problems. The questions in ``opened``
    and ``flagged`` (indices; flagged ones have a problem) are shown open, the others folded
    to their number and prompt; a quiz of one question shows it open."""
    opened = {*opened, *flagged, *([0] if len(form.questions) == 1 else [])}
    latest = services.latest_quiz_revision(context["slug"])
    state = None if latest is None else {"number": latest.number, "status": latest.status}
    quiz = db.session.scalar(select(Quiz).where(Quiz.slug == context["slug"]))
    published = quiz.published if quiz else None
    return render_template(
        "authoring/quiz.html",
        form=form,
        state=state,
        quiz_published=published is not None,
        translations=translation_notes("quiz", context["slug"], published),
        problems=problems or {},
        summary=summary or [],
        opened=opened,
        flagged=flagged,
        **context,
    )


def place_quiz_errors(
    form: QuizForm, errors: list[ContentError]
) -> tuple[dict[str, list[str]], Summary]:
    """Put each error beside the field its path names (``questions[2].options[1].feedback``);
    return the errors of whole questions or options, and the summary."""
    problems: dict[str, list[str]] = {}
    summary: Summary = []

    def put(field, text: str, where: str) -> None:
        field.errors = [*field.errors, text]
        summary.append((field.id, f"{where}: {text}"))

    def put_group(anchor: str, text: str, where: str) -> None:
        problems.setdefault(anchor, []).append(text)
        summary.append((anchor, f"{where}: {text}"))

    for error in errors:
        path = steps(error.path)
        if path and path[0] in QUIZ_KEYS:
            put(form[path[0]], error.message, form[path[0]].label.text)
            continue
        if len(path) < 2 or path[0] != "questions" or not 0 <= path[1] < len(form.questions):
            summary.append(("", error.message))
            continue
        question = form.questions[path[1]].form
        label = _("Question %(number)s", number=path[1] + 1)
        if len(path) > 2 and path[2] in QUESTION_KEYS:
            put(question[path[2]], error.message, label)
        elif len(path) > 3 and path[2] == "options" and 0 <= path[3] < len(question.options):
            entry = question.options[path[3]]
            where = _(
                "Question %(question)s, option %(option)s",
                question=path[1] + 1,
                option=path[3] + 1,
            )
            if len(path) > 4 and path[4] in OPTION_KEYS:
                put(entry.form[path[4]], error.message, where)
            else:
                put_group(entry.id, error.message, where)
        else:
            put_group(question.options.id, error.message, label)
    return problems, summary
