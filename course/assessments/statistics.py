"""Item statistics over each therapist's first attempt, as Moodle's quiz statistics report.

Facility is the mean item score (0 to 1; for a question scored right or wrong, the share
answering it right). Discrimination is the Pearson correlation between the item score and
the rest-of-test score (the attempt's other items, as a share of them): the corrected
item-total or point-biserial correlation, so an item does not correlate with itself.
Only first attempts count: later ones follow feedback and a retry, which item analysis
does not assume (https://docs.moodle.org/dev/Quiz_statistics_calculations).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from markupsafe import Markup
from sqlalchemy import select

from course.assessments.models import QuizAttempt, item_scores
from course.auth.models import User
from course.catalog.models import Quiz, QuizRevision
from course.dbtypes import read_rows

#: Below this many first attempts the numbers are noise, and the page says so.
MIN_ATTEMPTS = 10
#: Facility outside these bounds: almost nobody, or almost everybody, gets full marks.
FACILITY_LOW, FACILITY_HIGH = 0.2, 0.95
#: Discrimination below this: the item hardly separates stronger from weaker answers.
DISCRIMINATION_LOW = 0.2
PROMPT_CHARS = 140


@dataclass(frozen=True)
class ItemStatistic:
    """One question of the published revision and how first attempts did on it."""

    position: int
    question_id: str
    prompt: str
    n: int
    facility: float | None
    full_credit: float | None
    discrimination: float | None
    flags: tuple[str, ...]


@dataclass(frozen=True)
class QuizStatistics:
    """The items of one quiz, with the attempts behind them."""

    attempts: int
    revisions: tuple[tuple[int, int], ...]
    mean_score: float | None
    items: tuple[ItemStatistic, ...]

    @property
    def enough(self) -> bool:
        """Enough first attempts to show the numbers."""
        return self.attempts >= MIN_ATTEMPTS


_FIRST_ATTEMPTS = (
    select(QuizRevision.number, QuizAttempt.points, QuizAttempt.correct, QuizAttempt.score)
    .join(QuizRevision, QuizRevision.id == QuizAttempt.quiz_revision_id)
    .join(User, User.id == QuizAttempt.user_id)
    .where(User.role == "therapist", QuizAttempt.number == 1)
    .order_by(QuizAttempt.id)
)


def quiz_statistics(quiz: Quiz, revision: QuizRevision) -> QuizStatistics:
    """Facility and discrimination per question of ``revision``, in one query."""
    rows = read_rows(_FIRST_ATTEMPTS.where(QuizAttempt.quiz_id == quiz.id), {})
    per_revision: dict[int, int] = {}
    pairs: dict[str, list[tuple[float, float | None]]] = {}
    scores = []
    for number, points, correct, score in rows:
        per_revision[number] = per_revision.get(number, 0) + 1
        scores.append(score)
        items = item_scores(points, correct)
        total = sum(items.values())
        for qid, item in items.items():
            rest = (total - item) / (len(items) - 1) if len(items) > 1 else None
            pairs.setdefault(qid, []).append((item, rest))
    return QuizStatistics(
        attempts=len(scores),
        revisions=tuple(sorted(per_revision.items())),
        mean_score=statistics.fmean(scores) if scores else None,
        items=tuple(
            _item(position, question, pairs.get(question["id"], []))
            for position, question in enumerate(revision.questions, start=1)
        ),
    )


def _item(position: int, question: dict, pairs: list[tuple[float, float | None]]) -> ItemStatistic:
    items = [item for item, _ in pairs]
    facility = statistics.fmean(items) if items else None
    full = sum(item == 1 for item in items) / len(items) if items else None
    discrimination = _correlation(pairs)
    flags = []
    if len(items) >= MIN_ATTEMPTS:
        if facility is not None and facility < FACILITY_LOW:
            flags.append("very hard")
        if facility is not None and facility > FACILITY_HIGH:
            flags.append("very easy")
        if discrimination is not None and discrimination < DISCRIMINATION_LOW:
            flags.append("low discrimination")
    # The stored, sanitized prompt as plain text; the page escapes it again.
    prompt = Markup(question.get("prompt_html", "")).striptags()  # noqa: S704
    if len(prompt) > PROMPT_CHARS:
        prompt = prompt[: PROMPT_CHARS - 1].rstrip() + "…"
    return ItemStatistic(
        position, question["id"], prompt, len(items), facility, full, discrimination, tuple(flags)
    )


def _correlation(pairs: list[tuple[float, float | None]]) -> float | None:
    """Pearson's r of item and rest score; None when either does not vary."""
    kept = [(item, rest) for item, rest in pairs if rest is not None]
    if len(kept) < 3:
        return None
    items, rests = zip(*kept, strict=True)
    try:
        return statistics.correlation(items, rests)
    except statistics.StatisticsError:  # one of them is constant: r is undefined
        return None
