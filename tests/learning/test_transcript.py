"""Reading a video's transcript in place of watching it: the criterion, the plausibility
bound on the time claimed, and how the completion was met."""

from __future__ import annotations

import shutil
from datetime import timedelta
from types import SimpleNamespace

import pytest

from course import clock
from course.extensions import db
from course.learning.completion import video_met_by, video_standing
from course.learning.models import IntegrityEvent, ModuleProgress, ProgressEvent, VideoProgress
from course.learning.plausibility import FIRST_WINDOW

# A ten-minute talk (its length given in the block), readable instead at half its length.
TALK = """---
title: A recorded talk
order: 3
summary: A talk about tensions.
estimated_minutes: 15
completion:
  video_percent: 90
  transcript_percent: 50
---
## The talk

```video
url: https://youtu.be/abcdefghijk
title: The talk
captions: media/short.en.vtt
duration: 10:00
```
"""
RULE = {"video_percent": 90, "transcript_percent": 50}
VIDEO = {"key": "k", "title": "The talk", "duration": 600.0}


@pytest.fixture
def talk(tmp_path, fixture_root, import_course, make_user, login):
    """The test course plus the talk module, and a signed-in therapist."""
    root = tmp_path / "course"
    shutil.copytree(fixture_root, root)
    (root / "modules" / "03-talk.md").write_text(TALK)
    import_course(root)
    user = make_user("therapist")
    login(user)
    return user


def seen(watched=0.0, read=0.0, duration=600.0):
    return SimpleNamespace(watched_seconds=watched, duration=duration, transcript_seconds=read)


def test_a_video_is_met_by_watching_or_by_reading_for_the_stated_share_of_its_length():
    assert video_standing(VIDEO, seen(watched=540), RULE).by == "video"
    assert video_standing(VIDEO, seen(read=300), RULE).by == "transcript"
    assert video_standing(VIDEO, seen(watched=539, read=299), RULE).by is None
    assert video_standing(VIDEO, None, RULE).by is None
    # Without the transcript in the rule, reading never counts.
    assert video_standing(VIDEO, seen(read=600), {"video_percent": 90}).by is None


def test_the_learner_reads_which_way_counts_and_how_far_along_each_is():
    assert video_standing(VIDEO, seen(watched=120, read=130), RULE).status == (
        "20% watched (needs 90%), or transcript read 2 of 5 minutes"
    )
    assert video_standing(VIDEO, seen(watched=120), {"video_percent": 90}).status == (
        "20% watched (needs 90%)"
    )
    short = {"key": "s", "title": "Clip", "duration": 40.0}
    assert video_standing(short, seen(read=7, duration=40), RULE).status.endswith(
        "transcript read 7 of 20 seconds"
    )
    unknown = {"key": "u", "title": "Clip", "duration": None}
    assert "cannot count until the video's length is known" in (
        video_standing(unknown, None, RULE).status
    )
    assert video_standing(VIDEO, seen(watched=60, read=150), RULE).fraction == 0.5


def test_a_length_a_player_reported_never_sets_the_reading_time():
    # A local file whose length the server could not read: a player pinned 2 s on the
    # viewing row. Two seconds of reading must not complete the video for anyone.
    unknown = {"key": "u", "title": "Clip", "duration": None}
    standing = video_standing(unknown, seen(read=2, duration=2.0), RULE)
    assert standing.by is None
    assert "cannot count until the video's length is known" in standing.status


def test_how_the_videos_were_met_is_video_transcript_or_mixed():
    revision = SimpleNamespace(completion=RULE, videos=[VIDEO, {**VIDEO, "key": "j"}])
    assert video_met_by(revision, {"k": seen(watched=600), "j": seen(watched=600)}) == "video"
    assert video_met_by(revision, {"k": seen(read=300), "j": seen(read=300)}) == "transcript"
    assert video_met_by(revision, {"k": seen(watched=600), "j": seen(read=300)}) == "mixed"
    assert video_met_by(revision, {"k": seen(watched=600)}) is None
    assert video_met_by(SimpleNamespace(completion={}, videos=[VIDEO]), {}) is None


