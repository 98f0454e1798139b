"""Quiz attempts: start (with the order stored), grade on the server, once."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import func, select

from course import clock, signals
from course.assessments.models import QuizAttempt
from course.catalog.models import Quiz, QuizRevision
from course.errors import DomainError
from course.extensions import db
from course.learning.services import OpenModule, open_module

_random = secrets.SystemRandom()


class QuizError(DomainError):
    """The quiz cannot be taken or the answers cannot be graded; the message says why."""


class MissingAnswers(QuizError):
    """Some questions have no answer; nothing was recorded."""

    def __init__(self, question_ids: list[str]) -> None:
        super().__init__("Answer every question before submitting.", 422)
        self.question_ids = question_ids


@dataclass(frozen=True)
class QuizContext:
    """A quiz a therapist may take: its module, quiz and published revision."""

    opened: OpenModule
    quiz: Quiz
    revision: QuizRevision


def quiz_context(user, slug: str) -> QuizContext:
    """Check access to the module (arm, lock) and that its quiz is published."""
    opened = open_module(user, slug)
    quiz = db.session.scalar(select(Quiz).where(Quiz.slug == slug))
    if quiz is None or quiz.published_revision_id is None:
        raise QuizError("This module has no quiz.", 404)
    return QuizContext(opened, quiz, db.session.get(QuizRevision, quiz.published_revision_id))


def submitted_count(user_id: int, quiz_id: int) -> int:
    """How many attempts this user has submitted on this quiz."""
    return db.session.scalar(
        select(func.count(QuizAttempt.id)).where(
            QuizAttempt.user_id == user_id,
            QuizAttempt.quiz_id == quiz_id,
            QuizAttempt.submitted_at.is_not(None),
        )
    )


def history(user_id: int, quiz_id: int) -> list[QuizAttempt]:
    """Submitted attempts, newest first."""
    return list(
        db.session.scalars(
            select(QuizAttempt)
            .where(
                QuizAttempt.user_id == user_id,
                QuizAttempt.quiz_id == quiz_id,
                QuizAttempt.submitted_at.is_not(None),
            )
            .order_by(QuizAttempt.number.desc())
        )
    )


def start_attempt(user, ctx: QuizContext) -> QuizAttempt:
    """The open attempt on the current revision, or a new one with its own order."""
    existing = db.session.scalar(
        select(QuizAttempt).where(
            QuizAttempt.user_id == user.id,
            QuizAttempt.quiz_revision_id == ctx.revision.id,
            QuizAttempt.submitted_at.is_(None),
        )
    )
    if existing is not None:
        return existing  # a reload or a second tab shows the same attempt
    limit = ctx.revision.max_attempts
    if limit and submitted_count(user.id, ctx.quiz.id) >= limit:
        raise QuizError(f"You have used all {limit} attempts at this quiz.", 403)
    questions = list(ctx.revision.questions)
    if ctx.revision.shuffle:
        _random.shuffle(questions)
    layout = []
    for question in questions:
        options = [o["id"] for o in question["options"]]
        if ctx.revision.shuffle and question["type"] != "true_false":
            _random.shuffle(options)
        layout.append({"question": question["id"], "options": options})
    attempt = QuizAttempt(
        user_id=user.id,
        quiz_id=ctx.quiz.id,
        quiz_revision_id=ctx.revision.id,
        layout=layout,
        answers={},
        correct={},
        started_at=clock.now_utc(),
    )
    db.session.add(attempt)
    db.session.flush()
    return attempt


def lock_attempt(user, attempt_id: int) -> QuizAttempt:
    """The user's own attempt, locked so a double submit grades it once."""
    attempt = db.session.scalar(
        select(QuizAttempt)
        .where(QuizAttempt.id == attempt_id, QuizAttempt.user_id == user.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if attempt is None:
        raise QuizError("There is no such attempt.", 404)
    return attempt


def read_answers(revision: QuizRevision, layout, form) -> dict[str, list[str]]:
    """Chosen option ids per question from the form; refuse unknown ids, list missing ones."""
    questions = {q["id"]: q for q in revision.questions}
    answers, missing = {}, []
    for entry in layout:
        question = questions[entry["question"]]
        chosen = form.getlist(f"q-{question['id']}")
        known = {o["id"] for o in question["options"]}
        if unknown := [c for c in chosen if c not in known]:
            raise QuizError(f"Unknown option {unknown[0]!r} for question {question['id']!r}.")
        if question["type"] != "multiple" and len(chosen) > 1:
            raise QuizError(f"Question {question['id']!r} takes one answer.")
        if not chosen:
            missing.append(question["id"])
        answers[question["id"]] = sorted(set(chosen))
    if missing:
        raise MissingAnswers(missing)
    return answers


def submit_attempt(user, ctx: QuizContext, attempt_id: int, form) -> QuizAttempt:
    """Grade an open attempt once; a repeated submit returns the graded attempt unchanged."""
    attempt = lock_attempt(user, attempt_id)
    if attempt.quiz_id != ctx.quiz.id:
        raise QuizError("There is no such attempt.", 404)
    if not attempt.is_open:
        return attempt
    revision = db.session.get(QuizRevision, attempt.quiz_revision_id)
    answers = read_answers(revision, attempt.layout, form)
    done = submitted_count(user.id, ctx.quiz.id)
    if revision.max_attempts and done >= revision.max_attempts:
        raise QuizError(f"You have used all {revision.max_attempts} attempts at this quiz.", 403)
    correct = {
        q["id"]: set(answers[q["id"]]) == {o["id"] for o in q["options"] if o["correct"]}
        for q in revision.questions
    }
    attempt.answers, attempt.correct = answers, correct
    attempt.score = round(100 * sum(correct.values()) / len(correct), 2)
    attempt.passed = attempt.score >= revision.pass_mark
    attempt.number = done + 1
    attempt.submitted_at = clock.now_utc()
    db.session.flush()
    signals.attempt_graded.send(
        user, quiz=ctx.quiz.slug, attempt_id=attempt.id, score=attempt.score, passed=attempt.passed
    )
    return attempt
