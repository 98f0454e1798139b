"""The kept progress is recomputed from the raw event log: after a random workload, a
rebuild of rows that were damaged (or deleted) gives back what ingestion had kept, and a
check reports the drift without changing anything."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from sqlalchemy import delete, update

from course import clock
from course.extensions import db
from course.learning.models import ModuleProgress, VideoActions, VideoProgress
from tests.learning.test_ingestion import talk  # noqa: F401 - the fixture

pytestmark = pytest.mark.usefixtures("talk")


def _r(value: float) -> float:
    """Sums taken in another order may differ in the last bits."""
    return round(value, 4)


def _kept(app) -> dict:
    with app.app_context():
        modules = {
            (r.user_id, r.module_id): (
                _r(r.active_seconds),
                r.started_at,
                r.last_activity_at,
            )
            for r in db.session.scalars(db.select(ModuleProgress))
        }
        videos = {
            (r.user_id, r.module_revision_id, r.video_key): (
                [[_r(a), _r(b)] for a, b in r.intervals],
                _r(r.watched_seconds),
                _r(r.transcript_seconds),
            )
            for r in db.session.scalars(db.select(VideoProgress))
        }
        actions = {
            (r.user_id, r.module_revision_id, r.video_key): (r.plays, r.pauses, r.seeks, r.ends)
            for r in db.session.scalars(db.select(VideoActions))
        }
    return {"modules": modules, "videos": videos, "actions": actions}


def _workload(app, seed, learners, login, post_events, ev, revision_of) -> None:
    """Batches at random moments: active time, overlapping segments, transcripts,
    pauses, in two modules, some resent, for each learner in turn."""
    rng = random.Random(seed)
    _, (key,) = revision_of("talk")
    start = clock.now_utc()
    for learner in learners:
        browser = app.test_client()
        assert login(learner, on=browser).status_code == 302
        sent: list[list[dict]] = []
        at = start
        for _ in range(12):
            at += timedelta(seconds=rng.choice((5, 15, 40, 400)))
            if rng.random() < 0.2 and sent:
                batch, slug = rng.choice(sent), "talk"
            elif rng.random() < 0.3:
                batch, slug = [ev("active", seconds=rng.randint(1, 90), at=at)], "intro"
            else:
                begin = rng.uniform(0, 580)
                batch = [
                    ev("active", seconds=rng.randint(1, 90), at=at),
                    ev(
                        "played",
                        video=key,
                        **{"from": begin, "to": min(600, begin + rng.uniform(1, 120))},
                        duration=600,
                        at=at,
                    ),
                    ev("transcript", video=key, seconds=rng.randint(1, 60), at=at),
                    ev("pause", video=key, position=begin, duration=600, at=at),
                ]
                slug = "talk"
                sent.append(batch)
            with clock.frozen(at):
                assert post_events(batch, slug=slug, on=browser).status_code == 200


@pytest.mark.parametrize("seed", [1, 2])
def test_a_rebuild_gives_back_what_ingestion_kept(
    app, runner, make_user, login, post_events, ev, revision_of, seed
):
    learners = [make_user("therapist"), make_user("therapist")]
    _workload(app, seed, learners, login, post_events, ev, revision_of)
    kept = _kept(app)
    assert kept["videos"] and len(kept["modules"]) == 4 and len(kept["actions"]) == 2
    ok = runner.invoke(args=["learning", "rebuild-progress", "--check"])
    assert ok.exit_code == 0, ok.output
    assert "0 differ from the log, 0 are missing" in ok.output

    # Drift: one learner's sums lost, union forgotten and pauses miscounted (2 modules,
    # 1 video, 1 row of actions), the other's progress rows deleted (2 modules).
    with app.app_context():
        db.session.execute(update(ModuleProgress).values(active_seconds=0))
        db.session.execute(
            update(VideoProgress)
            .where(VideoProgress.user_id == learners[0].id)
            .values(intervals=[], watched_seconds=0, transcript_seconds=7)
        )
        db.session.execute(
            update(VideoActions)
            .where(VideoActions.user_id == learners[0].id)
            .values(pauses=VideoActions.pauses + 5)
        )
        db.session.execute(delete(ModuleProgress).where(ModuleProgress.user_id == learners[1].id))
        db.session.commit()
    damaged = _kept(app)

    check = runner.invoke(args=["learning", "rebuild-progress", "--check"])
    assert check.exit_code == 1
    assert "4 differ from the log, 2 are missing" in check.output
    assert "active seconds kept 0, log" in check.output
    assert _kept(app) == damaged  # a check changes nothing

    done = runner.invoke(args=["learning", "rebuild-progress"])
    assert done.exit_code == 0, done.output
    assert "4 were brought into line with the log, 2 were missing and made" in done.output
    assert _kept(app) == kept
    again = runner.invoke(args=["learning", "rebuild-progress", "--check"])
    assert again.exit_code == 0 and "0 differ from the log, 0 are missing" in again.output
