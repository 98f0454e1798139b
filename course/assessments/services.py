"""Quiz attempts: start (with the order stored), grade on the server, once."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from course import clock, signals
from course.assessments.models import QuizAttempt, QuizAttemptGrant
from course.assessments.notify import tell_trainers
from course.assessments.scoring import grade
from course.catalog.models import Quiz, QuizRevision
from course.catalog.published import published_course
from course.errors import DomainError
from course.extensions import db
from course.learning.services import OpenModule, open_module
from course.web.i18n import page_language

_random = secrets.SystemRandom()


class QuizError(DomainError):
    """The quiz cannot be taken or the answers cannot be graded; the message says why."""


class MissingAnswers(QuizError):
    """Some questions have no answer; nothing was recorded."""

    def __init__(self, question_ids: list[str]) -> None:
        super().__init__(_("Answer every question before submitting."), 422)
        self.question_ids = question_ids


class AttemptsUsed(QuizError):
    """Every allowed attempt is used; only a trainer's grant opens another."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            _(
                "You have used all %(limit)d attempts at this quiz. Please contact the "
                "trainers: they can give you another attempt.",
                limit=limit,
            ),
            409,
        )


@dataclass(frozen=True)
class Allowance:
    """How many attempts a therapist has at a quiz, how many are used, and whether passed."""

    #: Attempts allowed, grants included; None when unlimited.
    limit: int | None
    used: int
    granted: int
    passed: bool

    @property
    def left(self) -> int | None:
        """Attempts still open to them; None when unlimited."""
        return None if self.limit is None else max(0, self.limit - self.used)

    @property
    def exhausted(self) -> bool:
        """No attempt left."""
        return self.left == 0

    @property
    def shows_key(self) -> bool:
        """Right answers and explanations are shown once passed or with no attempt left."""
        return self.passed or self.exhausted


def base_limit(revision: QuizRevision) -> int:
    """The quiz's own ``max_attempts``, else the course's ``quiz_attempts``; 0 is unlimited."""
    return revision.max_attempts or published_course().spec.quiz_attempts


def allowance(user_id: int, quiz_id: int, revision: QuizRevision) -> Allowance:
    """Attempts allowed (with grants), used and passed, in one query."""
    used, passed, granted = db.session.execute(
        select(
            func.count(QuizAttempt.id),
            func.coalesce(func.max(db.case((QuizAttempt.passed.is_(True), 1), else_=0)), 0),
            select(func.count(QuizAttemptGrant.id))
            .where(QuizAttemptGrant.user_id == user_id, QuizAttemptGrant.quiz_id == quiz_id)
            .scalar_subquery(),
        ).where(
            QuizAttempt.user_id == user_id,
            QuizAttempt.quiz_id == quiz_id,
            QuizAttempt.submitted_at.is_not(None),
        )
    ).one()
    base = base_limit(revision)
    return Allowance(base + granted if base else None, used, granted, bool(passed))


def lock_attempts(user_id: int, quiz_id: int) -> None:
    """Lock every attempt of this user at this quiz, in id order: submits (and grants) for
    one person and quiz take turns, so two tabs cannot both use the last attempt."""
    db.session.execute(
        select(QuizAttempt.id)
        .where(QuizAttempt.user_id == user_id, QuizAttempt.quiz_id == quiz_id)
        .order_by(QuizAttempt.id)
        .with_for_update()
    ).all()


@dataclass(frozen=True)
class QuizContext:
    """A quiz a therapist may take: its module, quiz and published revision."""

    opened: OpenModule
    quiz: Quiz
    revision: QuizRevision


def quiz_context(user, slug: str, language: str = "en") -> QuizContext:
    """Check access to the module (arm, lock) and that its quiz is published; the module
    comes in ``language`` where it is translated."""
    opened = open_module(user, slug, language)
    quiz = db.session.scalar(select(Quiz).where(Quiz.slug == slug))
    if quiz is None or quiz.published_revision_id is None:
        raise QuizError(_("This module has no quiz."), 404)
    return QuizContext(opened, quiz, db.session.get(QuizRevision, quiz.published_revision_id))


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
    allowed = allowance(user.id, ctx.quiz.id, ctx.revision)
    if allowed.exhausted:
        raise AttemptsUsed(allowed.limit or 0)
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
        raise QuizError(_("There is no such attempt."), 404)
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
            raise QuizError(
                _(
                    "Unknown option %(option)s for question %(question)s.",
                    option=repr(unknown[0]),
                    question=repr(question["id"]),
                )
            )
        if question["type"] != "multiple" and len(chosen) > 1:
            raise QuizError(
                _("Question %(question)s takes one answer.", question=repr(question["id"]))
            )
        if not chosen:
            missing.append(question["id"])
        answers[question["id"]] = sorted(set(chosen))
    if missing:
        raise MissingAnswers(missing)
    return answers


def submit_attempt(user, ctx: QuizContext, attempt_id: int, form) -> QuizAttempt:
    """Grade an open attempt once; a repeated submit returns the graded attempt unchanged."""
    lock_attempts(user.id, ctx.quiz.id)
    attempt = lock_attempt(user, attempt_id)
    if attempt.quiz_id != ctx.quiz.id:
        raise QuizError(_("There is no such attempt."), 404)
    if not attempt.is_open:
        return attempt
    revision = db.session.get(QuizRevision, attempt.quiz_revision_id)
    answers = read_answers(revision, attempt.layout, form)
    allowed = allowance(user.id, ctx.quiz.id, ctx.revision)
    if allowed.exhausted:
        raise AttemptsUsed(allowed.limit or 0)
    attempt.answers = answers
    attempt.points, attempt.correct, attempt.score = grade(revision.questions, answers)
    attempt.passed = attempt.score >= revision.pass_mark
    attempt.number = allowed.used + 1
    attempt.submitted_at = clock.now_utc()
    attempt.language = page_language()  # the page the answers were given on
    db.session.flush()
    if not attempt.passed and not allowed.passed and allowed.left == 1:
        tell_trainers(user, ctx.quiz.slug, allowed.limit or 0)
    signals.attempt_graded.send(
        user, quiz=ctx.quiz.slug, attempt_id=attempt.id, score=attempt.score, passed=attempt.passed
    )
    return attempt
