"""Recording progress events and deriving time, video coverage, transcript reading and
completion.

A batch is stored in one statement (INSERT ... ON CONFLICT DO NOTHING RETURNING: client
ids are unique per learner), and the derived rows are brought up to date from the
events that statement stored, under row locks. The learner's clock is locked first, so
one learner's batches apply one at a time, whatever the tab or process; a resent event
is stored already, so it is not returned and changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import bindparam, select, text

from course import clock
from course.catalog import published_course
from course.catalog.models import Module, ModuleRevision
from course.dbtypes import insert_ignoring_conflicts
from course.extensions import db
from course.learning.completion import Checklist, evaluate_checklist
from course.learning.events import Batch
from course.learning.intervals import covered, merge
from course.learning.models import ModuleProgress, ProgressEvent, VideoDuration, VideoProgress
from course.learning.plausibility import credit, lock_clock, record_cuts

#: The event types that change what a video row measures.
VIDEO_MEASURES = ("played", "transcript")


@dataclass(frozen=True)
class Recorded:
    """What a batch did: new events stored, duplicates ignored, module complete or not;
    and the module's checklist afterwards when the batch was for the published revision
    (the one a page shows), else None."""

    stored: int
    duplicates: int
    completed: bool
    checklist: Checklist | None = None


def _current(slug: str, revision_id: int):
    """The published module ``slug`` when ``revision_id`` is its published revision."""
    module = published_course().module(slug)
    return module if module is not None and module.id == revision_id else None


def published_videos(slug: str, revision_id: int) -> set[str] | None:
    """Video keys of a revision that was published for module ``slug``, else None."""
    current = _current(slug, revision_id)
    if current is not None:  # the usual case, answered from the process's course copy
        return {v["key"] for v in current.videos}
    revision = db.session.scalar(
        select(ModuleRevision)
        .join(Module, Module.id == ModuleRevision.module_id)
        .where(Module.slug == slug, ModuleRevision.id == revision_id)
        .where(ModuleRevision.published_at.is_not(None))
    )
    return None if revision is None else {v["key"] for v in revision.videos}


# Built once: every batch runs them.
_KNOWN = select(ProgressEvent.client_id).where(
    ProgressEvent.user_id == bindparam("user_id"),
    ProgressEvent.client_id.in_(bindparam("ids", expanding=True)),
)
_EVENT_COLUMNS = (
    "user_id",
    "client_id",
    "module_revision_id",
    "type",
    "video_key",
    "seconds",
    "credited_seconds",
    "position_from",
    "position_to",
    "credited_to",
    "duration",
    "occurred_at",
    "received_at",
    "language",
)


_FLOATS = (
    "seconds",
    "credited_seconds",
    "position_from",
    "position_to",
    "credited_to",
    "duration",
)
_ARRAY_TYPES = {
    "user_id": "integer",
    "client_id": "varchar",
    "module_revision_id": "integer",
    "type": "varchar",
    "video_key": "varchar",
    **dict.fromkeys(_FLOATS, "double precision"),
    "occurred_at": "timestamptz",
    "received_at": "timestamptz",
    "language": "varchar",
}
# PostgreSQL: one column array per parameter, so the statement's text is the same short
# one for every batch (the driver prepares it once, the server plans it once).
_UNNEST = text(
    f"INSERT INTO progress_events ({', '.join(_EVENT_COLUMNS)}) "  # noqa: S608 - constants
    "SELECT * FROM unnest("
    + ", ".join(f"CAST(:{c} AS {_ARRAY_TYPES[c]}[])" for c in _EVENT_COLUMNS)
    + ") ON CONFLICT (user_id, client_id) DO NOTHING RETURNING client_id"
)


def _insert_events(rows: list[dict]) -> set[str]:
    """Insert the rows in one statement, skipping client ids stored already; returns the
    client ids stored now. The statement's text does not depend on the batch's size:
    column arrays on PostgreSQL, the rows as parameters of one multi-row INSERT on
    SQLite; so it is compiled once per process."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        columns = {c: [row[c] for row in rows] for c in _EVENT_COLUMNS}
        return set(connection.execute(_UNNEST, columns).scalars())
    statement = insert_ignoring_conflicts(
        ProgressEvent, conflict=["user_id", "client_id"]
    ).returning(ProgressEvent.client_id)
    return set(connection.execute(statement, rows).scalars())


