"""Quiz files, quizzes/<slug>.yaml: pass mark, attempts and questions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, Literal

from .digest import content_hash
from .errors import Sink, join
from .fields import ID_RE, Fields, check_file_name, is_int, load_mapping
from .yamlsrc import YList, YMap

QuestionType = Literal["single", "multiple", "true_false"]
QUESTION_TYPES = ("single", "multiple", "true_false")
QUIZ_KEYS = ("pass_mark", "max_attempts", "shuffle", "questions")
QUESTION_KEYS = ("id", "type", "prompt", "options", "explanation")
OPTION_KEYS = ("id", "text", "correct", "feedback")


@dataclass(frozen=True)
class Option:
    """One answer option; `correct` never leaves the server before grading."""

    id: str
    text: str
    correct: bool
    feedback: str | None = None


@dataclass(frozen=True)
class Question:
    """One question; prompt, option text, feedback and explanation are Markdown."""

    id: str
    type: QuestionType
    prompt: str
    options: tuple[Option, ...]
    explanation: str | None = None


@dataclass(frozen=True)
class QuizSource:
    """A parsed quiz file; `source` is the file text exactly as read."""

    slug: str
    pass_mark: int
    max_attempts: int
    shuffle: bool
    questions: tuple[Question, ...]
    source: str
    filename: str
    content_hash: str


def default_option_id(position: int) -> str:
    """Option ids default to a, b, c... by position (o27, o28... past z)."""
    return chr(ord("a") + position) if position < 26 else f"o{position + 1}"


def parse_quiz(text: str, filename: str) -> QuizSource:
    """Parse and check one quiz file; raises ContentErrors listing every problem."""
    sink = Sink(filename)
    check_file_name(sink, filename, "quizzes/<module-slug>.yaml", "foundations.yaml")
    data = load_mapping(text, sink, "the quiz file", "pass_mark: 80")
    fields = Fields(data, sink)
    fields.check_keys(QUIZ_KEYS, ("pass_mark", "questions"))
    pass_mark = fields.integer("pass_mark", minimum=0, maximum=100)
    max_attempts = fields.integer("max_attempts", minimum=0, maximum=100)
    shuffle = fields.boolean("shuffle")
    items = fields.items("questions")
    if "questions" in data and _empty(data["questions"]):
        fields.error("questions", "'questions' must list at least one question")
    questions = _questions(items or YList(data.line), sink)
    sink.raise_if_any()
    return QuizSource(
        slug=PurePosixPath(filename).stem,
        pass_mark=pass_mark or 0,
        max_attempts=max_attempts or 0,
        shuffle=bool(shuffle),
        questions=questions,
        source=text,
        filename=filename,
        content_hash=content_hash(text),
    )


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, YList) and not value)


def _identifier(value: Any, line: int, what: str, sink: Sink, path: str) -> str | None:
    if is_int(value):
        value = str(value)
    if isinstance(value, str) and ID_RE.match(value):
        return value
    sink.add(line, f"{what} {value!r} must be letters, digits, '-' or '_' (at most 64)", path)
    return None


def _questions(items: YList, sink: Sink) -> tuple[Question, ...]:
    result: list[Question] = []
    first_line: dict[str, int] = {}
    for number, (item, line) in enumerate(zip(items, items.item_lines, strict=True), start=1):
        path = join("questions", number - 1)
        if not isinstance(item, YMap):
            sink.add(
                line, f"question {number} must be a mapping with id, type, prompt, options", path
            )
            continue
        before = len(sink.errors)
        qid = None
        if "id" in item and "id" not in item.reported:
            qid = _identifier(
                item["id"], item.line_of("id"), f"question {number}: id", sink, join(path, "id")
            )
        if qid is not None and qid in first_line:
            sink.add(
                item.line_of("id"),
                f"duplicate question id {qid!r} (first at line {first_line[qid]})",
                join(path, "id"),
            )
        elif qid is not None:
            first_line[qid] = item.line_of("id")
        label = f"question {qid!r}" if qid else f"question {number}"
        question = _question(Fields(item, sink, label, path), qid or "")
        if question is not None and len(sink.errors) == before:
            result.append(question)
    return tuple(result)


def _question(fields: Fields, qid: str) -> Question | None:
    fields.check_keys(QUESTION_KEYS, ("id", "type", "prompt", "options"))
    qtype = fields.data.get("type")
    if "type" in fields.data and qtype not in QUESTION_TYPES:
        fields.error("type", f"'type' must be one of {', '.join(QUESTION_TYPES)}, not {qtype!r}")
    prompt = fields.text("prompt")
    explanation = fields.text("explanation", required=False)
    items = fields.items("options")
    if "options" in fields.data and _empty(fields.data["options"]):
        fields.error("options", "'options' must list at least one option")
    before = len(fields.sink.errors)
    options = _options(items or YList(fields.data.line), fields)
    if qtype in QUESTION_TYPES and options and len(fields.sink.errors) == before:
        _check_answers(qtype, options, fields)
    if qtype not in QUESTION_TYPES or prompt is None or not options:
        return None
    return Question(qid, qtype, prompt, options, explanation)


def _options(items: YList, question: Fields) -> tuple[Option, ...]:
    result: list[Option] = []
    first_line: dict[str, int] = {}
    for position, (item, line) in enumerate(zip(items, items.item_lines, strict=True)):
        where = f"{question.prefix}option {position + 1}"
        path = join(join(question.path, "options"), position)
        if not isinstance(item, YMap):
            question.sink.add(line, f"{where} must be a mapping with text and correct", path)
            continue
        oid = default_option_id(position)
        if "id" in item and "id" not in item.reported:
            oid = (
                _identifier(
                    item["id"], item.line_of("id"), f"{where}: id", question.sink, join(path, "id")
                )
                or oid
            )
        if oid in first_line:
            question.sink.add(
                item.line_of("id"),
                f"{where}: duplicate option id {oid!r} (first at line {first_line[oid]})",
                join(path, "id"),
            )
        first_line.setdefault(oid, item.line_of("id"))
        fields = Fields(item, question.sink, where, path)
        fields.check_keys(OPTION_KEYS, ("text", "correct"))
        text = fields.text("text")
        correct = fields.boolean("correct")
        feedback = fields.text("feedback", required=False)
        if text is not None and correct is not None:
            result.append(Option(oid, text, correct, feedback))
    return tuple(result)


def _check_answers(qtype: str, options: tuple[Option, ...], fields: Fields) -> None:
    correct = sum(option.correct for option in options)
    if qtype == "true_false" and (len(options) != 2 or correct != 1):
        fields.error(
            "options",
            "a 'true_false' question needs exactly two options with exactly one correct, "
            f"found {len(options)} options and {correct} correct",
        )
        return
    if len(options) < 2:
        fields.error("options", f"a {qtype!r} question needs at least 2 options")
    if correct == 0:
        fields.error("options", "no option is marked 'correct: true'")
    elif qtype == "single" and correct > 1:
        fields.error(
            "options", f"a 'single' question must have exactly one correct option, found {correct}"
        )
