"""Progress events: stored once, validated strictly, turned into time, coverage, completion."""

from __future__ import annotations

import pytest

from course.extensions import db
from course.learning.models import ModuleProgress, ProgressEvent, VideoProgress


def _count(app, model=ProgressEvent) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model))


@pytest.fixture
def learner(client, make_user, login, course):
    user = make_user("therapist")
    login(user)
    return user


def test_active_time_accrues_and_a_resent_batch_is_a_no_op(app, learner, post_events, ev):
    batch = [ev("active", seconds=15), ev("active", seconds=15)]
    first = post_events(batch)
    assert first.status_code == 200 and first.json["stored"] == 2
    again = post_events(batch)
    assert again.json == {**again.json, "stored": 0, "duplicates": 2}
    assert _count(app) == 2
    with app.app_context():
        assert db.session.scalar(db.select(ModuleProgress.active_seconds)) == 30


def test_seeking_ahead_does_not_count_as_watched(app, learner, post_events, ev, revision_of):
    _, (key,) = revision_of("intro")
    post_events(
        [
            ev("play", video=key, position=0, duration=4),
            ev("played", video=key, **{"from": 0, "to": 1}, duration=4),
            ev("seek", video=key, **{"from": 1, "to": 3.8}, duration=4),
            ev("played", video=key, **{"from": 3.8, "to": 4}, duration=4),
            ev("ended", video=key, position=4, duration=4),
        ]
    )
    with app.app_context():
        video = db.session.scalar(db.select(VideoProgress))
        assert video.intervals == [[0.0, 1.0], [3.8, 4.0]]
        assert round(video.percent) == 30


def test_overlapping_replays_count_once(app, learner, post_events, ev, revision_of):
    _, (key,) = revision_of("intro")
    segment = {"from": 0, "to": 3}
    post_events([ev("played", video=key, **segment, duration=4) for _ in range(3)])
    with app.app_context():
        assert db.session.scalar(db.select(VideoProgress.watched_seconds)) == 3


def test_module_completes_when_time_video_and_quiz_all_hold(
    app, client, learner, post_events, ev, revision_of, csrf
):
    rev, (key,) = revision_of("intro")
    result = post_events(
        [ev("active", seconds=60), ev("played", video=key, **{"from": 0, "to": 4}, duration=4)]
    )
    assert result.json["complete"] is False  # the quiz is still missing
    quiz = client.get("/assessments/intro/quiz").get_data(as_text=True)
    attempt = quiz.split("/assessments/intro/attempts/")[1].split('"')[0]
    client.post(
        f"/assessments/intro/attempts/{attempt}",
        data={"q-marker": "a", "q-repair": ["explore", "own"], "csrf_token": csrf(client)},
    )
    with app.app_context():
        progress = db.session.scalar(db.select(ModuleProgress))
        assert progress.completed_at is not None and progress.completed_revision_id == rev
    assert client.get("/learning/modules/next").status_code == 200  # next one unlocked


def test_events_for_a_locked_module_are_refused(app, learner, post_events, ev):
    response = post_events([ev("active", seconds=10)], slug="next")
    assert response.status_code == 403
    assert _count(app) == 0


def test_events_need_the_csrf_header(app, client, learner, revision_of, ev):
    rev, _ = revision_of("intro")
    response = client.post(
        "/learning/events",
        json={"module": "intro", "revision": rev, "events": [ev("active", seconds=5)]},
    )
    assert response.status_code == 400
    assert _count(app) == 0


def test_events_need_a_session(app, post_events, ev, course):
    response = post_events([ev("active", seconds=5)])
    assert response.status_code in (302, 401)
    assert _count(app) == 0


BAD = [
    ({"type": "teleport"}, "unknown type"),
    ({"type": "active", "seconds": -5}, "'seconds' must be between"),
    ({"type": "active", "seconds": 100000}, "'seconds' must be between"),
    ({"type": "active", "seconds": "ten"}, "must be a number"),
    ({"type": "active", "seconds": 5, "at": "2999-01-01T00:00:00+00:00"}, "in the future"),
    ({"type": "active", "seconds": 5, "at": "yesterday"}, "ISO 8601"),
    ({"type": "active", "seconds": 5, "id": "x"}, "'id' must be"),
    ({"type": "played", "video": "nope", "from": 0, "to": 1, "duration": 4}, "not in this module"),
    ({"type": "active", "seconds": 5, "extra": 1}, "unknown field"),
]


@pytest.mark.parametrize(("fields", "message"), BAD)
def test_a_bad_event_refuses_the_whole_batch(app, learner, post_events, ev, fields, message):
    good = ev("active", seconds=5)
    bad = {**ev("active", seconds=1), **fields}
    response = post_events([good, bad])
    assert response.status_code == 400
    assert message in response.json["message"]
    assert _count(app) == 0


def test_a_backwards_played_segment_is_refused(app, learner, post_events, ev, revision_of):
    _, (key,) = revision_of("intro")
    response = post_events([ev("played", video=key, **{"from": 3, "to": 1}, duration=4)])
    assert response.status_code == 400 and "run forward" in response.json["message"]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ([], "must be a JSON object"),
        ({"module": "intro", "revision": 1, "events": []}, "non-empty list"),
        ({"module": "intro", "revision": 99999, "events": [{"x": 1}]}, "not a published revision"),
        ({"module": "intro", "events": [{}]}, "are required"),
    ],
)
def test_malformed_batches_get_a_clear_400(app, learner, post_events, raw, message):
    response = post_events(None, raw=raw)
    assert response.status_code == 400 and message in response.json["message"]
    assert _count(app) == 0


def test_malformed_json_is_a_400(app, client, learner, csrf):
    response = client.post(
        "/learning/events",
        data="{not json",
        content_type="application/json",
        headers={"X-CSRFToken": csrf(client)},
    )
    assert response.status_code == 400 and "not valid JSON" in response.json["message"]


def test_oversized_batches_are_a_413(app, learner, post_events, ev):
    response = post_events([ev("active", seconds=1) for _ in range(201)])
    assert response.status_code == 413
    assert _count(app) == 0


def test_events_of_one_user_never_touch_another(
    app, client, learner, post_events, ev, make_user, login
):
    shared = ev("active", seconds=20)
    post_events([shared])
    other = app.test_client()
    login(make_user("therapist"), on=other)
    assert post_events([shared], on=other).json["stored"] == 1  # same id, other person
    with app.app_context():
        seconds = db.session.scalars(db.select(ModuleProgress.active_seconds)).all()
    assert seconds == [20, 20]


def test_a_beacon_form_post_is_accepted(app, client, learner, revision_of, ev, csrf):
    import json

    rev, _ = revision_of("intro")
    payload = json.dumps({"module": "intro", "revision": rev, "events": [ev("active", seconds=7)]})
    response = client.post(
        "/learning/events", data={"payload": payload, "csrf_token": csrf(client)}
    )
    assert response.status_code == 200 and response.json["stored"] == 1
