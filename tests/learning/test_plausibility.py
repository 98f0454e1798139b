"""Plausible progress: only what the server's clock can vouch for is credited, and what
a batch claimed beyond that is kept in the integrity log, never silently dropped."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from course import clock
from course.catalog.models import ModuleRevision
from course.extensions import db
from course.learning.events import EventIn
from course.learning.models import (
    IntegrityEvent,
    LearnerClock,
    ModuleProgress,
    ProgressEvent,
    VideoDuration,
    VideoProgress,
)
from course.learning.plausibility import FIRST_WINDOW, MAX_RATE, credit
from course.learning.progress import known_duration


@pytest.fixture
def learner(client, make_user, login, course):
    user = make_user("therapist")
    login(user)
    return user


def _progress(app) -> ModuleProgress:
    with app.app_context():
        return db.session.scalar(db.select(ModuleProgress))


def _cuts(app) -> list[IntegrityEvent]:
    with app.app_context():
        return list(db.session.scalars(db.select(IntegrityEvent).order_by(IntegrityEvent.id)))


def test_a_forged_batch_is_cut_to_the_time_that_passed_and_flagged(app, learner, post_events, ev):
    start = clock.now_utc()
    with clock.frozen(start):
        forged = [ev("active", seconds=120, at=start) for _ in range(200)]
        assert post_events(forged).status_code == 200
    progress = _progress(app)
    assert progress.active_seconds == FIRST_WINDOW.total_seconds()  # not 24,000 s
    (cut,) = _cuts(app)
    assert (cut.kind, cut.claimed, cut.credited, cut.events) == ("active", 24000, 60, 200)
    with app.app_context():  # every event is kept as claimed, with what was credited
        rows = db.session.execute(
            db.select(ProgressEvent.seconds, ProgressEvent.credited_seconds)
        ).all()
    assert len(rows) == 200 and {s for s, _ in rows} == {120}
    assert sum(c for _, c in rows) == 60


def test_steady_reading_is_credited_in_full_and_never_flagged(app, learner, post_events, ev):
    start = clock.now_utc()
    for tick in range(1, 21):  # five minutes of a page reporting every 15 s
        at = start + timedelta(seconds=15 * tick)
        with clock.frozen(at):
            post_events([ev("active", seconds=15, at=at)])
    assert _progress(app).active_seconds == 300
    assert _cuts(app) == []


def test_two_tabs_are_not_active_twice_at_once(app, client, learner, post_events, ev, login):
    second_tab = app.test_client()
    login(learner, on=second_tab)
    start = clock.now_utc()
    for tick in range(1, 9):
        at = start + timedelta(seconds=15 * tick)
        with clock.frozen(at):
            post_events([ev("active", seconds=15, at=at)])
            post_events([ev("active", seconds=15, at=at)], on=second_tab)
    # Two minutes passed; the two tabs claimed four. The first batch's window may credit
    # up to a minute of reading before it, so at most three are credited.
    credited = _progress(app).active_seconds
    assert 120 <= credited <= 120 + FIRST_WINDOW.total_seconds()
    assert sum(cut.claimed - cut.credited for cut in _cuts(app)) == pytest.approx(240 - credited)


def test_a_batch_after_a_long_silence_may_claim_only_a_first_window(app, learner, post_events, ev):
    start = clock.now_utc()
    with clock.frozen(start):
        post_events([ev("active", seconds=15, at=start)])
    back = start + timedelta(hours=3)
    with clock.frozen(back):  # a page held back ten minutes of reading, then sent them
        held = [ev("active", seconds=60, at=back - timedelta(minutes=m)) for m in range(10)]
        post_events(held)
    assert _progress(app).active_seconds == 15 + FIRST_WINDOW.total_seconds()
    (cut,) = _cuts(app)
    assert cut.first_event_at == back - timedelta(minutes=9)  # the log shows when they claim
    assert cut.last_event_at == back


def test_video_seconds_are_capped_by_the_fastest_playback_rate():
    now = clock.now_utc()
    learner = SimpleNamespace(
        active_until=now - timedelta(minutes=1),
        video_until=now - timedelta(seconds=30),
        transcript_until=now - timedelta(minutes=1),
        last_seen_at=now - timedelta(seconds=30),
    )
    segments = [
        EventIn(f"p{n}", "played", now, "k", None, n * 50.0, n * 50.0 + 50, 600) for n in range(3)
    ]
    credits = credit(learner, segments, now)
    assert credits.claimed["video"] == 150
    assert credits.credited["video"] == 30 * MAX_RATE  # 30 s passed: one minute at 2x
    assert [credits.ends[f"p{n}"] for n in range(3)] == [50, 60, 100]
    assert learner.video_until == now


def test_a_local_video_is_timed_from_its_file(app, course, revision_of):
    rev, _ = revision_of("intro")
    with app.app_context():
        (video,) = db.session.get(ModuleRevision, rev).videos
    assert video["duration"] == 4.0


def test_a_played_segment_past_the_files_length_is_not_coverage(
    app, learner, post_events, ev, revision_of
):
    _, (key,) = revision_of("intro")
    start = clock.now_utc()
    with clock.frozen(start):  # the page says the video lasts 5 s; the file says 4 s
        post_events([ev("played", video=key, **{"from": 0, "to": 5}, duration=5)])
    with app.app_context():
        video = db.session.scalar(db.select(VideoProgress))
        assert (video.duration, video.watched_seconds) == (4.0, 4.0)


def test_a_remote_video_is_timed_by_its_block_or_pinned_from_the_first_report(app):
    now = clock.now_utc()
    given = SimpleNamespace(videos=[{"key": "given", "duration": 754.0}])
    reported = SimpleNamespace(videos=[{"key": "pinned", "duration": None}])
    with app.app_context():
        assert known_duration(given, "given", 5.0, now) == 754.0
        assert known_duration(reported, "pinned", 600.0, now) == 600.0
        assert known_duration(reported, "pinned", 3.0, now) == 600.0  # a later claim loses
        assert db.session.get(VideoDuration, "pinned").source == "first_report"
        assert db.session.get(VideoDuration, "given") is None
        db.session.rollback()


def test_the_learners_clock_is_one_row_whatever_the_tabs(app, learner, post_events, ev):
    for _ in range(3):
        post_events([ev("active", seconds=5)])
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(LearnerClock)) == 1


def test_a_batch_that_waited_for_the_lock_never_moves_the_clock_back():
    now = clock.now_utc()
    learner = SimpleNamespace(
        active_until=now, video_until=now, transcript_until=now, last_seen_at=now
    )
    late = now - timedelta(seconds=3)  # it read the time before another batch credited
    credits = credit(learner, [EventIn("a", "active", late, seconds=5)], late)
    assert credits.credited["active"] == 0
    assert (learner.active_until, learner.video_until, learner.last_seen_at) == (now, now, now)
