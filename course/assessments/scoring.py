"""The grading rule: item scores with partial credit, and the attempt score they make.

Per-option scoring, as Moodle's multiple-choice question is set up for several right
answers (each right option shares +100%, each wrong option shares -100%, and a question's
total below zero counts as zero): with ``k`` right options and ``w`` wrong ones, every
right option chosen earns 1/k and every wrong option chosen costs 1/w; the item scores
between 0 and 1. A single-answer or true/false question scores 1 or 0 under the same rule.
The attempt's score is the sum of the item scores over the number of questions, in percent.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Any

from course.web.dates import format_share


def item_fraction(question: Mapping[str, Any], chosen: Iterable[str]) -> Fraction:
    """The exact score of one answer, from 0 to 1."""
    options = {o["id"] for o in question["options"]}
    right = {o["id"] for o in question["options"] if o["correct"]}
    wrong, picked = options - right, set(chosen)
    score = Fraction(len(picked & right), len(right))
    if wrong:
        score -= Fraction(len(picked & wrong), len(wrong))
    return max(score, Fraction(0))


def grade(
    questions: Iterable[Mapping[str, Any]], answers: Mapping[str, Iterable[str]]
) -> tuple[dict[str, float], dict[str, bool], float]:
    """Item scores (4 decimals), full credit per question, and the percent (2 decimals)."""
    exact = {q["id"]: item_fraction(q, answers.get(q["id"], ())) for q in questions}
    points = {qid: round(float(score), 4) for qid, score in exact.items()}
    correct = {qid: score == 1 for qid, score in exact.items()}
    percent = round(float(100 * sum(exact.values()) / len(exact)), 2) if exact else 0.0
    return points, correct, percent


def percent_text(score: float) -> str:
    """A score as shown: whole when whole, else one decimal, rounded down so that a score
    under the pass mark never looks like the pass mark (79.96 is "79.9%", not "80%"); in
    the current language ("79,9 %")."""
    tenths = math.floor(round(score * 10, 6)) / 10
    return format_share(tenths / 100, digits=0 if tenths == int(tenths) else 1)
