"""A batch goes in as one statement, and the derived rows follow only what it stored:
resending changes nothing, and what is kept equals what the stored events add up to."""

from __future__ import annotations

import shutil
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import event

from course import clock
from course.extensions import db
from course.learning.intervals import add_interval, covered, merge
from course.learning.models import (
    IntegrityEvent,
    LearnerClock,
    ModuleProgress,
    ProgressEvent,
    VideoActions,
    VideoProgress,
)
from tests.learning.test_transcript import TALK


@pytest.fixture
def talk(tmp_path, fixture_root, import_course, make_user, login):
    """The test course plus a module whose video may be watched or its transcript read."""
    root = tmp_path / "course"
    shutil.copytree(fixture_root, root)
    (root / "modules" / "03-talk.md").write_text(TALK)
    import_course(root)
    user = make_user("therapist")
    login(user)
    return user


def _state(app) -> dict:
    """Every row a batch derives, as plain values."""
    with app.app_context():
        return {
            "progress": db.session.execute(
                db.select(
                    ModuleProgress.active_seconds,
                    ModuleProgress.last_activity_at,
                    ModuleProgress.completed_at,
                )
            ).all(),
            "videos": db.session.execute(
                db.select(
                    VideoProgress.intervals,
                    VideoProgress.watched_seconds,
                    VideoProgress.duration,
                    VideoProgress.transcript_seconds,
                    VideoProgress.updated_at,
                )
            ).all(),
            "clock": db.session.execute(
                db.select(
                    LearnerClock.active_until,
                    LearnerClock.video_until,
                    LearnerClock.transcript_until,
                )  # not last_seen_at: any batch says the learner is there
            ).all(),
            "actions": db.session.execute(
                db.select(
                    VideoActions.video_key,
                    VideoActions.plays,
                    VideoActions.pauses,
                    VideoActions.seeks,
                    VideoActions.ends,
                )
            ).all(),
            "cuts": db.session.scalar(db.select(db.func.count()).select_from(IntegrityEvent)),
            "events": db.session.scalar(db.select(db.func.count()).select_from(ProgressEvent)),
        }


def _mixed(ev, key, at, start: float) -> list[dict]:
    return [
        ev("active", seconds=15, at=at),
        ev("played", video=key, **{"from": start, "to": start + 20}, duration=600, at=at),
        ev("played", video=key, **{"from": start + 10, "to": start + 25}, duration=600, at=at),
        ev("transcript", video=key, seconds=15, at=at),
        ev("pause", video=key, position=start + 25, duration=600, at=at),
    ]


def test_a_resent_batch_changes_nothing_derived(app, talk, post_events, ev, revision_of):
    _, (key,) = revision_of("talk")
    start = clock.now_utc()
    with clock.frozen(start):
        batch = _mixed(ev, key, start, 0)
        assert post_events(batch, slug="talk").json["stored"] == 5
    before = _state(app)
    assert before["videos"][0][0] == [[0.0, 25.0]]
    assert before["actions"] == [(key, 0, 1, 0, 0)]  # the pause
    # Resent later (the page did not see the answer), alone and inside a new batch.
    with clock.frozen(start + timedelta(seconds=30)):
        again = post_events(batch, slug="talk").json
        assert (again["stored"], again["duplicates"]) == (0, 5)
    assert _state(app) == before
    with clock.frozen(start + timedelta(seconds=45)):
        mixed = post_events([*batch, ev("active", seconds=10)], slug="talk").json
        assert (mixed["stored"], mixed["duplicates"]) == (1, 5)
    after = _state(app)
    assert after["progress"][0].active_seconds == before["progress"][0].active_seconds + 10
    assert after["videos"] == before["videos"] and after["actions"] == before["actions"]


