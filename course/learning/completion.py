"""Completion rules: the checklist of a module and the moment it becomes complete."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from course import clock, signals
from course.extensions import db
from course.learning.criteria import ChecklistItem, registered, standings_for
from course.learning.models import ModuleProgress, VideoProgress


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


def time_status(have: float, need: float) -> str:
    """Active minutes against the minimum, never more than it ("12 of 12 minutes, done")."""
    total = max(1, math.ceil(need / 60))  # rounded up, so unfinished never shows total
    if have >= need:
        return f"{total} of {total} minutes, done"
    return f"{int(have // 60)} of {total} minutes"


def checklist(
    revision,
    progress,
    videos: dict[str, VideoProgress],
    standings: Mapping[str, Mapping[str, Any]],
) -> Checklist:
    """The criteria of ``revision.completion`` measured against a therapist's records.

    ``standings`` holds, per registered criterion key, what ``standings_for`` read.
    """
    rule = revision.completion or {}
    items: list[ChecklistItem] = []
    if rule.get("min_seconds"):
        need = rule["min_seconds"]
        have = progress.active_seconds if progress else 0.0
        items.append(
            ChecklistItem(
                "time",
                "Time on this page",
                time_status(have, need),
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
    for key, criterion in registered().items():
        if rule.get(key):
            items.append(criterion.item(rule[key], revision, standings.get(key, {})))
    complete = bool(progress and progress.completed_at)
    return Checklist(tuple(items), complete)


def videos_of(user_id: int, revision_id: int) -> dict[str, VideoProgress]:
    """The user's viewing of each video in one revision, by key."""
    rows = db.session.scalars(
        select(VideoProgress).where(
            VideoProgress.user_id == user_id, VideoProgress.module_revision_id == revision_id
        )
    )
    return {row.video_key: row for row in rows}


def evaluate(user, revision, progress: ModuleProgress) -> bool:
    """Mark the module complete (time and revision) once every criterion holds.

    Sends ``module_completed`` when it does; complete stays complete, whatever later
    revisions ask.
    """
    if progress.completed_at is not None:
        return True
    state = checklist(
        revision,
        progress,
        videos_of(user.id, revision.id),
        standings_for(user.id, [revision]),
    )
    if not all(item.done for item in state.items):
        return False
    progress.completed_at = clock.now_utc()
    progress.completed_revision_id = revision.id
    db.session.flush()
    signals.module_completed.send(
        user, module=revision.slug, revision_id=revision.id, at=progress.completed_at
    )
    return True
