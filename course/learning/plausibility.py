"""Crediting only the engagement the server can vouch for.

A page reports active time, the video segments it played and the time it had a video's
transcript open; a script can report anything. So each learner has a clock
(``LearnerClock``): active time is credited only inside the wall-clock time the server
has seen pass since it last credited any, across every tab and module, so one person is
never active twice at once; transcript time the same way on its own clock (one person
reads one transcript at a time); video seconds are credited only as fast as the fastest
playback rate allows in that time. The events are
stored as claimed, with what was credited beside them, and a batch that claimed more is
recorded in ``IntegrityEvent`` for researchers. Nothing is silently dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from course.dbtypes import insert_ignoring_conflicts
from course.extensions import db
from course.learning.events import EventIn
from course.learning.models import IntegrityEvent, LearnerClock

#: The fastest playback rate the players offer (HTML5 and YouTube: 2x).
MAX_RATE = 2.0
#: After a silence longer than this, a learner is back for a new visit: their first batch
#: may claim at most FIRST_WINDOW (a page reports at least every 15 s).
NEW_VISIT = timedelta(minutes=5)
FIRST_WINDOW = timedelta(seconds=60)
#: Cuts smaller than this are rounding, not a sign of anything.
TOLERANCE = 1.0
#: What is credited, each against its own clock, and flagged when cut.
KINDS = ("active", "video", "transcript")


@dataclass
class Credits:
    """What one batch is credited, per new event: seconds (active) or the credited end
    of a played segment; and the totals claimed and credited, per kind."""

    seconds: dict[str, float] = field(default_factory=dict)
    ends: dict[str, float] = field(default_factory=dict)
    claimed: dict[str, float] = field(default_factory=lambda: dict.fromkeys(KINDS, 0.0))
    credited: dict[str, float] = field(default_factory=lambda: dict.fromkeys(KINDS, 0.0))
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    times: dict[str, list[datetime]] = field(default_factory=lambda: {k: [] for k in KINDS})


def lock_clock(user_id: int, now: datetime) -> LearnerClock:
    """The learner's clock, made on first use and locked, so their batches queue up."""
    found = (
        select(LearnerClock)
        .where(LearnerClock.user_id == user_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    # PostgreSQL: the row lock is the queue, so an existing clock costs one statement.
    # SQLite has no row locks: writing first takes its database write lock, which then
    # queues the learner's batches (a transaction that read first and wrote later could
    # only be refused when two of them met).
    if db.session.get_bind().dialect.name != "sqlite":
        learner = db.session.scalar(found)
        if learner is not None:
            return learner
    start = now - FIRST_WINDOW
    db.session.execute(
        insert_ignoring_conflicts(
            LearnerClock,
            conflict=["user_id"],
            values={
                "user_id": user_id,
                "active_until": start,
                "video_until": start,
                "transcript_until": start,
                "last_seen_at": now - NEW_VISIT - FIRST_WINDOW,
            },
        )
    )
    return db.session.scalar(found)


#: The clock's fields that crediting moves.
_CLOCK_FIELDS = ("active_until", "video_until", "transcript_until", "last_seen_at")


def clock_state(clock: LearnerClock) -> tuple[datetime, ...]:
    """The clock as it stands, for ``restore_clock``."""
    return tuple(getattr(clock, name) for name in _CLOCK_FIELDS)


def restore_clock(clock: LearnerClock, state: tuple[datetime, ...]) -> None:
    """Put the clock back as ``clock_state`` found it (to credit a batch again)."""
    for name, value in zip(_CLOCK_FIELDS, state, strict=True):
        setattr(clock, name, value)


def _start(until: datetime, clock: LearnerClock, now: datetime) -> datetime:
    if now - clock.last_seen_at > NEW_VISIT:
        return max(until, now - FIRST_WINDOW)
    return max(until, now - NEW_VISIT)


def _credit_time(
    until: datetime,
    kind: str,
    clock: LearnerClock,
    events: Sequence[EventIn],
    now: datetime,
    credits: Credits,
) -> datetime:
    """Credit the batch's ``kind`` seconds within the wall time since ``until``; the
    start of that time is returned for moving the clock."""
    start = _start(until, clock, now)
    budget = max(0.0, (now - start).total_seconds())
    for event in sorted((e for e in events if e.type == kind), key=lambda e: e.occurred_at):
        given = min(event.seconds or 0.0, budget)
        budget -= given
        credits.seconds[event.client_id] = given
        credits.claimed[kind] += event.seconds or 0.0
        credits.credited[kind] += given
        credits.counts[kind] += 1
        credits.times[kind].append(event.occurred_at)
    return start


def credit(clock: LearnerClock, events: Sequence[EventIn], now: datetime) -> Credits:
    """Credit a batch's new events against the learner's clock, and move the clock."""
    credits = Credits()
    active_start = _credit_time(clock.active_until, "active", clock, events, now, credits)
    transcript_start = _credit_time(
        clock.transcript_until, "transcript", clock, events, now, credits
    )
    video_start = _start(clock.video_until, clock, now)
    media = max(0.0, (now - video_start).total_seconds()) * MAX_RATE
    for event in sorted((e for e in events if e.type == "played"), key=lambda e: e.occurred_at):
        length = event.position_to - event.position_from
        given = min(length, media)
        media -= given
        credits.ends[event.client_id] = event.position_from + given
        credits.claimed["video"] += length
        credits.credited["video"] += given
        credits.counts["video"] += 1
        credits.times["video"].append(event.occurred_at)
    # Never backwards: a batch that waited for the lock may carry an earlier ``now``.
    clock.active_until = max(
        clock.active_until,
        min(now, active_start + timedelta(seconds=credits.credited["active"])),
    )
    clock.transcript_until = max(
        clock.transcript_until,
        min(now, transcript_start + timedelta(seconds=credits.credited["transcript"])),
    )
    clock.video_until = max(
        clock.video_until,
        min(now, video_start + timedelta(seconds=credits.credited["video"] / MAX_RATE)),
    )
    clock.last_seen_at = max(clock.last_seen_at, now)
    return credits


def record_cuts(user_id: int, revision_id: int, credits: Credits, now: datetime) -> None:
    """Keep a record of what a batch claimed beyond what could be credited."""
    for kind in KINDS:
        if credits.claimed[kind] - credits.credited[kind] > TOLERANCE:
            db.session.add(
                IntegrityEvent(
                    user_id=user_id,
                    module_revision_id=revision_id,
                    kind=kind,
                    claimed=round(credits.claimed[kind], 2),
                    credited=round(credits.credited[kind], 2),
                    events=credits.counts[kind],
                    first_event_at=min(credits.times[kind]),
                    last_event_at=max(credits.times[kind]),
                    received_at=now,
                )
            )
