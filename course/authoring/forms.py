"""Authoring forms: fields that compose module and quiz files, and a media upload."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)

from course.auth.forms import choices
from course.authoring.frontmatter import keep_written_front
from course.content import ModuleSource, QuizSource, compose_module, module_front, quiz_data

NUMBER = {"inputmode": "numeric", "class": "number"}
MARKDOWN_LINES = _l(
    "Markdown, kept line for line: a blank line starts a new paragraph (a single line "
    "break does not), and lines starting with - make a list after a blank line."
)
QUESTION_TYPES = [
    ("single", _l("Single choice: exactly one option is correct")),
    ("multiple", _l("Multiple choice: one or more options are correct")),
    ("true_false", _l("True or false: two options, one correct")),
]


def _number(raw: str | None) -> int | str | None:
    """A typed number as the file would hold it; anything else stays text for the checks."""
    value = (raw or "").strip()
    if not value:
        return None
    digits = value.removeprefix("-")
    return int(value) if digits.isascii() and digits.isdigit() else value


def _text(raw: str | None) -> str:
    """Textarea text with browser line endings made Unix ones."""
    return (raw or "").replace("\r\n", "\n").replace("\r", "\n").strip()


class ModuleForm(FlaskForm):
    """A module's front matter as fields, and its Markdown body."""

    title = StringField(_l("Title"))
    slug = StringField(
        _l("Slug"),
        description=_l(
            "Lowercase letters, digits and single hyphens, e.g. detecting-withdrawal. "
            "It names the module in web addresses and cannot change later."
        ),
    )
    order = StringField(_l("Order (position in the course, 1 is first)"), render_kw=NUMBER)
    summary = StringField(_l("Summary"), description=_l("One sentence, shown on the course page."))
    estimated_minutes = StringField(_l("Estimated minutes"), render_kw=NUMBER)
    requires = SelectMultipleField(_l("Requires"), validate_choice=False)
    min_seconds = StringField(
        _l("Minimum active time (seconds)"),
        description=_l(
            "Counted only while the tab is visible and the learner is active. "
            "Leave empty for no minimum."
        ),
        render_kw=NUMBER,
    )
    video_percent = StringField(
        _l("Video watched (percent)"),
        description=_l("Unique seconds of every video in the module. Leave empty for none."),
        render_kw=NUMBER,
    )
    transcript_percent = StringField(
        _l("Or transcript read (percent of the video's length)"),
        description=_l(
            "Reading a video's transcript on the module page counts instead of "
            "watching it, after active time with the transcript open of this share of the "
            "video's length (50 suits most readers). Needs the video percent, captions on "
            "every video and, for YouTube or Vimeo, the video's duration. Leave empty to "
            "count watching only."
        ),
        render_kw=NUMBER,
    )
    quiz = BooleanField(_l("The module's quiz must be passed"))
    scenario = StringField(
        _l("Scenario to finish"),
        description=_l(
            "The file name of a branching scenario whose ending must be reached, "
            "e.g. withdrawal-session-four. Leave empty for none."
        ),
    )
    practice_set = StringField(
        _l("Drill set to practise"),
        description=_l(
            "The file name of a rupture-response drill set, e.g. "
            "responding-to-withdrawal. Leave empty for none."
        ),
    )
    practice_items = StringField(
        _l("Drill items to answer and rate"), render_kw=NUMBER, description=_l("How many items.")
    )
    body = TextAreaField(
        _l("Module text (Markdown)"),
        description=_l("Headings start with ##. A video is a fenced block with the word video."),
        render_kw={"rows": 24, "spellcheck": "true", "data-markdown-toolbar": True},
    )

    #: The front matter of the revision being edited, kept where its values are unchanged.
    written_front: str | None = None

    def front(self, slug: str | None) -> dict[str, Any]:
        """The front matter these fields describe, typed as a file would type it."""
        front: dict[str, Any] = {"title": (self.title.data or "").strip(), "slug": slug}
        for key in ("order", "estimated_minutes"):
            if (value := _number(self[key].data)) is not None:
                front[key] = value
        front["summary"] = (self.summary.data or "").strip()
        front["requires"] = list(self.requires.data or [])
        front["completion"] = {
            "min_seconds": _number(self.min_seconds.data),
            "video_percent": _number(self.video_percent.data),
            "transcript_percent": _number(self.transcript_percent.data),
            "quiz": "pass" if self.quiz.data else None,
            "scenario": (self.scenario.data or "").strip() or None,
            "practice": _practice(self.practice_set.data, self.practice_items.data),
        }
        return front

    def body_text(self) -> str:
        """The Markdown body as typed (line numbers kept), ending with one newline."""
        body = (self.body.data or "").replace("\r\n", "\n").replace("\r", "\n")
        return body.rstrip() + "\n"

    def text(self, slug: str | None) -> str:
        """The whole module file these fields make."""
        return self._front_text(slug) + self.body_text()

    def body_offset(self, slug: str | None) -> int:
        """File lines before the body's first line, to turn file lines into body lines."""
        return self._front_text(slug).count("\n")

    def _front_text(self, slug: str | None) -> str:
        """The front matter between its --- lines, as written before where unchanged."""
        composed = compose_module(self.front(slug), "")
        if self.written_front is None:
            return composed
        inner = composed.removeprefix("---\n").removesuffix("---\n")
        return f"---\n{keep_written_front(self.written_front, inner, {'slug': slug})}---\n"


