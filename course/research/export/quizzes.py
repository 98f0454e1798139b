"""quiz_attempts.csv (one row per attempt) and quiz_responses.csv (one row per answer)."""

from __future__ import annotations

from typing import TextIO

from sqlalchemy import func, select

from course.assessments.models import QuizAttempt, item_scores
from course.research.export.context import ExportContext, flag, iso, number, stream, write_csv
from course.research.export.tables import REGISTRY

ATTEMPTS = REGISTRY.header("quiz_attempts.csv")
RESPONSES = REGISTRY.header("quiz_responses.csv")


def attempt_query(ctx: ExportContext):
    """Attempts in scope, oldest first (also read by the xAPI writer)."""
    f = ctx.filters
    query = (
        select(
            QuizAttempt.id,
            QuizAttempt.user_id,
            QuizAttempt.quiz_id,
            QuizAttempt.quiz_revision_id,
            QuizAttempt.number,
            QuizAttempt.started_at,
            QuizAttempt.submitted_at,
            QuizAttempt.layout,
            QuizAttempt.answers,
            QuizAttempt.correct,
            QuizAttempt.score,
            QuizAttempt.passed,
            QuizAttempt.points,
            QuizAttempt.language,
        )
        .where(*ctx.only_people(QuizAttempt.user_id), *f.in_range(QuizAttempt.started_at))
        .order_by(QuizAttempt.id)
    )
    if f.since is not None:
        changed = func.coalesce(QuizAttempt.submitted_at, QuizAttempt.started_at)
        query = query.where(changed >= f.since)
    return query


def quiz_attempts(ctx: ExportContext, out: TextIO) -> int:
    """One row per attempt, submitted or still open."""

    def rows():
        for row in stream(attempt_query(ctx)):
            (attempt_id, user_id, quiz_id, revision_id, n, started, submitted) = row[:7]
            correct, score, passed = row[9], row[10], row[11]
            points = sum(item_scores(row[12], correct).values()) if submitted else None
            person = ctx.people.get(user_id)
            if person is None:
                continue
            revision = ctx.quiz_revisions.get(revision_id)
            seconds = (submitted - started).total_seconds() if submitted else None
            yield (
                attempt_id, person.study_id, person.arm, ctx.quizzes.get(quiz_id, ""),
                revision.number if revision else "", n or "", iso(started), iso(submitted),
                number(seconds), len(row[7] or ()),
                sum(1 for ok in (correct or {}).values() if ok) if submitted else "",
                number(score, 2), flag(passed), number(points, 4), row[13],
            )  # fmt: skip

    return write_csv(out, ATTEMPTS, rows())


def quiz_responses(ctx: ExportContext, out: TextIO) -> int:
    """Item level: each submitted answer, in the order the questions were shown."""

    def rows():
        for row in stream(attempt_query(ctx).where(QuizAttempt.submitted_at.is_not(None))):
            attempt_id, user_id, quiz_id, revision_id = row[:4]
            layout, answers, correct = row[7] or [], row[8] or {}, row[9] or {}
            items = item_scores(row[12], correct)
            person = ctx.people.get(user_id)
            if person is None:
                continue
            revision = ctx.quiz_revisions.get(revision_id)
            for position, entry in enumerate(layout, start=1):
                question = entry.get("question", "")
                yield (
                    attempt_id, person.study_id, person.arm, ctx.quizzes.get(quiz_id, ""),
                    revision.number if revision else "", question, position,
                    "|".join(answers.get(question, ())), flag(correct.get(question)),
                    number(items.get(question), 4), row[13],
                )  # fmt: skip

    return write_csv(out, RESPONSES, rows())
