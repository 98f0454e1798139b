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

from sqlalchemy import bindparam, select, text, update

from course import clock
from course.catalog import published_course
from course.catalog.models import Module, ModuleRevision
from course.dbtypes import dialect_insert, insert_ignoring_conflicts
from course.extensions import db
from course.learning.completion import Checklist, evaluate_checklist
from course.learning.events import Batch
from course.learning.intervals import covered, merge
from course.learning.models import (
    ACTION_COLUMNS,
    ModuleProgress,
    ProgressEvent,
    VideoActions,
    VideoDuration,
    VideoProgress,
)
from course.learning.plausibility import (
    clock_state,
    credit,
    lock_clock,
    record_cuts,
    restore_clock,
)

#: The event types that change what a video row measures.
VIDEO_MEASURES = ("played", "transcript")
#: The counts kept per video of what the learner did with it.
_ACTIONS = tuple(ACTION_COLUMNS.values())


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
    progress and completion up to date.

    The batch is credited as if every event were new and stored in one statement; only
    when that statement skipped some (a page resending what had reached the server) is
    the clock put back and the events stored now credited again: so the usual batch
    costs no look-up of the ids first."""
    current = _current(batch.module, batch.revision)
    revision = current or db.session.get(ModuleRevision, batch.revision)
    now = clock.now_utc()
    learner = lock_clock(user.id, now)  # first: a learner's batches are credited in turn
    before = clock_state(learner)
    credits = credit(learner, batch.events, now)
    stored = _insert_events(
        [_row(user.id, revision.id, e, credits, batch.language, now) for e in batch.events]
    )
    added = [e for e in batch.events if e.client_id in stored]
    if len(added) < len(batch.events):
        restore_clock(learner, before)
        credits = credit(learner, added, now)
        _credit_again(user.id, added, credits)
    record_cuts(user.id, revision.id, credits, now)
    active = sum(credits.seconds[e.client_id] for e in added if e.type == "active")
    progress = _bring_progress(user.id, revision.module_id, now, active, touched=bool(added))
    by_video = defaultdict(list)
    for event in added:
        if event.type in VIDEO_MEASURES:
            by_video[event.video_key].append(event)
    videos = _lock_videos(user.id, revision, sorted(by_video), now)
    for key in sorted(by_video):
        _update_video(videos[key], revision, by_video[key], credits, now)
    _count_actions(user.id, revision.id, added)
    db.session.flush()
    state = evaluate_checklist(user, revision, progress, videos)
    return Recorded(
        len(added), len(batch.events) - len(added), state.complete, state if current else None
    )


def _row(user_id: int, revision_id: int, e, credits, language: str, now) -> dict:
    return {
        "user_id": user_id,
        "client_id": e.client_id,
        "module_revision_id": revision_id,
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
        "language": language,
    }


_CREDIT_AGAIN = (
    update(ProgressEvent)
    .where(
        ProgressEvent.user_id == bindparam("u"),
        ProgressEvent.client_id == bindparam("c"),
    )
    .values(credited_seconds=bindparam("s"), credited_to=bindparam("t"))
)


def _credit_again(user_id: int, added, credits) -> None:
    """Write the credits of a batch's newly stored events, credited again without the
    events the server had already."""
    if added:
        db.session.connection().execute(
            _CREDIT_AGAIN,
            [
                {
                    "u": user_id,
                    "c": e.client_id,
                    "s": credits.seconds.get(e.client_id),
                    "t": credits.ends.get(e.client_id),
                }
                for e in added
            ],
        )


def _count_actions(user_id: int, revision_id: int, added) -> None:
    """Add the batch's newly stored plays, pauses, seeks and ends to the learner's counts
    per video: one upsert, and none for a batch without any."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(_ACTIONS, 0))
    for event in added:
        if column := ACTION_COLUMNS.get(event.type):
            counts[event.video_key][column] += 1
    if not counts:
        return
    statement = dialect_insert(VideoActions).values(
        [
            {"user_id": user_id, "module_revision_id": revision_id, "video_key": key, **n}
            for key, n in sorted(counts.items())
        ]
    )
    statement = statement.on_conflict_do_update(
        index_elements=["user_id", "module_revision_id", "video_key"],
        set_={c: getattr(VideoActions, c) + getattr(statement.excluded, c) for c in _ACTIONS},
    )
    db.session.execute(statement)


def _bring_progress(
    user_id: int, module_id: int, now, active: float, *, touched: bool
) -> ModuleProgress:
    """The learner's progress row for the module with the batch's active seconds added,
    made if needed: one upsert, which also locks the row."""
    statement = dialect_insert(ModuleProgress).values(
        user_id=user_id,
        module_id=module_id,
        started_at=now,
        last_activity_at=now,
        active_seconds=active,
    )
    changes = {"active_seconds": ModuleProgress.active_seconds + statement.excluded.active_seconds}
    if touched:
        changes["last_activity_at"] = statement.excluded.last_activity_at
    statement = statement.on_conflict_do_update(
        index_elements=["user_id", "module_id"], set_=changes
    ).returning(ModuleProgress)
    return db.session.scalars(statement, execution_options={"populate_existing": True}).one()


def lock_module_progress(user_id: int, module_id: int) -> ModuleProgress:
    """The user's progress row for a module, created if needed and locked for update (the
    same upsert a batch makes, adding nothing)."""
    return _bring_progress(user_id, module_id, clock.now_utc(), 0.0, touched=False)


def _lock_videos(user_id: int, revision, keys: list[str], now) -> dict[str, VideoProgress]:
    """The learner's rows for every video of the revision, locked, by key; a row is made
    for each of ``keys`` that has none yet. A revision without videos costs nothing."""
    if not revision.videos:
        return {}
    found = (
        select(VideoProgress)
        .where(VideoProgress.user_id == user_id, VideoProgress.module_revision_id == revision.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    rows = {row.video_key: row for row in db.session.scalars(found)}
    if missing := [key for key in keys if key not in rows]:
        db.session.execute(
            insert_ignoring_conflicts(
                VideoProgress,
                conflict=["user_id", "module_revision_id", "video_key"],
                values=[
                    {
                        "user_id": user_id,
                        "module_revision_id": revision.id,
                        "video_key": key,
                        "intervals": [],
                        "watched_seconds": 0.0,
                        "duration": 0.0,
                        "transcript_seconds": 0.0,
                        "updated_at": now,
                    }
                    for key in missing
                ],
            )
        )
        rows = {row.video_key: row for row in db.session.scalars(found)}
    return rows


def _update_video(video: VideoProgress, revision, events, credits, now) -> None:
    """Add a batch's newly stored segments and transcript time to a video's row.

    The row holds the merged union of every credited segment so far, so merging the new
    segments into it gives the union of all of them (merging is a union with small gaps
    closed, the same whichever order the parts come in)."""
    segments = [
        (e.position_from, credits.ends[e.client_id], e.duration)
        for e in events
        if e.type == "played"
    ]
    read = sum(credits.seconds[e.client_id] for e in events if e.type == "transcript")
    reported = next((d for _, _, d in segments if d), 0.0) or video.duration or 0.0
    duration = known_duration(revision, video.video_key, reported, now)
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
