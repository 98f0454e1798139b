"""Quiz files: settings, questions and options, each rule at its exact line."""

from __future__ import annotations

import pytest

from course.content import ContentErrors, Option, parse_quiz

FILE = "quizzes/foundations.yaml"
HEAD = "pass_mark: 80\nmax_attempts: 3\nshuffle: false\nquestions:\n"  # lines 1-4


def question(
    qid: str = "q1",
    qtype: str = "single",
    options: str = "      - {text: Agree, correct: true}\n      - {text: Nope, correct: false}\n",
    extra: str = "",
) -> str:
    """One question; its id is on the first line, options start 4 lines later."""
    return (
        f"  - id: {qid}\n    type: {qtype}\n    prompt: A *prompt*\n{extra}    options:\n" + options
    )


def test_valid_quiz_parses():
    text = (
        HEAD
        + question(
            options="      - id: agree\n        text: 'Yes'\n        correct: true\n"
            "        feedback: Right.\n      - text: Disagree\n        correct: false\n",
            extra="    explanation: Because.\n",
        )
        + question("q2", "true_false")
        + question(
            "3", "multiple", "      - {text: a, correct: true}\n      - {text: b, correct: true}\n"
        )
    )
    quiz = parse_quiz(text, FILE)
    assert (quiz.slug, quiz.pass_mark, quiz.max_attempts, quiz.shuffle) == (
        "foundations",
        80,
        3,
        False,
    )
    first, second, third = quiz.questions
    assert (first.id, first.type, first.prompt, first.explanation) == (
        "q1",
        "single",
        "A *prompt*",
        "Because.",
    )
    assert first.options == (
        Option("agree", "Yes", True, "Right."),
        Option("b", "Disagree", False, None),
    )
    assert [option.id for option in second.options] == ["a", "b"]
    assert (third.id, third.type) == ("3", "multiple")
    assert quiz.source == text


def test_defaults_for_attempts_and_shuffle():
    quiz = parse_quiz("pass_mark: 0\nquestions:\n" + question(), "quizzes/x.yaml")
    assert (quiz.max_attempts, quiz.shuffle, quiz.slug) == (0, False, "x")


