"""Recording progress events and deriving time, video coverage, transcript reading and
completion.

Derived rows are recomputed from the stored events under a row lock, so two tabs
posting at once cannot lose each other's work, and a resent event changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from course import clock
from course.catalog.models import Module, ModuleRevision
from course.dbtypes import insert_ignoring_conflicts
from course.extensions import db
from course.learning.completion import evaluate
from course.learning.events import Batch
from course.learning.intervals import covered, merge
from course.learning.models import ModuleProgress, ProgressEvent, VideoDuration, VideoProgress
from course.learning.plausibility import credit, lock_clock, record_cuts

#: The event types that change what a video row measures.
VIDEO_MEASURES = ("played", "transcript")


@dataclass(frozen=True)
class Recorded:
    """What a batch did: new events stored, duplicates ignored, module complete or not."""

    stored: int
    duplicates: int
    completed: bool


def published_videos(slug: str, revision_id: int) -> set[str] | None:
    """Video keys of a revision that was published for module ``slug``, else None."""
    revision = db.session.scalar(
        select(ModuleRevision)
        .join(Module, Module.id == ModuleRevision.module_id)
        .where(Module.slug == slug, ModuleRevision.id == revision_id)
        .where(ModuleRevision.published_at.is_not(None))
    )
    return None if revision is None else {v["key"] for v in revision.videos}


def record_batch(user, batch: Batch) -> Recorded:
    """Store a validated batch once, credit what the server can vouch for, then bring
    progress and completion up to date."""
    revision = db.session.get(ModuleRevision, batch.revision)
    now = clock.now_utc()
    learner = lock_clock(user.id, now)  # first: a learner's batches are credited in turn
    known = set(
        db.session.scalars(
            select(ProgressEvent.client_id).where(
                ProgressEvent.user_id == user.id,
                ProgressEvent.client_id.in_([e.client_id for e in batch.events]),
            )
        )
    )
    credits = credit(learner, [e for e in batch.events if e.client_id not in known], now)
    rows = [
        {
            "user_id": user.id,
            "client_id": e.client_id,
            "module_revision_id": revision.id,
            "type": e.type,
            "video_key": e.video_key,
            "seconds": e.seconds,
            "credited_seconds": credits.seconds.get(e.client_id),
            "position_from": e.position_from,
            "position_to": e.position_to,
            "credited_to": credits.ends.get(e.client_id),
            "duration": e.duration,
            "occurred_at": e.occurred_at,
            "received_at": now,
        }
        for e in batch.events
    ]
    statement = insert_ignoring_conflicts(
        ProgressEvent, conflict=["user_id", "client_id"], values=rows
    ).returning(ProgressEvent.client_id)
    stored = set(db.session.execute(statement).scalars())
    record_cuts(user.id, revision.id, credits, now)
    progress = lock_module_progress(user.id, revision.module_id)
    if stored:
        progress.last_activity_at = now
        progress.active_seconds = _active_seconds(user.id, revision.module_id)
        new_events = [e for e in batch.events if e.client_id in stored]
        for key in sorted({e.video_key for e in new_events if e.type in VIDEO_MEASURES}):
            _update_video(user.id, revision, key, now)
    db.session.flush()
    completed = evaluate(user, revision, progress)
    return Recorded(len(stored), len(rows) - len(stored), completed)


def lock_module_progress(user_id: int, module_id: int) -> ModuleProgress:
    """The user's progress row for a module, created if needed and locked for update."""
    now = clock.now_utc()
    db.session.execute(
        insert_ignoring_conflicts(
            ModuleProgress,
            conflict=["user_id", "module_id"],
            values={
                "user_id": user_id,
                "module_id": module_id,
                "started_at": now,
                "last_activity_at": now,
                "active_seconds": 0.0,
            },
        )
    )
    return db.session.scalar(
        select(ModuleProgress)
        .where(ModuleProgress.user_id == user_id, ModuleProgress.module_id == module_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def _active_seconds(user_id: int, module_id: int) -> float:
    total = db.session.scalar(
        select(func.coalesce(func.sum(ProgressEvent.credited_seconds), 0.0))
        .join(ModuleRevision, ModuleRevision.id == ProgressEvent.module_revision_id)
        .where(ProgressEvent.user_id == user_id, ModuleRevision.module_id == module_id)
        .where(ProgressEvent.type == "active")
    )
    return float(total)


def _update_video(user_id: int, revision: ModuleRevision, key: str, now) -> None:
    revision_id = revision.id
    db.session.execute(
        insert_ignoring_conflicts(
            VideoProgress,
            conflict=["user_id", "module_revision_id", "video_key"],
            values={
                "user_id": user_id,
                "module_revision_id": revision_id,
                "video_key": key,
                "intervals": [],
                "watched_seconds": 0.0,
                "duration": 0.0,
                "transcript_seconds": 0.0,
                "updated_at": now,
            },
        )
    )
    video = db.session.scalar(
        select(VideoProgress)
        .where(
            VideoProgress.user_id == user_id,
            VideoProgress.module_revision_id == revision_id,
            VideoProgress.video_key == key,
        )
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    segments = db.session.execute(
        select(ProgressEvent.position_from, ProgressEvent.credited_to, ProgressEvent.duration)
        .where(ProgressEvent.user_id == user_id, ProgressEvent.module_revision_id == revision_id)
        .where(ProgressEvent.video_key == key, ProgressEvent.type == "played")
    ).all()
    read = db.session.scalar(
        select(func.coalesce(func.sum(ProgressEvent.credited_seconds), 0.0))
        .where(ProgressEvent.user_id == user_id, ProgressEvent.module_revision_id == revision_id)
        .where(ProgressEvent.video_key == key, ProgressEvent.type == "transcript")
    )
    reported = next((d for _, _, d in segments if d), 0.0)
    duration = known_duration(revision, key, reported, now)
    video.intervals = merge((start, end) for start, end, _ in segments if end > start)
    video.duration = duration
    video.watched_seconds = covered(video.intervals, duration)
    video.transcript_seconds = float(read)
    video.updated_at = now


def known_duration(revision: ModuleRevision, key: str, reported: float, now) -> float:
    """A video's length as the server knows it: read from the file or given in its block
    (stored with the revision), else pinned from the first player that reported it."""
    video = next((v for v in revision.videos if v["key"] == key), {})
    if video.get("duration"):
        return float(video["duration"])
    pinned = db.session.get(VideoDuration, key)
    if pinned is None and reported:
        db.session.execute(
            insert_ignoring_conflicts(
                VideoDuration,
                conflict=["video_key"],
                values={
                    "video_key": key,
                    "seconds": reported,
                    "source": "first_report",
                    "pinned_at": now,
                },
            )
        )
        pinned = db.session.get(VideoDuration, key)
    return pinned.seconds if pinned else 0.0