def module_fields(module: ModuleSource) -> dict[str, Any]:
    """Form data for a stored module revision."""
    completion = module_front(module).get("completion", {})
    return {
        "title": module.title,
        "slug": module.slug,
        "order": str(module.order),
        "summary": module.summary,
        "estimated_minutes": str(module.estimated_minutes),
        "requires": list(module.requires),
        "min_seconds": str(completion.get("min_seconds", "")),
        "video_percent": str(completion.get("video_percent", "")),
        "transcript_percent": str(completion.get("transcript_percent", "")),
        "quiz": module.completion.quiz,
        "scenario": module.completion.scenario or "",
        "practice_set": (module.completion.practice or {}).get("set", ""),
        "practice_items": str((module.completion.practice or {}).get("items", "")),
        "body": module.body,
    }


def _practice(drill_set: str | None, items: str | None) -> dict[str, Any] | None:
    """The practice rule the two fields describe (typed as in a file); None when empty."""
    drill_set = (drill_set or "").strip()
    if not drill_set and not (items or "").strip():
        return None
    number = _number(items)
    return {"set": drill_set or None, "items": number if number is not None else items}


class OptionForm(Form):
    """One answer option."""

    id = HiddenField()
    text = StringField(_l("Option text"))
    correct = BooleanField(_l("Correct answer"))
    feedback = TextAreaField(
        _l("Feedback, shown once passed or after the last attempt (optional)"),
        description=MARKDOWN_LINES,
        render_kw={"rows": 3},
    )


class QuestionForm(Form):
    """One question with its options."""

    id = StringField(
        _l("Question id"), description=_l("Letters, digits, - or _; unique in the quiz.")
    )
    type = SelectField(_l("Type"), choices=choices(QUESTION_TYPES), validate_choice=False)
    prompt = TextAreaField(_l("Prompt (Markdown)"), render_kw={"rows": 3})
    options = FieldList(FormField(OptionForm))
    explanation = TextAreaField(
        _l("Explanation, shown once passed or after the last attempt (optional)"),
        description=MARKDOWN_LINES,
        render_kw={"rows": 4},
    )


class QuizForm(FlaskForm):
    """A module's quiz: settings and questions."""

    pass_mark = StringField(_l("Pass mark (percent)"), render_kw=NUMBER)
    max_attempts = StringField(
        _l("Attempts allowed"),
        description=_l(
            "0 means the course's setting (quiz_attempts in course.yaml, 3 by default)."
        ),
        render_kw=NUMBER,
    )
    shuffle = BooleanField(_l("Shuffle questions and options for each attempt"))
    questions = FieldList(FormField(QuestionForm))


def quiz_payload(form: QuizForm) -> dict[str, Any]:
    """Quiz data (as compose_quiz takes it) from the submitted fields."""
    data: dict[str, Any] = {}
    for key in ("pass_mark", "max_attempts"):
        if (value := _number(form[key].data)) is not None:
            data[key] = value
    data["shuffle"] = bool(form.shuffle.data)
    data["questions"] = [_question(entry.form) for entry in form.questions]
    return data