def test_a_resend_in_a_new_batch_is_credited_as_if_only_the_new_events_came(
    app, talk, post_events, ev
):
    """The server credits a batch as if all of it were new; when some of it was stored
    already, the events stored now are credited again without it. Here the resent minute
    would otherwise take the half minute the clock allows, leaving the new event none."""
    start = clock.now_utc()
    with clock.frozen(start):
        first = ev("active", seconds=60, at=start)
        assert post_events([first], slug="talk").json["stored"] == 1
    at = start + timedelta(seconds=30)
    with clock.frozen(at):
        new = ev("active", seconds=30, at=at)
        answer = post_events([first, new], slug="talk").json
    assert (answer["stored"], answer["duplicates"]) == (1, 1)
    with app.app_context():
        credited = db.session.scalar(
            db.select(ProgressEvent.credited_seconds).where(ProgressEvent.client_id == new["id"])
        )
        assert credited == 30
        assert db.session.scalar(db.select(ModuleProgress.active_seconds)) == 90
        assert db.session.scalar(db.select(db.func.count()).select_from(IntegrityEvent)) == 0
        assert db.session.scalar(db.select(LearnerClock.active_until)) == at


def test_the_kept_progress_equals_what_the_stored_events_add_up_to(
    app, talk, post_events, ev, revision_of
):
    _, (key,) = revision_of("talk")
    start = clock.now_utc()
    for n, position in enumerate((0, 300, 20, 40, 500, 320, 10)):  # out of order, overlapping
        at = start + timedelta(seconds=15 * n)
        with clock.frozen(at):
            assert post_events(_mixed(ev, key, at, position), slug="talk").status_code == 200
    with app.app_context():
        events = db.session.execute(
            db.select(
                ProgressEvent.type,
                ProgressEvent.credited_seconds,
                ProgressEvent.position_from,
                ProgressEvent.credited_to,
            )
        ).all()
        progress = db.session.scalar(db.select(ModuleProgress))
        video = db.session.scalar(db.select(VideoProgress))
    intervals = merge((a, b) for kind, _, a, b in events if kind == "played" and b > a)
    assert video.intervals == intervals
    assert video.watched_seconds == pytest.approx(covered(intervals, 600.0))
    assert video.transcript_seconds == pytest.approx(
        sum(c for kind, c, _, _ in events if kind == "transcript")
    )
    assert progress.active_seconds == pytest.approx(
        sum(c for kind, c, _, _ in events if kind == "active")
    )
    with app.app_context():
        actions = db.session.scalar(db.select(VideoActions))
    assert actions.pauses == sum(kind == "pause" for kind, *_ in events) == 7
    assert (actions.plays, actions.seeks, actions.ends) == (0, 0, 0)


def test_a_batch_is_one_insert_and_a_bounded_number_of_statements(
    app, talk, post_events, ev, revision_of
):
    _, (key,) = revision_of("talk")
    start = clock.now_utc()
    with clock.frozen(start):
        post_events(_mixed(ev, key, start, 0), slug="talk")  # first: rows are created
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def note(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        at = start + timedelta(seconds=15)
        with clock.frozen(at):
            big = [ev("active", seconds=1, at=at) for _ in range(150)]
            assert post_events([*_mixed(ev, key, at, 30), *big], slug="talk").json["stored"] == 155
    finally:
        event.remove(engine, "before_cursor_execute", note)
    inserts = [
        s for s in statements if s.lstrip().upper().startswith("INSERT INTO PROGRESS_EVENTS")
    ]
    assert len(inserts) == 1
    # Among them, on SQLite: the clock made-if-missing and read, one upsert of the
    # module's progress, one read of the videos' rows (the checklist's too), one upsert
    # of the plays, pauses, seeks and ends (this batch has a pause).
    assert len(statements) <= 14, statements


_position = st.floats(min_value=0, max_value=50, allow_nan=False).map(lambda x: round(x, 1))


@given(st.lists(st.tuples(_position, _position), max_size=40))
def test_adding_intervals_one_at_a_time_equals_merging_them_all(pairs):
    merged: list[list[float]] = []
    for n, (start, end) in enumerate(pairs):
        add_interval(merged, start, end)
        assert merged == merge(pairs[: n + 1])