RULES = {
    "unknown key": ("time_limit: 5\n" + HEAD + question(), 1, "unknown key 'time_limit'"),
    "missing key": (
        "shuffle: true\nquestions:\n" + question(),
        1,
        "missing required key 'pass_mark'",
    ),
    "pass_mark over 100": (HEAD.replace("80", "101") + question(), 1, "between 0 and 100, not 101"),
    "pass_mark negative": (HEAD.replace("80", "-5") + question(), 1, "between 0 and 100"),
    "pass_mark text": (HEAD.replace("80", "high") + question(), 1, "whole number"),
    "max_attempts negative": (
        HEAD.replace("3", "-1") + question(),
        2,
        "'max_attempts' must be between 0 and 100",
    ),
    "shuffle not boolean": (HEAD.replace("false", "sometimes") + question(), 3, "true or false"),
    "no questions": (HEAD + "  []\n", 4, "at least one question"),
    "questions not a list": (HEAD.replace("questions:\n", "questions: 3\n"), 4, "must be a list"),
    "question not a mapping": (HEAD + "  - Why?\n", 5, "question 1 must be a mapping"),
    "question unknown key": (
        HEAD + question(extra="    hint: no\n"),
        8,
        "question 'q1': unknown key 'hint'",
    ),
    "question missing key": (
        HEAD + question().replace("    prompt: A *prompt*\n", ""),
        5,
        "question 'q1': missing required key 'prompt'",
    ),
    "question bad type": (
        HEAD + question(qtype="essay"),
        6,
        "'type' must be one of single, multiple",
    ),
    "question bad id": (HEAD + question(qid="'q 1'"), 5, "letters, digits"),
    "duplicate question ids": (
        HEAD + question() + question(),
        11,
        "duplicate question id 'q1' (first at line 5)",
    ),
    "option unknown key": (
        HEAD
        + question(
            options="      - {text: a, correct: true, score: 2}\n"
            "      - {text: b, correct: false}\n"
        ),
        9,
        "question 'q1', option 1: unknown key 'score'"[len("question 'q1', ") :],
    ),
    "option missing correct": (
        HEAD + question(options="      - {text: a, correct: true}\n      - {text: b}\n"),
        10,
        "option 2: missing required key 'correct'",
    ),
    "option correct not boolean": (
        HEAD
        + question(
            options="      - {text: a, correct: true}\n      - {text: b, correct: no way}\n"
        ),
        10,
        "'correct' must be true or false",
    ),
    "option text not text": (
        HEAD
        + question(
            options="      - {text: yes, correct: true}\n      - {text: b, correct: false}\n"
        ),
        9,
        "'text' must be text, not true/false (true) (put it in quotes)",
    ),
    "duplicate option ids": (
        HEAD
        + question(
            options="      - {text: a, correct: true}\n      - {id: a, text: b, correct: false}\n"
        ),
        10,
        "duplicate option id 'a'",
    ),
    "no correct option": (
        HEAD
        + question(
            options="      - {text: a, correct: false}\n      - {text: b, correct: false}\n"
        ),
        8,
        "no option is marked 'correct: true'",
    ),
    "several correct on single": (
        HEAD
        + question(options="      - {text: a, correct: true}\n      - {text: b, correct: true}\n"),
        8,
        "exactly one correct option, found 2",
    ),
    "true_false with three options": (
        HEAD
        + question(
            qtype="true_false",
            options="      - {text: a, correct: true}\n      - {text: b, correct: false}\n"
            "      - {text: c, correct: false}\n",
        ),
        8,
        "exactly two options with exactly one correct",
    ),
    "true_false with two correct": (
        HEAD
        + question(
            qtype="true_false",
            options="      - {text: T, correct: true}\n      - {text: F, correct: true}\n",
        ),
        8,
        "found 2 options and 2 correct",
    ),
    "multiple with one option": (
        HEAD + question(qtype="multiple", options="      - {text: a, correct: true}\n"),
        8,
        "a 'multiple' question needs at least 2 options",
    ),
    "yaml syntax error": (HEAD + "  - id: q1\n    prompt: 'unclosed\n", 6, "YAML syntax error"),
    "yaml tag": (HEAD + question(qid="!!python/name:os.system q1"), 5, "unsupported YAML tag"),
}


@pytest.mark.parametrize(("text", "line", "fragment"), RULES.values(), ids=RULES.keys())
def test_quiz_rule_reports_file_and_line(text, line, fragment):
    with pytest.raises(ContentErrors) as info:
        parse_quiz(text, FILE)
    errors = info.value.errors
    assert [(error.file, error.line) for error in errors] == [(FILE, line)], errors
    assert fragment in errors[0].message


@pytest.mark.parametrize("name", ["quizzes/Foundations.yaml", "quizzes/foundations.yml"])
def test_quiz_file_name_must_be_a_slug(name):
    with pytest.raises(ContentErrors) as info:
        parse_quiz(HEAD + question(), name)
    assert [(error.file, error.line) for error in info.value.errors] == [(name, 1)]


def test_all_quiz_problems_at_once():
    text = (
        HEAD.replace("80", "120") + question(qtype="essay") + question("q2", extra="    hint: x\n")
    )
    with pytest.raises(ContentErrors) as info:
        parse_quiz(text, FILE)
    assert [error.line for error in info.value.errors] == [1, 6, 14]


def test_errors_carry_the_path_of_the_field_at_fault():
    from course.content import ContentErrors, parse_quiz

    text = """pass_mark: 120
questions:
  - id: first
    type: single
    prompt: Which?
    options:
      - {text: A, correct: true}
      - {text: B, correct: false}
  - id: second
    type: single
    prompt: Which again?
    options:
      - {text: A, correct: true, feedback: 3}
      - {text: B, correct: maybe}
"""
    try:
        parse_quiz(text, "quizzes/intro.yaml")
    except ContentErrors as exc:
        paths = {error.path: error.line for error in exc.errors}
    assert paths == {
        "pass_mark": 1,
        "questions[1].options[0].feedback": 13,
        "questions[1].options[1].correct": 14,
    }


def test_steps_split_a_path():
    from course.content.errors import steps

    assert steps("questions[3].options[1].feedback") == ["questions", 3, "options", 1, "feedback"]
    assert steps("completion.min_seconds") == ["completion", "min_seconds"]
    assert steps("") == []