def _question(form: QuestionForm) -> dict[str, Any]:
    question: dict[str, Any] = {
        "id": (form.id.data or "").strip(),
        "type": form.type.data,
        "prompt": _text(form.prompt.data),
        "options": [_option(entry.form) for entry in form.options],
    }
    if explanation := _text(form.explanation.data):
        question["explanation"] = explanation
    return question


def _option(form: OptionForm) -> dict[str, Any]:
    option: dict[str, Any] = {"id": (form.id.data or "").strip()} if form.id.data else {}
    option["text"] = (form.text.data or "").strip()
    option["correct"] = bool(form.correct.data)
    if feedback := _text(form.feedback.data):
        option["feedback"] = feedback
    return option


def quiz_fields(quiz: QuizSource | None) -> dict[str, Any]:
    """Form data for a stored quiz, or a one-question start for a module without one."""
    if quiz is None:
        return {
            "pass_mark": "80",
            "max_attempts": "0",
            "shuffle": True,
            "questions": [new_question([])],
        }
    data = quiz_data(quiz)
    return {
        "pass_mark": str(data["pass_mark"]),
        "max_attempts": str(data["max_attempts"]),
        "shuffle": data["shuffle"],
        "questions": [
            {
                **question,
                "explanation": question.get("explanation", ""),
                "options": [{"id": "", "feedback": "", **o} for o in question["options"]],
            }
            for question in data["questions"]
        ],
    }


def new_option() -> dict[str, Any]:
    """An empty option."""
    return {"id": "", "text": "", "correct": False, "feedback": ""}


def new_question(questions: list[dict[str, Any]]) -> dict[str, Any]:
    """An empty single-choice question with two options and an id not used yet."""
    taken = {q.get("id") for q in questions}
    number = len(questions) + 1
    while f"q{number}" in taken:
        number += 1
    return {
        "id": f"q{number}",
        "type": "single",
        "prompt": "",
        "explanation": "",
        "options": [new_option(), new_option()],
    }


def change_questions(data: dict[str, Any], action: str) -> bool:
    """Apply an add/remove button to quiz form data; False when the action is not one."""
    questions: list[dict[str, Any]] = data["questions"]
    verb, _, rest = action.partition(":")
    numbers = [int(n) for n in rest.split(",") if n.isascii() and n.isdigit() and len(n) < 10]
    if verb == "add-question":
        questions.append(new_question(questions))
    elif verb == "add-option" and len(numbers) == 1 and numbers[0] < len(questions):
        questions[numbers[0]]["options"].append(new_option())
    elif verb == "remove-question" and len(numbers) == 1 and numbers[0] < len(questions):
        del questions[numbers[0]]
    elif verb == "remove-option" and len(numbers) == 2 and numbers[0] < len(questions):
        options = questions[numbers[0]]["options"]
        if numbers[1] < len(options):
            del options[numbers[1]]
    else:
        return False
    return True


class PracticeForm(FlaskForm):
    """A scenario or drill set: its slug (asked only when creating one) and its YAML text."""

    slug = StringField(
        _l("Slug"),
        description=_l(
            "Lowercase letters, digits and single hyphens. It names the file and "
            "the web address, and cannot change later."
        ),
        render_kw={"autocapitalize": "none", "spellcheck": "false"},
    )
    source = TextAreaField(
        _l("File text (YAML)"),
        description=_l("The whole file, as in the scenarios/ or drills/ folder."),
        render_kw={"rows": 30, "spellcheck": "true"},
    )

    def text(self) -> str:
        """The file text with browser line endings made Unix ones and one final newline
        (leading lines are kept, so line numbers match the text box)."""
        raw = (self.source.data or "").replace("\r\n", "\n").replace("\r", "\n")
        return raw.rstrip() + "\n" if raw.strip() else ""


class UploadForm(FlaskForm):
    """One video or captions file."""

    file = FileField(
        _l("Video or captions file"),
        description=_l("An .mp4 or .webm video, or a .vtt (WebVTT) captions file."),
        render_kw={"accept": ".mp4,.webm,.vtt"},
    )
