"""The grading rule: per-option partial credit, floored at zero; the attempt's percent."""

from __future__ import annotations

import pytest

from course.assessments.models import QuizAttempt
from course.assessments.scoring import grade, item_fraction, percent_text


def _question(qid: str, right: str, wrong: str, kind: str = "multiple") -> dict:
    options = [{"id": o, "correct": True} for o in right] + [
        {"id": o, "correct": False} for o in wrong
    ]
    return {"id": qid, "type": kind, "options": options}


TWO_OF_FOUR = _question("q", "ab", "cd")


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        ("ab", 1.0),  # every right option, no wrong one
        ("a", 0.5),  # half the right options
        ("abc", 0.5),  # both right, one of two wrong: 1 - 1/2
        ("ac", 0.0),  # 1/2 - 1/2
        ("abcd", 0.0),  # choosing everything earns nothing
        ("cd", 0.0),  # -1, floored at zero
        ("", 0.0),
    ],
)
def test_per_option_credit_on_a_two_of_four_question(chosen, expected):
    assert float(item_fraction(TWO_OF_FOUR, chosen)) == expected


def test_thirds_and_a_lone_wrong_option():
    three_of_four = _question("q", "abc", "d")
    assert float(item_fraction(three_of_four, "ab")) == pytest.approx(2 / 3)
    assert float(item_fraction(three_of_four, "abd")) == 0.0  # 2/3 - 1, floored
    assert float(item_fraction(_question("q", "abc", ""), "a")) == pytest.approx(1 / 3)


@pytest.mark.parametrize("kind", ["single", "true_false"])
def test_single_answer_questions_score_one_or_zero(kind):
    question = _question("q", "a", "bc" if kind == "single" else "b", kind)
    assert float(item_fraction(question, "a")) == 1.0
    assert float(item_fraction(question, "b")) == 0.0


def test_the_attempt_score_is_the_sum_of_item_scores_over_the_questions():
    questions = [_question("one", "a", "b", "single"), _question("two", "abc", "d"), TWO_OF_FOUR]
    points, correct, percent = grade(questions, {"one": ["a"], "two": ["a", "b"], "q": ["a"]})
    assert points == {"one": 1.0, "two": 0.6667, "q": 0.5}
    assert correct == {"one": True, "two": False, "q": False}
    assert percent == 72.22  # (1 + 2/3 + 1/2) / 3, exactly, then rounded


def test_attempts_graded_before_partial_credit_read_their_stored_verdicts():
    old = QuizAttempt(points=None, correct={"a": True, "b": False})
    assert old.item_scores == {"a": 1.0, "b": 0.0}
    new = QuizAttempt(points={"a": 1.0, "b": 0.25}, correct={"a": True, "b": False})
    assert new.item_scores == {"a": 1.0, "b": 0.25}


@pytest.mark.parametrize(
    ("score", "shown"),
    [(80.0, "80%"), (79.96, "79.9%"), (75.0, "75%"), (66.67, "66.6%"), (0.0, "0%"), (100, "100%")],
)
def test_a_score_under_the_pass_mark_never_looks_like_it(score, shown):
    assert percent_text(score) == shown
