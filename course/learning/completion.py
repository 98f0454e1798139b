"""Completion rules: the checklist of a module and the moment it becomes complete."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
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


@dataclass(frozen=True)
class VideoStanding:
    """One video against a rule: watched, or (when the rule allows it) its transcript read."""

    watched: float  # percent of the video watched
    need: int  # percent to watch
    read: float  # credited seconds with the transcript open
    to_read: float | None  # seconds of reading that count instead; None: reading cannot
    allowed: bool  # the rule accepts the transcript

    @property
    def by(self) -> str | None:
        """How the video criterion is met: "video", "transcript", or None (not yet)."""
        if self.watched >= self.need:
            return "video"
        if self.to_read is not None and self.read >= self.to_read:
            return "transcript"
        return None

    @property
    def fraction(self) -> float:
        """Progress toward whichever way is further along, 0-1."""
        reading = self.read / self.to_read if self.to_read else 0.0
        return min(1.0, max(self.watched / self.need, reading))

    @property
    def status(self) -> str:
        """The line a learner reads: both ways when both count, and how far along each is."""
        watched, need = int(self.watched), self.need
        if not self.allowed:
            return _("%(watched)d%% watched (needs %(need)d%%)", watched=watched, need=need)
        if self.to_read is None:
            return _(
                "%(watched)d%% watched (needs %(need)d%%); its transcript cannot count until "
                "the video's length is known",
                watched=watched,
                need=need,
            )
        return _(
            "%(watched)d%% watched (needs %(need)d%%), or transcript read %(amount)s",
            watched=watched,
            need=need,
            amount=_amount(self.read, self.to_read),
        )


def _amount(have: float, need: float) -> str:
    """ "2 of 5 minutes", or seconds for needs under two minutes."""
    if need < 120:
        return _(
            "%(have)d of %(need)d seconds", have=int(min(have, need)), need=max(1, round(need))
        )
    return _(
        "%(have)d of %(need)d minutes",
        have=int(min(have, need) // 60),
        need=max(1, round(need / 60)),
    )


def video_standing(video: Mapping[str, Any], seen: VideoProgress | None, rule) -> VideoStanding:
    """Where one video of a revision stands against the rule's ``video_percent`` and
    ``transcript_percent``. The reading time follows the length the revision holds (read
    from the file or given in the block), never one a player reported: the first browser
    to claim a two-second video would otherwise set everyone's reading time."""
    pct = watched_percent(seen.watched_seconds, seen.duration) if seen else 0.0
    share = rule.get("transcript_percent") or 0
    length = video.get("duration") or 0.0
    to_read = length * share / 100 if share and length else None
    read = seen.transcript_seconds if seen else 0.0
    return VideoStanding(pct, rule["video_percent"], read, to_read, bool(share))


def video_met_by(revision, videos: Mapping[str, VideoProgress]) -> str | None:
    """How a revision's video criterion is met: video, transcript or mixed (None when the
    rule asks for no video, or it is not met)."""
    rule = revision.completion or {}
    if not rule.get("video_percent") or not revision.videos:
        return None
    ways = {video_standing(v, videos.get(v["key"]), rule).by for v in revision.videos}
    if None in ways:
        return None
    return ways.pop() if len(ways) == 1 else "mixed"


def time_status(have: float, need: float) -> str:
    """Active minutes against the minimum, never more than it ("12 of 12 minutes, done")."""
    total = max(1, math.ceil(need / 60))  # rounded up, so unfinished never shows total
    if have >= need:
        return _("%(total)d of %(total)d minutes, done", total=total)
    return _("%(have)d of %(need)d minutes", have=int(have // 60), need=total)


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
                _("Time on this page"),
                time_status(have, need),
                min(1.0, have / need),
                have >= need,
            )
        )
    if rule.get("video_percent"):
        for video in revision.videos:
            standing = video_standing(video, videos.get(video["key"]), rule)
            items.append(
                ChecklistItem(
                    "video",
                    _("Video: %(title)s", title=video["title"]),
                    standing.status,
                    standing.fraction,
                    standing.by is not None,
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
    """Mark the module complete (time, revision, and how its videos were met) once every
    criterion holds.

    Sends ``module_completed`` when it does; complete stays complete, whatever later
    revisions ask.
    """
    if progress.completed_at is not None:
        return True
    return evaluate_checklist(user, revision, progress).complete


def evaluate_checklist(
    user, revision, progress: ModuleProgress, videos: dict[str, VideoProgress] | None = None
) -> Checklist:
    """``evaluate``, returning the revision's checklist afterwards (what its page shows),
    measured whether or not the module was complete already. ``videos``: the user's rows
    of the revision's videos when the caller holds them already (as ``videos_of`` gives)."""
    if videos is None:
        videos = videos_of(user.id, revision.id)
    state = checklist(revision, progress, videos, standings_for(user.id, [revision]))
    if state.complete or not all(item.done for item in state.items):
        return state
    progress.completed_at = clock.now_utc()
    progress.completed_revision_id = revision.id
    progress.video_met_by = video_met_by(revision, videos)
    db.session.flush()
    signals.module_completed.send(
        user, module=revision.slug, revision_id=revision.id, at=progress.completed_at
    )
    return Checklist(state.items, True)
