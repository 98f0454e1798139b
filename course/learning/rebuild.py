"""Recomputing the kept progress from the raw event log, which stays the source of truth.

Ingestion keeps each learner's totals up to date as a batch is stored (progress.py): the
active seconds per module; per video the union of the segments played, the seconds it
covers and the time its transcript was read; and how often it was played, paused, sought
and finished. Every event is stored with what the
server credited it, so those totals are sums and unions of the log and can be recomputed
from it: after a restore, a manual correction, or to check that nothing drifted. The
completion of a module is not recomputed: it is a fact recorded once, never unset.

Services flush but never commit; the command that calls them commits.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from course import clock
from course.catalog.models import ModuleRevision
from course.extensions import db
from course.learning.intervals import covered, merge
from course.learning.models import (
    ACTION_COLUMNS,
    ModuleProgress,
    ProgressEvent,
    VideoActions,
    VideoProgress,
)
from course.learning.progress import known_duration

#: Learners per chunk: each chunk reads its learners' events, then writes what differs.
REBUILD_CHUNK = 500
#: Differences smaller than this are the order floats were added in, not drift.
TOLERANCE = 1e-6


@dataclass
class Rebuilt:
    """What a rebuild found: kept rows compared, and those that differed from the log
    (changed, unless it was only a check); rows the log implies but that were missing."""

    learners: int = 0
    modules: int = 0
    videos: int = 0
    actions: int = 0
    differed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def rebuild_progress(
    *,
    write: bool = True,
    chunk: int = REBUILD_CHUNK,
    progress: Callable[[str], None] = lambda _: None,
) -> Rebuilt:
    """Compare every learner's kept progress with what their events add up to, and with
    ``write`` bring the kept rows (made if missing) into line with the log."""
    found = Rebuilt()
    learners = sorted(
        set(db.session.scalars(select(ProgressEvent.user_id).distinct()))
        | set(db.session.scalars(select(ModuleProgress.user_id).distinct()))
        | set(db.session.scalars(select(VideoProgress.user_id).distinct()))
        | set(db.session.scalars(select(VideoActions.user_id).distinct()))
    )
    for start in range(0, len(learners), chunk):
        part = learners[start : start + chunk]
        _modules(part, found, write)
        _videos(part, found, write)
        _actions(part, found, write)
        found.learners += len(part)
        progress(f"{found.learners} of {len(learners)} learners")
    db.session.flush()
    return found


#: The key of a row kept per learner and video.
_PER_VIDEO = ("user_id", "module_revision_id", "video_key")


def _kept(model, key: tuple[str, ...], user_ids: list[int]) -> dict[tuple, Any]:
    """The kept rows of ``model`` for these learners, by ``key``'s columns."""
    rows = db.session.scalars(select(model).where(model.user_id.in_(user_ids)))
    return {tuple(getattr(row, column) for column in key): row for row in rows}


def _differs(kept: float | None, computed: float) -> bool:
    return abs((kept or 0.0) - computed) > TOLERANCE


def _modules(user_ids: list[int], found: Rebuilt, write: bool) -> None:
    """Active seconds per (learner, module), summed over every revision's events."""
    module = ModuleRevision.module_id
    sums = db.session.execute(
        select(
            ProgressEvent.user_id,
            module,
            func.coalesce(
                func.sum(ProgressEvent.credited_seconds).filter(ProgressEvent.type == "active"),
                0.0,
            ),
            func.min(ProgressEvent.received_at),
            func.max(ProgressEvent.received_at),
        )
        .join(ModuleRevision, ModuleRevision.id == ProgressEvent.module_revision_id)
        .where(ProgressEvent.user_id.in_(user_ids))
        .group_by(ProgressEvent.user_id, module)
    ).all()
    kept = _kept(ModuleProgress, ("user_id", "module_id"), user_ids)
    for user_id, module_id, active, first, last in sums:
        found.modules += 1
        row = kept.pop((user_id, module_id), None)
        where = f"learner {user_id}, module {module_id}"
        if row is None:
            found.missing.append(f"{where}: no progress row")
            if write:
                db.session.add(
                    ModuleProgress(
                        user_id=user_id,
                        module_id=module_id,
                        started_at=first,
                        last_activity_at=last,
                        active_seconds=active,
                    )
                )
        elif _differs(row.active_seconds, active):
            found.differed.append(
                f"{where}: active seconds kept {row.active_seconds:g}, log {active:g}"
            )
            if write:
                row.active_seconds = active
    for (user_id, module_id), row in kept.items():  # no events: nothing to have counted
        found.modules += 1
        if _differs(row.active_seconds, 0.0):
            found.differed.append(
                f"learner {user_id}, module {module_id}: active seconds kept "
                f"{row.active_seconds:g}, log 0"
            )
            if write:
                row.active_seconds = 0.0


