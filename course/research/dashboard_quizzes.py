"""The dashboard's quiz figures: attempts and passes per quiz, percent right per question.

Without a date range they come from the kept standings and per-arm tallies
(``aggregates``); with one, from the attempts submitted in it (the tallies have no dates).
"""

from __future__ import annotations

import re
from collections import Counter
from html import unescape

from sqlalchemy import func, select

from course.assessments.models import QuizAttempt
from course.catalog.models import Quiz, QuizRevision
from course.extensions import db
from course.research.aggregates import ParticipantSummary as People
from course.research.aggregates import QuestionTally, QuizStanding
from course.research.filters import Filters

_TAGS = re.compile(r"<[^>]*>")


def quiz_numbers(filters: Filters, included, titles: dict[str, str]) -> tuple[list, list]:
    """Per quiz: its module's title, attempts, passes, pass rate; per question: its text,
    attempts and percent right."""
    prompts: dict[tuple[str, str], str] = {}
    for slug, questions in db.session.execute(
        select(Quiz.slug, QuizRevision.questions).join(
            QuizRevision, QuizRevision.id == Quiz.published_revision_id
        )
    ):
        for question in questions or ():
            text = " ".join(unescape(_TAGS.sub(" ", question.get("prompt_html", ""))).split())
            prompts[(slug, question["id"])] = text if len(text) <= 120 else text[:117] + "..."
    if filters.start or filters.end:
        tried, passes, answered, right = _dated_attempts(filters, included)
    else:
        tried, passes, answered, right = _kept_attempts(filters, included)
    quizzes = [
        (slug, titles.get(slug, slug), n, passes[slug], 100 * passes[slug] / n)
        for slug, n in sorted(tried.items())
        if n
    ]
    questions = [
        (slug, qid, prompts.get((slug, qid), qid), n, 100 * right[slug, qid] / n)
        for (slug, qid), n in sorted(answered.items())
        if n
    ]
    return quizzes, questions


def _kept_attempts(filters: Filters, included) -> tuple[Counter, Counter, Counter, Counter]:
    """Attempts, passes, answers and right answers from the kept standings and tallies."""
    tried: Counter = Counter()
    passes: Counter = Counter()
    for slug, n, passed in db.session.connection().execute(
        select(Quiz.slug, func.sum(QuizStanding.attempts), func.sum(QuizStanding.passes))
        .join(Quiz, Quiz.id == QuizStanding.quiz_id)
        .join(People, People.user_id == QuizStanding.user_id)
        .where(*included)
        .group_by(Quiz.slug)
    ):
        tried[slug], passes[slug] = n, passed
    answered: Counter = Counter()
    right: Counter = Counter()
    tallies = (
        select(
            Quiz.slug,
            QuestionTally.question,
            func.sum(QuestionTally.answered),
            func.sum(QuestionTally.fully_right),
        )
        .join(Quiz, Quiz.id == QuestionTally.quiz_id)
        .group_by(Quiz.slug, QuestionTally.question)
    )
    if filters.arm:
        tallies = tallies.where(QuestionTally.arm == filters.arm)
    for slug, qid, n, ok in db.session.connection().execute(tallies):
        answered[slug, qid], right[slug, qid] = n, ok
    return tried, passes, answered, right


def _dated_attempts(filters: Filters, included) -> tuple[Counter, Counter, Counter, Counter]:
    """The same four counts for a date range, from the attempts submitted in it (the kept
    tallies have no dates)."""
    tried: Counter = Counter()
    passes: Counter = Counter()
    answered: Counter = Counter()
    right: Counter = Counter()
    rows = db.session.execute(
        select(Quiz.slug, QuizAttempt.correct, QuizAttempt.passed)
        .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
        .join(People, People.user_id == QuizAttempt.user_id)
        .where(QuizAttempt.submitted_at.is_not(None), *included)
        .where(*filters.in_range(QuizAttempt.submitted_at))
    )
    for slug, correct, passed in rows:
        tried[slug] += 1
        passes[slug] += passed is True
        for qid, ok in (correct or {}).items():
            answered[slug, qid] += 1
            right[slug, qid] += ok is True
    return tried, passes, answered, right
