"""Two tabs posting at once lose nothing (PostgreSQL: real concurrent transactions)."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from course.catalog.models import ModuleRevision
from course.extensions import db
from course.learning.models import ModuleProgress, ProgressEvent, VideoProgress
from course.learning.plausibility import FIRST_WINDOW

pytestmark = pytest.mark.postgres_only
TABS, BATCHES = 4, 25


def test_concurrent_batches_from_two_tabs_lose_nothing(
    app, make_user, login, course, csrf, revision_of, ev
):
    user = make_user("therapist")
    tabs = [app.test_client() for _ in range(TABS)]
    for tab in tabs:
        login(user, on=tab)
    tokens = [csrf(tab) for tab in tabs]
    revision, (key,) = revision_of("intro")
    with app.app_context():  # a long video, as the server measured it: 100 separate segments
        stored = db.session.get(ModuleRevision, revision)
        stored.videos = [{**video, "duration": 1000.0} for video in stored.videos]
        db.session.commit()

    def post(job):
        tab_index, batch_index = job
        tab = tabs[tab_index]
        start = batch_index * TABS * 2 + tab_index * 2  # a separate segment per batch
        events = [ev("active", seconds=1) for _ in range(5)] + [
            ev("played", video=key, **{"from": start, "to": start + 0.3}, duration=1000)
        ]
        response = tab.post(
            "/learning/events",
            json={"module": "intro", "revision": revision, "events": events},
            headers={"X-CSRFToken": tokens[tab_index]},
        )
        return response.status_code

    jobs = [(t, b) for b in range(BATCHES) for t in range(TABS)]
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(post, jobs))
    elapsed = time.monotonic() - started
    assert statuses == [200] * len(jobs)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(ProgressEvent.id))) == 6 * len(jobs)
        # The tabs claimed 500 s within a few seconds: one person is credited the time
        # that passed (plus the first window), and every credit reaches the total.
        credited = db.session.scalar(db.select(db.func.sum(ProgressEvent.credited_seconds)))
        total = db.session.scalar(db.select(ModuleProgress.active_seconds))
        assert total == pytest.approx(credited)
        assert 0 < total <= FIRST_WINDOW.total_seconds() + elapsed + 1
        video = db.session.scalar(db.select(VideoProgress))
        # One separate 0.3 s segment per batch: none may be lost to a concurrent rewrite.
        assert len(video.intervals) == len(jobs)
        assert round(video.watched_seconds, 2) == round(0.3 * len(jobs), 2)
