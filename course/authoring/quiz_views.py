"""The quiz editor: a structured form that composes the quiz file, with the file's checks."""

from __future__ import annotations

import re

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from course.authoring import services
from course.authoring.forms import QuizForm, change_questions, quiz_fields, quiz_payload
from course.authoring.views import EDITORS, bp, key_named, module_or_404
from course.content import ContentError, ContentErrors, compose_quiz
from course.extensions import db
from course.web.access import roles

QUIZ_KEYS = ("pass_mark", "max_attempts", "shuffle")
QUESTION_KEYS = ("id", "type", "prompt", "explanation", "options")
OPTION_KEYS = ("text", "correct", "feedback", "id")
_WHERE = re.compile(
    r"^question (?:'(?P<qid>[^']*)'|(?P<number>\d+)): (?:option (?P<option>\d+): )?(?P<rest>.*)$"
)
_DUPLICATE = re.compile(r"^duplicate question id '(?P<qid>[^']*)'")

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
        return _page(QuizForm(formdata=None, data=data), context)
    text = compose_quiz(quiz_payload(form))
    try:
        if action == "publish":
            revision = services.publish_quiz(text, slug=slug, actor=current_user)
        else:
            revision = services.save_quiz_draft(text, slug=slug, actor=current_user)
    except ContentErrors as exc:
        db.session.rollback()
        problems, summary = place_quiz_errors(form, exc.errors)
        return _page(form, context, problems=problems, summary=summary), 422
    db.session.commit()
    if action == "publish":
        flash(f"Published the quiz for {slug} as revision {revision.number}.", "success")
        return redirect(url_for("authoring.index", _anchor=f"module-{slug}"))
    flash(f"Quiz draft saved as revision {revision.number}.", "success")
    return redirect(url_for("authoring.quiz", slug=slug))


def _page(form: QuizForm, context: dict, *, problems=None, summary=None):
    """The quiz editor page with its state and any problems."""
    latest = services.latest_quiz_revision(context["slug"])
    state = None if latest is None else {"number": latest.number, "status": latest.status}
    return render_template(
        "authoring/quiz.html",
        form=form,
        state=state,
        problems=problems or {},
        summary=summary or [],
        **context,
    )


def _question_index(form: QuizForm, match: re.Match[str], *, last: bool = False) -> int | None:
    if match.group("number"):
        index = int(match.group("number")) - 1
        return index if index < len(form.questions) else None
    ids = [(entry.form.id.data or "").strip() for entry in form.questions]
    found = [i for i, qid in enumerate(ids) if qid == match.group("qid")]
    return (found[-1] if last else found[0]) if found else None


def place_quiz_errors(
    form: QuizForm, errors: list[ContentError]
) -> tuple[dict[str, list[str]], Summary]:
    """Put errors beside their question, option or setting; return fieldset errors and summary."""
    problems: dict[str, list[str]] = {}
    summary: Summary = []

    def put(field, text: str, where: str) -> None:
        field.errors = [*field.errors, text]
        summary.append((field.id, f"{where}: {text}"))

    def put_group(anchor: str, text: str, where: str) -> None:
        problems.setdefault(anchor, []).append(text)
        summary.append((anchor, f"{where}: {text}"))

    for error in errors:
        message = error.message
        duplicate = _DUPLICATE.match(message)
        where = _WHERE.match(message)
        if duplicate:
            index = _question_index(form, duplicate, last=True)
            if index is not None:
                put(form.questions[index].form.id, message, f"Question {index + 1}")
                continue
        elif where and (index := _question_index(form, where)) is not None:
            question = form.questions[index].form
            rest, label = where.group("rest"), f"Question {index + 1}"
            option = int(where.group("option") or 0) - 1
            if 0 <= option < len(question.options):
                entry = question.options[option]
                key = key_named(rest, OPTION_KEYS)
                if key in ("text", "correct", "feedback"):
                    put(entry.form[key], rest, f"{label}, option {option + 1}")
                else:
                    put_group(entry.id, rest, f"{label}, option {option + 1}")
                continue
            key = key_named(rest, QUESTION_KEYS) or "options"
            if key == "options":
                put_group(question.options.id, rest, label)
            else:
                put(question[key], rest, label)
            continue
        elif (key := key_named(message, QUIZ_KEYS)) is not None:
            put(form[key], message, form[key].label.text)
            continue
        summary.append(("", message))
    return problems, summary
