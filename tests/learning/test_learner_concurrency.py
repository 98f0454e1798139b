"""Reminders and reading positions under real concurrent transactions (PostgreSQL)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from course import clock
from course.catalog.models import Module
from course.extensions import db
from course.learning.models import ModuleProgress, Nudge, ReadingPosition
from course.learning.nudges import send_nudges

pytestmark = pytest.mark.postgres_only


def test_two_reminder_runs_at_once_send_one_reminder(app, make_user, course, outbox):
    user = make_user("therapist", arm="self_paced")
    at = clock.now_utc() - timedelta(days=10)
    with app.app_context():
        module = db.session.scalar(db.select(Module).where(Module.slug == "intro"))
        db.session.add(
            ModuleProgress(
                user_id=user.id,
                module_id=module.id,
                started_at=at,
                last_activity_at=at,
                active_seconds=5.0,
            )
        )
        db.session.commit()
    barrier = threading.Barrier(4)

    def run(_):
        with app.app_context():
            barrier.wait()
            queued = send_nudges()
            db.session.commit()
            return queued

    with ThreadPoolExecutor(max_workers=4) as pool:
        queued = list(pool.map(run, range(4)))
    assert sum(queued) == 1
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Nudge.id))) == 1
    assert len(outbox) == 1


def test_positions_from_many_tabs_keep_one_row(app, make_user, login, course, csrf):
    user = make_user("therapist", arm="self_paced")
    tabs = [app.test_client() for _ in range(4)]
    for tab in tabs:
        login(user, on=tab)
    tokens = [csrf(tab) for tab in tabs]
    sections = ["sec-what-a-tension-is", "sec-why-it-matters"]

    def post(job):
        tab = job % len(tabs)
        return (
            tabs[tab]
            .post(
                "/learning/modules/intro/position",
                json={"section": sections[job % 2]},
                headers={"X-CSRFToken": tokens[tab]},
            )
            .status_code
        )

    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = list(pool.map(post, range(24)))
    assert statuses == [204] * 24
    with app.app_context():
        rows = db.session.scalars(db.select(ReadingPosition)).all()
        assert len(rows) == 1 and rows[0].anchor in sections
