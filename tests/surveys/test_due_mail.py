"""A survey that becomes due is announced by e-mail once, whatever triggers the check."""

from __future__ import annotations

import uuid
from datetime import timedelta

from course import clock
from course.catalog.models import Module
from course.extensions import db
from course.mail import OutboxMessage
from course.surveys.models import SurveyNotice
from course.surveys.services import notify_due


def _post_active(client, csrf, app, slug: str, seconds: float):
    with app.app_context():
        revision = db.session.scalar(db.select(Module).where(Module.slug == slug)).published.id
    event = {"id": uuid.uuid4().hex, "type": "active", "at": clock.now_utc().isoformat(),
             "seconds": seconds}  # fmt: skip
    body = {"module": slug, "revision": revision, "events": [event]}
    return client.post("/learning/events", json=body, headers={"X-CSRFToken": csrf(client)})


def test_finishing_the_course_e_mails_the_survey_once(
    app, client, csrf, make_user, login, survey_course, complete, outbox
):
    therapist = make_user("therapist", name="Dana Smith")
    complete(therapist, "intro")
    login(therapist)
    # `next` needs 30 active seconds; completing it finishes the course.
    response = _post_active(client, csrf, app, "next", 40)
    assert response.status_code == 200 and response.get_json()["complete"] is True
    subjects = sorted(m["Subject"] for m in outbox)
    # `intro` was completed outside the learning flow, so its survey is announced now too.
    assert subjects == [
        "A short survey is waiting for you: Acceptability of Intervention Measure (AIM)",
        "A short survey is waiting for you: Post-course acceptability survey",
    ]
    mail = next(m for m in outbox if "Post-course" in m["Subject"])
    body = mail.get_content()
    assert "Hello Dana Smith" in body and "You finished the course." in body
    assert "http://localhost/surveys/acceptability/after_course" in body
    assert mail["To"] == therapist.email

    _post_active(client, csrf, app, "next", 40)  # more activity: nothing new is due
    with app.app_context():
        user = db.session.get(type(therapist), therapist.id)
        assert notify_due(user) == 0
        notices = db.session.scalars(db.select(SurveyNotice)).all()
    assert len(outbox) == 2
    assert {(n.survey, n.trigger) for n in notices} == {
        ("acceptability", "after_course"),
        ("aim", "after_module:intro"),
    }
    assert all(n.emailed_at is not None for n in notices)


def test_notify_command_sends_what_is_due_and_is_idempotent(
    app, runner, make_user, survey_course, complete, outbox
):
    done, idle = make_user("therapist"), make_user("therapist")
    complete(done, "intro", "next")
    first = runner.invoke(args=["surveys", "notify"])
    assert first.exit_code == 0, first.output
    assert "Sent 2 survey e-mail(s)" in first.output
    assert {m["To"] for m in outbox} == {done.email} and idle.email not in str(outbox)
    again = runner.invoke(args=["surveys", "notify"])
    assert "Sent 0 survey e-mail(s)" in again.output and len(outbox) == 2


def test_a_course_without_a_schedule_sends_nothing(
    app, client, csrf, make_user, login, course, outbox
):
    therapist = make_user("therapist")
    with app.app_context():
        user = db.session.get(type(therapist), therapist.id)
        assert notify_due(user) == 0
    assert outbox == []


def test_a_refused_send_does_not_break_progress_and_is_sent_on_retry(
    app, client, csrf, runner, make_user, login, survey_course, complete, outbox
):
    port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = 1  # nothing listens there: the mail server refuses
    therapist = make_user("therapist")
    complete(therapist, "intro")
    login(therapist)
    response = _post_active(client, csrf, app, "next", 40)
    assert response.status_code == 200 and response.get_json()["complete"] is True
    assert outbox == []
    with app.app_context():
        waiting = db.session.scalars(db.select(OutboxMessage)).all()
        assert len(waiting) == 2 and all(m.status == "queued" for m in waiting)
        assert all(m.attempts == 1 and m.last_error for m in waiting)
        assert db.session.scalar(db.select(db.func.count(SurveyNotice.id))) == 2

    app.config["MAIL_PORT"] = port
    with clock.frozen(clock.now_utc() + timedelta(minutes=2)):
        result = runner.invoke(args=["mail", "send"])
    assert "2 sent" in result.output, result.output
    assert sorted(m["To"] for m in outbox) == [therapist.email, therapist.email]
    with clock.frozen(clock.now_utc() + timedelta(hours=1)):
        assert "0 sent" in runner.invoke(args=["mail", "send"]).output  # sent once only