def record_batch(user, batch: Batch) -> Recorded:
    """Store a validated batch once, credit what the server can vouch for, then bring
    progress and completion up to date."""
    current = _current(batch.module, batch.revision)
    revision = current or db.session.get(ModuleRevision, batch.revision)
    now = clock.now_utc()
    learner = lock_clock(user.id, now)  # first: a learner's batches are credited in turn
    ids = [e.client_id for e in batch.events]
    known = set(db.session.connection().execute(_KNOWN, {"user_id": user.id, "ids": ids}).scalars())
    new = [e for e in batch.events if e.client_id not in known]
    credits = credit(learner, new, now)
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
            "language": batch.language,
        }
        for e in new
    ]
    stored = _insert_events(rows) if rows else set()
    record_cuts(user.id, revision.id, credits, now)
    progress = lock_module_progress(user.id, revision.module_id)
    if stored:
        added = [e for e in new if e.client_id in stored]
        progress.last_activity_at = now
        active = sum(credits.seconds[e.client_id] for e in added if e.type == "active")
        if active:
            progress.active_seconds = (progress.active_seconds or 0.0) + active
        by_video = defaultdict(list)
        for event in added:
            if event.type in VIDEO_MEASURES:
                by_video[event.video_key].append(event)
        for key in sorted(by_video):
            _update_video(user.id, revision, key, by_video[key], credits, now)
    db.session.flush()
    state = evaluate_checklist(user, revision, progress)
    return Recorded(
        len(stored), len(batch.events) - len(stored), state.complete, state if current else None
    )


def lock_module_progress(user_id: int, module_id: int) -> ModuleProgress:
    """The user's progress row for a module, created if needed and locked for update."""
    found = select(ModuleProgress).where(
        ModuleProgress.user_id == user_id, ModuleProgress.module_id == module_id
    )
    found = found.with_for_update().execution_options(populate_existing=True)
    progress = db.session.scalar(found)
    if progress is not None:  # every batch but a module's first
        return progress
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
    return db.session.scalar(found)


def _lock_video(user_id: int, revision_id: int, key: str, now) -> VideoProgress:
    found = (
        select(VideoProgress)
        .where(
            VideoProgress.user_id == user_id,
            VideoProgress.module_revision_id == revision_id,
            VideoProgress.video_key == key,
        )
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    video = db.session.scalar(found)
    if video is not None:
        return video
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
    return db.session.scalar(found)


def _update_video(user_id: int, revision, key: str, events, credits, now) -> None:
    """Add a batch's newly stored segments and transcript time to a video's row.

    The row holds the merged union of every credited segment so far, so merging the new
    segments into it gives the union of all of them (merging is a union with small gaps
    closed, the same whichever order the parts come in)."""
    video = _lock_video(user_id, revision.id, key, now)
    segments = [
        (e.position_from, credits.ends[e.client_id], e.duration)
        for e in events
        if e.type == "played"
    ]
    read = sum(credits.seconds[e.client_id] for e in events if e.type == "transcript")
    reported = next((d for _, _, d in segments if d), 0.0) or video.duration or 0.0
    duration = known_duration(revision, key, reported, now)
    intervals = [tuple(i) for i in video.intervals or ()]
    video.intervals = merge([*intervals, *((s, e) for s, e, _ in segments if e > s)])
    video.duration = duration
    video.watched_seconds = covered(video.intervals, duration)
    if read:
        video.transcript_seconds = (video.transcript_seconds or 0.0) + read
    video.updated_at = now


def known_duration(revision, key: str, reported: float, now) -> float:
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
