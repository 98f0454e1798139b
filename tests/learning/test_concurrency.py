"""Two tabs posting at once lose nothing (PostgreSQL: real concurrent transactions)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from course.extensions import db
from course.learning.models import ModuleProgress, ProgressEvent, VideoProgress

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
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(post, jobs))
    assert statuses == [200] * len(jobs)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(ProgressEvent.id))) == 6 * len(jobs)
        assert db.session.scalar(db.select(ModuleProgress.active_seconds)) == 5 * len(jobs)
        video = db.session.scalar(db.select(VideoProgress))
        # One separate 0.3 s segment per batch: none may be lost to a concurrent rewrite.
        assert len(video.intervals) == len(jobs)
        assert round(video.watched_seconds, 2) == round(0.3 * len(jobs), 2)
