"""module_progress.csv, video_engagement.csv, events.csv and integrity_log.csv."""

from __future__ import annotations

from typing import TextIO

from sqlalchemy import select

from course.learning.completion import watched_percent
from course.learning.models import (
    ACTION_COLUMNS,
    IntegrityEvent,
    ModuleProgress,
    ProgressEvent,
    VideoActions,
    VideoProgress,
)
from course.research.export.context import (
    ExportContext,
    iso,
    number,
    stream,
    stream_plain,
    write_csv,
)
from course.research.export.tables import REGISTRY

MODULE_PROGRESS = REGISTRY.header("module_progress.csv")


def module_progress(ctx: ExportContext, out: TextIO) -> int:
    """One row per therapist and module they opened."""
    f = ctx.filters
    query = (
        select(
            ModuleProgress.user_id,
            ModuleProgress.module_id,
            ModuleProgress.started_at,
            ModuleProgress.last_activity_at,
            ModuleProgress.active_seconds,
            ModuleProgress.completed_at,
            ModuleProgress.completed_revision_id,
            ModuleProgress.video_met_by,
        )
        .where(*ctx.only_people(ModuleProgress.user_id))
        .order_by(ModuleProgress.id)
    )
    # Activity overlapping the range; "since" means changed since (new activity).
    if f.start_at is not None:
        query = query.where(ModuleProgress.last_activity_at >= f.start_at)
    if f.end_before is not None:
        query = query.where(ModuleProgress.started_at < f.end_before)
    if f.since is not None:
        query = query.where(ModuleProgress.last_activity_at >= f.since)

    def rows():
        for user_id, module_id, started, last, seconds, completed, revision_id, met_by in stream(
            query
        ):
            person, module = ctx.people.get(user_id), ctx.modules.get(module_id)
            if person is None or module is None:
                continue
            revision = ctx.module_revisions.get(revision_id)
            yield (
                person.study_id, person.arm, module.slug, module.order, iso(started), iso(last),
                number(seconds), "1" if completed else "0", iso(completed),
                revision.number if revision else "", met_by or "",
            )  # fmt: skip

    return write_csv(out, MODULE_PROGRESS, rows())


VIDEO_ENGAGEMENT = REGISTRY.header("video_engagement.csv")


def _video_counts(ctx: ExportContext) -> dict[tuple, dict[str, int]]:
    """Play, pause, seek and end counts per (user, revision, video), as ingestion keeps
    them (``VideoActions``): no pass over the raw log."""
    query = select(
        VideoActions.user_id,
        VideoActions.module_revision_id,
        VideoActions.video_key,
        *(getattr(VideoActions, column) for column in ACTION_COLUMNS.values()),
    ).where(*ctx.only_people(VideoActions.user_id))
    counts: dict[tuple, dict[str, int]] = {}
    for user_id, revision_id, key, *numbers in stream(query):
        counts[(user_id, revision_id, key)] = dict(zip(ACTION_COLUMNS, numbers, strict=True))
    return counts


def video_engagement(ctx: ExportContext, out: TextIO) -> int:
    """One row per therapist and video: the union watched, and what they did."""
    f = ctx.filters
    query = (
        select(
            VideoProgress.user_id,
            VideoProgress.module_revision_id,
            VideoProgress.video_key,
            VideoProgress.duration,
            VideoProgress.watched_seconds,
            VideoProgress.intervals,
            VideoProgress.updated_at,
            VideoProgress.transcript_seconds,
        )
        .where(*ctx.only_people(VideoProgress.user_id), *f.in_range(VideoProgress.updated_at))
        .order_by(VideoProgress.id)
    )
    if f.since is not None:
        query = query.where(VideoProgress.updated_at >= f.since)
    counts = _video_counts(ctx)

    def rows():
        for user_id, revision_id, key, duration, watched, intervals, updated, read in stream(query):
            person = ctx.people.get(user_id)
            revision = ctx.module_revisions.get(revision_id)
            if person is None or revision is None:
                continue
            title = next((v.get("title", "") for v in revision.videos if v.get("key") == key), "")
            done = counts.get((user_id, revision_id, key), {})
            segments = ";".join(f"{number(a, 2)}-{number(b, 2)}" for a, b in intervals or ())
            yield (
                person.study_id, person.arm, ctx.module_slug_of_revision(revision_id),
                revision.number, key, title, number(duration), number(watched),
                number(watched_percent(watched, duration)), segments,
                *(done.get(kind, 0) for kind in ACTION_COLUMNS), iso(updated), number(read),
            )  # fmt: skip

    return write_csv(out, VIDEO_ENGAGEMENT, rows())


