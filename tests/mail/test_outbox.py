"""The outbox: e-mail is queued with the change that caused it and sent only after commit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import abort

from course import clock, create_app, mail
from course.extensions import db
from course.mail import MailError, OutboxMessage, queue_mail
from course.web.access import public


def _queue(to: str = "someone@example.org", subject: str = "Hello") -> int:
    return queue_mail(to, subject, "survey_due", name="Sam", due=None, link="http://localhost/x").id


def _rows(app) -> list[OutboxMessage]:
    with app.app_context():
        rows = db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id)).all()
        db.session.expunge_all()
    return rows


def test_nothing_leaves_before_the_commit_and_it_leaves_once_after(app, outbox):
    with app.app_context():
        _queue()
        assert outbox == []  # flushed, not committed
        db.session.commit()
        assert outbox == []  # committed: sent when this unit of work ends
    assert [m["Subject"] for m in outbox] == ["Hello"]
    (row,) = _rows(app)
    assert (row.status, row.attempts) == ("sent", 1) and row.sent_at is not None
    with app.app_context():
        assert mail.deliver().sent == 0  # nothing is sent twice


def test_a_rolled_back_transaction_sends_nothing(app, outbox):
    with app.app_context():
        _queue()
        db.session.rollback()
    assert outbox == [] and _rows(app) == []


@pytest.fixture
def own_app(settings):
    """An app of the test's own, with two routes that queue mail (routes cannot be added
    to the shared one)."""
    application = create_app(settings)

    @public
    def commits():
        _queue(subject="Committed")
        db.session.commit()
        return "ok"

    @public
    def refuses():
        _queue(subject="Refused")
        abort(409)  # the error page rolls back: the e-mail goes with the change

    application.add_url_rule("/commits", "commits", commits)
    application.add_url_rule("/refuses", "refuses", refuses)
    yield application
    with application.app_context():
        db.engine.dispose()


def test_a_request_sends_after_its_response_only_what_it_committed(own_app, outbox):
    client = own_app.test_client()
    response = client.get("/commits")
    assert outbox == []  # the response is not closed yet: the mail goes after it
    response.close()
    assert [m["Subject"] for m in outbox] == ["Committed"]
    refused = client.get("/refuses")
    refused.close()
    assert refused.status_code == 409
    assert [m["Subject"] for m in outbox] == ["Committed"]
    assert [r.subject for r in _rows(own_app)] == ["Committed"]


def _call(application, path: str):
    """Call the WSGI app as a server does; returns the body iterable, unread."""
    from werkzeug.test import EnvironBuilder

    environ = EnvironBuilder(path=path).get_environ()
    return application.wsgi_app(environ, lambda status, headers, exc_info=None: None)


def test_a_server_that_never_closes_the_body_still_sends_once_it_is_written(own_app, outbox):
    # Werkzeug's development server skips close() when the browser has already reset
    # the connection (after following a redirect): the mail must not wait for cron.
    body = _call(own_app, "/commits")
    assert outbox == []
    assert b"".join(body) == b"ok"  # written to the socket; close() never comes
    assert [m["Subject"] for m in outbox] == ["Committed"]
    body.close()  # and a late close() does not send it again
    assert len(outbox) == 1
    closed_unread = _call(own_app, "/commits")
    closed_unread.close()  # a HEAD, or a client gone before the body
    assert [m["Subject"] for m in outbox] == ["Committed", "Committed"]


def test_a_refusing_server_leaves_the_message_queued_with_back_off(app, outbox, runner):
    port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = 9  # nothing listens there
    with app.app_context():
        _queue()
        db.session.commit()
    (row,) = _rows(app)
    assert (row.status, row.attempts) == ("queued", 1)
    assert row.last_error and row.next_attempt_at > clock.now_utc()
    app.config["MAIL_PORT"] = port
    assert "0 sent" in runner.invoke(args=["mail", "send"]).output  # not due yet
    with clock.frozen(clock.now_utc() + timedelta(minutes=1, seconds=5)):
        result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 0 and "1 sent" in result.output
    assert len(outbox) == 1


def test_after_the_last_attempt_it_is_failed_and_an_admin_can_retry_it(
    app, outbox, runner, client, make_user, login, csrf
):
    port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = 9
    with app.app_context():
        message_id = _queue(subject="Stubborn")
        db.session.commit()
    later = clock.now_utc()
    for _ in range(mail.MAX_ATTEMPTS - 1):  # the first attempt was at the commit
        later += timedelta(hours=7)
        with clock.frozen(later):
            result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 1 and "1 given up" in result.output
    (row,) = _rows(app)
    assert (row.status, row.attempts) == ("failed", mail.MAX_ATTEMPTS)

    app.config["MAIL_PORT"] = port
    login(make_user("admin"))
    page = client.get("/admin/outbox?status=failed").get_data(as_text=True)
    assert "Stubborn" in page and "failed" in page
    response = client.post(
        "/admin/outbox/retry", data={"message": str(message_id), "csrf_token": csrf(client)}
    )
    assert response.status_code == 302
    assert [m["Subject"] for m in outbox] == ["Stubborn"]
    assert _rows(app)[0].status == "sent"


def test_an_abandoned_claim_is_sent_by_the_next_run(app, outbox, runner):
    with app.app_context():
        message_id = _queue()
        db.session.info.pop("outbox_pending")  # as if the sender died after committing
        db.session.commit()
        row = db.session.get(OutboxMessage, message_id)
        row.status, row.claimed_at = "sending", clock.now_utc()
        db.session.commit()
    assert "0 sent" in runner.invoke(args=["mail", "send"]).output  # another sender has it
    with clock.frozen(clock.now_utc() + timedelta(minutes=11)):
        assert "1 sent" in runner.invoke(args=["mail", "send"]).output
    assert len(outbox) == 1


def test_a_line_break_in_an_address_is_refused(app, outbox):
    with app.app_context(), pytest.raises(MailError, match="single line"):
        queue_mail("a@example.org\nBcc: b@x.org", "Hi", "survey_due", name="S", due=None, link="x")
    assert outbox == []


@pytest.mark.parametrize("subject", ["Hi\r\nBcc: victim@example.org", "Hi\u2028Bcc: v@x.org"])
def test_a_line_break_in_a_subject_cannot_add_a_header(app, outbox, subject):
    with app.app_context():
        queue_mail("a@example.org", subject, "survey_due", name="Sam", due=None, link="x")
        db.session.commit()
    (message,) = outbox
    assert message["Bcc"] is None and "victim" not in message["To"]
    assert message["Subject"].startswith("Hi Bcc: v")


@pytest.mark.parametrize("identity", ["therapist", "trainer", "researcher"])
def test_only_admins_see_the_outbox(client, make_user, login, identity):
    login(make_user(identity))
    assert client.get("/admin/outbox").status_code == 403