def _read(post_events, ev, revision_of, minutes: float, start):
    """Report ``minutes`` of reading with the transcript open, every 15 s as a page does."""
    _, (key,) = revision_of("talk")
    at = start
    for _ in range(int(minutes * 4)):
        at += timedelta(seconds=15)
        with clock.frozen(at):
            response = post_events(
                [ev("active", seconds=15, at=at), ev("transcript", video=key, seconds=15, at=at)],
                slug="talk",
            )
            assert response.status_code == 200, response.get_json()
    return response


def test_reading_the_transcript_long_enough_completes_the_module(
    app, talk, post_events, ev, revision_of
):
    start = clock.now_utc()
    halfway = _read(post_events, ev, revision_of, 2.5, start)
    assert halfway.get_json()["complete"] is False
    assert halfway.get_json()["checklist"][0]["status"] == (
        "0% watched (needs 90%), or transcript read 2 of 5 minutes"
    )
    done = _read(post_events, ev, revision_of, 2.5, start + timedelta(minutes=2.5))
    assert done.get_json()["complete"] is True
    with app.app_context():
        progress = db.session.scalar(db.select(ModuleProgress))
        video = db.session.scalar(db.select(VideoProgress))
        assert progress.video_met_by == "transcript"
        assert (video.transcript_seconds, video.watched_seconds, video.duration) == (300, 0, 600)
        assert db.session.scalar(db.select(db.func.count()).select_from(IntegrityEvent)) == 0


def test_a_forged_transcript_time_is_cut_to_the_time_that_passed_and_flagged(
    app, talk, post_events, ev, revision_of
):
    _, (key,) = revision_of("talk")
    start = clock.now_utc()
    with clock.frozen(start):
        forged = [ev("transcript", video=key, seconds=120, at=start) for _ in range(10)]
        body = post_events(forged, slug="talk").get_json()
    assert body["complete"] is False  # twenty minutes claimed; one minute credited
    with app.app_context():
        (cut,) = db.session.scalars(db.select(IntegrityEvent))
        assert (cut.kind, cut.claimed, cut.credited, cut.events) == ("transcript", 1200, 60, 10)
        video = db.session.scalar(db.select(VideoProgress))
        assert video.transcript_seconds == FIRST_WINDOW.total_seconds()
        credited = db.session.scalars(db.select(ProgressEvent.credited_seconds)).all()
        assert sum(credited) == 60  # stored as claimed, with what was credited beside them


def test_transcript_time_is_not_active_time_twice_over(app, talk, post_events, ev, revision_of):
    # Its own clock: a page may claim reading beside its active time, but not two
    # transcripts at once (two tabs each claiming a minute in the same minute).
    _, (key,) = revision_of("talk")
    start = clock.now_utc()
    with clock.frozen(start + timedelta(seconds=60)):
        post_events([ev("transcript", video=key, seconds=60)], slug="talk")
        post_events([ev("transcript", video=key, seconds=60)], slug="talk")
    with app.app_context():
        assert db.session.scalar(db.select(VideoProgress)).transcript_seconds == 60
        assert [c.kind for c in db.session.scalars(db.select(IntegrityEvent))] == ["transcript"]


def test_a_transcript_event_must_name_a_video_of_the_module(talk, post_events, ev):
    response = post_events([ev("transcript", video="nope", seconds=5)], slug="talk")
    assert response.status_code == 400
    assert "video 'nope' is not in this module" in response.get_json()["message"]
    response = post_events([ev("transcript", video=None, seconds=500)], slug="talk")
    assert response.status_code == 400


def test_the_module_page_says_which_way_counts_and_holds_the_transcript(client, talk):
    page = client.get("/learning/modules/talk").get_data(as_text=True)
    assert "Each video counts when you watch 90% of it, or when you read its transcript" in page
    assert "for at least 50% of the video's length" in page
    assert '<details class="transcript"' in page and "Captions work." in page
    assert "0% watched (needs 90%), or transcript read 0 of 5 minutes" in page