EVENTS = REGISTRY.header("events.csv")


def event_query(ctx: ExportContext):
    """The progress events in scope, oldest first (also read by the xAPI writer).

    Times come back as ISO 8601 text made by the database: a million rows would spend
    most of their time parsing and re-formatting datetimes in Python.
    """
    f = ctx.filters
    query = (
        select(
            ProgressEvent.id,
            ProgressEvent.user_id,
            ProgressEvent.module_revision_id,
            ProgressEvent.type,
            ProgressEvent.video_key,
            ProgressEvent.seconds,
            ProgressEvent.position_from,
            ProgressEvent.position_to,
            ProgressEvent.duration,
            ctx.iso_sql(ProgressEvent.occurred_at),
            ctx.iso_sql(ProgressEvent.received_at),
            ProgressEvent.credited_seconds,
            ProgressEvent.credited_to,
            ProgressEvent.language,
        )
        .where(*ctx.only_people(ProgressEvent.user_id), *f.in_range(ProgressEvent.occurred_at))
        .order_by(ProgressEvent.id)
    )
    if f.since is not None:
        # Received, not occurred: a page may send old events late, and they are new to us.
        query = query.where(ProgressEvent.received_at >= f.since)
    return query


def events(ctx: ExportContext, out: TextIO) -> int:
    """The long log: every progress event in scope."""

    people = {uid: (p.study_id, p.arm) for uid, p in ctx.people.items()}
    revisions = {
        rid: (ctx.module_slug_of_revision(rid), r.number) for rid, r in ctx.module_revisions.items()
    }

    def rows():
        # The hot loop of the export: plain lookups and round() written out (numbers to
        # two places; None stays empty), nothing per row besides.
        for (
            eid, uid, rid, kind, key, seconds, start, end, length, at, got, given, given_to,
            language,
        ) in stream_plain(event_query(ctx)):  # fmt: skip
            person, revision = people.get(uid), revisions.get(rid)
            if person is None or revision is None:
                continue
            yield (
                eid, *person, *revision, kind, key,
                None if seconds is None else round(seconds, 2),
                None if start is None else round(start, 2),
                None if end is None else round(end, 2),
                None if length is None else round(length, 2),
                at, got,
                None if given is None else round(given, 2),
                None if given_to is None else round(given_to, 2),
                language,
            )  # fmt: skip

    return write_csv(out, EVENTS, rows())


INTEGRITY_LOG = REGISTRY.header("integrity_log.csv")


def integrity_log(ctx: ExportContext, out: TextIO) -> int:
    """Each batch that claimed more than the server could credit (what was cut)."""
    f = ctx.filters
    query = (
        select(
            IntegrityEvent.user_id,
            IntegrityEvent.module_revision_id,
            IntegrityEvent.kind,
            IntegrityEvent.claimed,
            IntegrityEvent.credited,
            IntegrityEvent.events,
            IntegrityEvent.first_event_at,
            IntegrityEvent.last_event_at,
            IntegrityEvent.received_at,
        )
        .where(*ctx.only_people(IntegrityEvent.user_id), *f.in_range(IntegrityEvent.received_at))
        .order_by(IntegrityEvent.id)
    )
    if f.since is not None:
        query = query.where(IntegrityEvent.received_at >= f.since)

    def rows():
        for uid, rid, kind, claimed, credited, n, first, last, got in stream(query):
            person, revision = ctx.people.get(uid), ctx.module_revisions.get(rid)
            if person is None or revision is None:
                continue
            yield (
                person.study_id, person.arm, ctx.module_slug_of_revision(rid), revision.number,
                kind, number(claimed, 2), number(credited, 2), n, iso(first), iso(last), iso(got),
            )  # fmt: skip

    return write_csv(out, INTEGRITY_LOG, rows())