def _videos(user_ids: list[int], found: Rebuilt, write: bool) -> None:
    """Per (learner, revision, video): the union of the credited segments played and the
    transcript seconds read."""
    segments: dict[tuple, list[tuple[float, float]]] = defaultdict(list)
    read: dict[tuple, float] = defaultdict(float)
    reported: dict[tuple, float] = defaultdict(float)
    events = db.session.execute(
        select(
            ProgressEvent.user_id,
            ProgressEvent.module_revision_id,
            ProgressEvent.video_key,
            ProgressEvent.type,
            ProgressEvent.position_from,
            ProgressEvent.credited_to,
            ProgressEvent.credited_seconds,
            ProgressEvent.duration,
        ).where(
            ProgressEvent.user_id.in_(user_ids),
            ProgressEvent.type.in_(("played", "transcript")),
        )
    )
    for user_id, revision_id, key, kind, start, end, seconds, duration in events:
        where = (user_id, revision_id, key)
        if kind == "played" and end is not None and end > start:
            segments[where].append((start, end))
        if kind == "transcript":
            read[where] += seconds or 0.0
        reported[where] = max(reported[where], duration or 0.0)
    kept = _kept(VideoProgress, _PER_VIDEO, user_ids)
    for where in sorted(segments.keys() | read.keys() | kept.keys()):
        found.videos += 1
        intervals = merge(segments[where])
        row = kept.get(where)
        label = f"learner {where[0]}, revision {where[1]}, video {where[2]}"
        if row is None:
            found.missing.append(f"{label}: no video row")
            if write:
                revision = db.session.get(ModuleRevision, where[1])
                now = clock.now_utc()
                duration = known_duration(revision, where[2], reported[where], now)
                db.session.add(
                    VideoProgress(
                        user_id=where[0],
                        module_revision_id=where[1],
                        video_key=where[2],
                        intervals=intervals,
                        duration=duration,
                        watched_seconds=covered(intervals, duration),
                        transcript_seconds=read[where],
                        updated_at=now,
                    )
                )
            continue
        watched = covered(intervals, row.duration)
        same = (
            _same_intervals(row.intervals or [], intervals)
            and not _differs(row.watched_seconds, watched)
            and not _differs(row.transcript_seconds, read[where])
        )
        if not same:
            found.differed.append(
                f"{label}: kept {row.watched_seconds or 0:g} s watched and "
                f"{row.transcript_seconds or 0:g} s read, log {watched:g} s and "
                f"{read[where]:g} s"
            )
            if write:
                row.intervals = intervals
                row.watched_seconds = watched
                row.transcript_seconds = read[where]


def _same_intervals(kept, computed) -> bool:
    return len(kept) == len(computed) and all(
        abs(a - c) <= TOLERANCE and abs(b - d) <= TOLERANCE
        for (a, b), (c, d) in zip(kept, computed, strict=True)
    )


def _actions(user_ids: list[int], found: Rebuilt, write: bool) -> None:
    """Plays, pauses, seeks and ends per (learner, revision, video)."""
    counted: dict[tuple, dict[str, int]] = defaultdict(lambda: dict.fromkeys(ACTION_COLUMNS, 0))
    for user_id, revision_id, key, kind, n in db.session.execute(
        select(
            ProgressEvent.user_id,
            ProgressEvent.module_revision_id,
            ProgressEvent.video_key,
            ProgressEvent.type,
            func.count(),
        )
        .where(ProgressEvent.user_id.in_(user_ids))
        .where(ProgressEvent.type.in_(tuple(ACTION_COLUMNS)))
        .group_by(
            ProgressEvent.user_id,
            ProgressEvent.module_revision_id,
            ProgressEvent.video_key,
            ProgressEvent.type,
        )
    ):
        counted[(user_id, revision_id, key)][kind] = n
    kept = _kept(VideoActions, _PER_VIDEO, user_ids)
    for where in sorted(counted.keys() | kept.keys()):
        found.actions += 1
        log = {ACTION_COLUMNS[kind]: n for kind, n in counted[where].items()}
        row = kept.get(where)
        label = f"learner {where[0]}, revision {where[1]}, video {where[2]}"
        if row is None:
            found.missing.append(f"{label}: no row of plays, pauses, seeks and ends")
            if write:
                db.session.add(
                    VideoActions(
                        user_id=where[0], module_revision_id=where[1], video_key=where[2], **log
                    )
                )
            continue
        have = {column: getattr(row, column) for column in log}
        if have != log:
            found.differed.append(f"{label}: actions kept {have}, log {log}")
            if write:
                for column, n in log.items():
                    setattr(row, column, n)
