"""Completion rules: the checklist of a module and the moment it becomes complete."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import bindparam, func, select

from course import clock
from course.assessments.models import QuizAttempt
from course.catalog.models import Module, Quiz
from course.extensions import db
from course.learning.models import ModuleProgress, VideoProgress


@dataclass(frozen=True)
class QuizStanding:
    """A therapist's results on one quiz."""

    attempts: int = 0
    best_score: float | None = None
    passed: bool = False


@dataclass(frozen=True)
class ChecklistItem:
    """One completion criterion and how far along it is."""

    kind: str  # time, video or quiz
    label: str
    status: str  # e.g. "7 of 10 minutes", "92% watched", "passed (90%)"
    fraction: float
    done: bool


@dataclass(frozen=True)
class Checklist:
    """All criteria of a module, plus whether it is complete."""

    items: tuple[ChecklistItem, ...] = field(default_factory=tuple)
    complete: bool = False

    @property
    def percent(self) -> int:
        """Progress through the module, 0-100."""
        if self.complete or not self.items:
            return 100 if self.complete else 0
        return int(100 * sum(i.fraction for i in self.items) / len(self.items))


def watched_percent(watched: float, duration: float) -> float:
    """Share of a video watched, 0-100 (0 while its length is unknown)."""
    return 0.0 if duration <= 0 else min(100.0, 100.0 * watched / duration)


def checklist(
    revision, progress, videos: dict[str, VideoProgress], quiz: QuizStanding
) -> Checklist:
    """The criteria of ``revision.completion`` measured against a therapist's records."""
    rule = revision.completion or {}
    items: list[ChecklistItem] = []
    if rule.get("min_seconds"):
        need = rule["min_seconds"]
        have = progress.active_seconds if progress else 0.0
        items.append(
            ChecklistItem(
                "time",
                "Time on this page",
                f"{int(have // 60)} of {max(1, round(need / 60))} minutes",
                min(1.0, have / need),
                have >= need,
            )
        )
    if rule.get("video_percent"):
        need = rule["video_percent"]
        for video in revision.videos:
            seen = videos.get(video["key"])
            pct = watched_percent(seen.watched_seconds, seen.duration) if seen else 0.0
            items.append(
                ChecklistItem(
                    "video",
                    f"Video: {video['title']}",
                    f"{int(pct)}% watched (needs {need}%)",
                    min(1.0, pct / need),
                    pct >= need,
                )
            )
    if rule.get("quiz"):
        status = "not taken yet"
        if quiz.attempts:
            best = f"best {quiz.best_score:.0f}%"
            status = f"passed ({best})" if quiz.passed else f"not passed yet ({best})"
        items.append(
            ChecklistItem("quiz", "Quiz", status, 1.0 if quiz.passed else 0.0, quiz.passed)
        )
    complete = bool(progress and progress.completed_at)
    return Checklist(tuple(items), complete)


_STANDINGS = (
    select(
        Quiz.slug,
        func.count(QuizAttempt.id),
        func.max(QuizAttempt.score),
        func.max(db.case((QuizAttempt.passed.is_(True), 1), else_=0)),
    )
    .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
    .where(QuizAttempt.user_id == bindparam("user_id"), QuizAttempt.submitted_at.is_not(None))
    .group_by(Quiz.slug)
)


def quiz_standings(user_id: int, slugs: list[str] | None = None) -> dict[str, QuizStanding]:
    """Attempts, best score and pass per quiz slug, in one query."""
    query = _STANDINGS if slugs is None else _STANDINGS.where(Quiz.slug.in_(slugs))
    return {
        slug: QuizStanding(n, best, bool(passed))
        for slug, n, best, passed in db.session.execute(query, {"user_id": user_id})
    }


def videos_of(user_id: int, revision_id: int) -> dict[str, VideoProgress]:
    """The user's viewing of each video in one revision, by key."""
    rows = db.session.scalars(
        select(VideoProgress).where(
            VideoProgress.user_id == user_id, VideoProgress.module_revision_id == revision_id
        )
    )
    return {row.video_key: row for row in rows}


def evaluate(user, revision, progress: ModuleProgress) -> bool:
    """Mark the module complete (time and revision) once every criterion holds."""
    if progress.completed_at is not None:
        return True  # complete stays complete, whatever later revisions ask
    slug = db.session.scalar(select(Module.slug).where(Module.id == revision.module_id))
    standing = quiz_standings(user.id, [slug]).get(slug, QuizStanding())
    state = checklist(revision, progress, videos_of(user.id, revision.id), standing)
    if all(item.done for item in state.items):
        progress.completed_at = clock.now_utc()
        progress.completed_revision_id = revision.id
        db.session.flush()
        from course.surveys.services import on_module_completed  # surveys imports learning

        on_module_completed(user, slug)
        return True
    return False
