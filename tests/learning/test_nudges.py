"""The reminder e-mail after a quiet spell: once per spell, only to those who can take the
course and have modules left, never to those who turned it off."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from course import clock
from course.catalog.models import Module
from course.extensions import db
from course.learning.models import ModuleProgress, Nudge
from course.learning.nudges import send_nudges


@pytest.fixture
def idle(app):
    """``idle(user, days, slug="intro")``: the learner last worked on a module days ago."""

    def make(user, days: float, slug: str = "intro") -> None:
        at = clock.now_utc() - timedelta(days=days)
        with app.app_context():
            module = db.session.scalar(db.select(Module).where(Module.slug == slug))
            row = db.session.scalar(
                db.select(ModuleProgress).where(
                    ModuleProgress.user_id == user.id, ModuleProgress.module_id == module.id
                )
            )
            if row is None:
                row = ModuleProgress(user_id=user.id, module_id=module.id, started_at=at)
                row.active_seconds = 10.0
                db.session.add(row)
            row.last_activity_at = at
            db.session.commit()

    return make


def _nudge(runner) -> str:
    result = runner.invoke(args=["learning", "nudge"])
    assert result.exit_code == 0, result.output
    return result.output


def test_an_idle_learner_gets_one_reminder_per_spell(app, runner, make_user, course, idle, outbox):
    user = make_user("therapist", arm="self_paced", name="Ida Idle")
    idle(user, days=8)
    assert "1 queued" in _nudge(runner)
    assert "0 queued" in _nudge(runner)  # the same spell: never twice
    assert len(outbox) == 1
    message = outbox[0]
    assert message["To"] == user.email
    body = message.get_content()
    assert "Hello Ida Idle" in body and "8 days" in body and "2 modules left" in body
    assert "http://localhost/learning/" in body
    assert re.search(r"http://localhost/learning/reminders/stop/\S+", body)
    idle(user, days=0)  # back at the course after the reminder...
    with app.app_context():
        assert send_nudges(clock.now_utc() + timedelta(days=3)) == 0
        assert send_nudges(clock.now_utc() + timedelta(days=8)) == 1  # ...then quiet again
        db.session.commit()
    assert len(outbox) == 2


def test_not_yet_idle_long_enough_or_setting_off(app, runner, make_user, course, idle, outbox):
    user = make_user("therapist", arm="self_paced")
    idle(user, days=6)
    assert "0 queued" in _nudge(runner)
    app.config["NUDGE_AFTER_DAYS"] = 0  # reminders off for the whole platform
    idle(user, days=30)
    assert "0 queued" in _nudge(runner)
    assert outbox == []


@pytest.mark.parametrize("arm", ["control", "workshop"])
def test_no_reminder_to_those_who_cannot_take_the_course(
    runner, make_user, course, idle, outbox, arm
):
    idle(make_user("therapist", arm=arm), days=10)
    assert "0 queued" in _nudge(runner)
    assert outbox == []


def test_no_reminder_awaiting_allocation_or_inactive_or_staff(
    app, runner, make_user, course, idle, outbox
):
    from course.auth.models import User

    waiting = make_user("therapist", arm="self_paced")
    gone = make_user("therapist", arm="self_paced", active=False)
    trainer = make_user("trainer")
    with app.app_context():
        # As before allocation: no arm, so no course (only the allocation service writes
        # the arm; a direct UPDATE stands in for an account not yet allocated).
        db.session.execute(db.update(User).where(User.id == waiting.id).values(arm=None))
        db.session.commit()
    for person in (waiting, gone, trainer):
        idle(person, days=10)
    assert "0 queued" in _nudge(runner)
    assert outbox == []


def test_no_reminder_once_every_module_is_complete(
    runner, make_user, course, complete_modules, outbox
):
    user = make_user("therapist", arm="self_paced")
    long_ago = clock.now_utc() - timedelta(days=20)
    complete_modules(user, "intro", "next", at=long_ago)
    assert "0 queued" in _nudge(runner)
    assert outbox == []


def test_the_learner_turns_reminders_off_on_the_account_page(
    client, csrf, login, runner, make_user, course, idle, outbox
):
    user = make_user("therapist", arm="self_paced")
    login(user)
    page = client.get("/auth/account").get_data(as_text=True)
    assert "Course reminders" in page and 'id="nudges-on" name="nudges" value="on" checked' in page
    response = client.post(
        "/learning/reminders", data={"nudges": "off", "csrf_token": csrf(client)}
    )
    assert response.status_code == 302
    assert 'id="nudges-off" name="nudges" value="off" checked' in client.get(
        "/auth/account"
    ).get_data(as_text=True)
    idle(user, days=10)
    assert "0 queued" in _nudge(runner)
    client.post("/learning/reminders", data={"nudges": "maybe", "csrf_token": csrf(client)})
    assert "Choose whether" in client.get("/auth/account").get_data(as_text=True)


def test_the_stop_link_in_the_mail_turns_reminders_off_after_a_confirmation(
    app, runner, make_user, course, idle, outbox, csrf
):
    user = make_user("therapist", arm="self_paced")
    idle(user, days=8)
    _nudge(runner)
    link = re.search(r"http://localhost(/learning/reminders/stop/\S+)", outbox[0].get_content())
    anonymous = app.test_client()
    page = anonymous.get(link.group(1))
    assert page.status_code == 200 and "Stop the reminders" in page.get_data(as_text=True)
    done = anonymous.post(link.group(1), data={"csrf_token": csrf(anonymous)})
    assert "Reminders stopped" in done.get_data(as_text=True)
    idle(user, days=9)
    assert "0 queued" in _nudge(runner)
    assert anonymous.get("/learning/reminders/stop/forged-token").status_code == 404
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Nudge.id))) == 1
