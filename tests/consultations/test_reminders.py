"""`consultations remind`: due reminders go out once, over SMTP; a second run sends nothing."""

from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar

from course import clock
from course.consultations.models import BookingReminder
from course.extensions import db
from course.mail import OutboxMessage


def test_remind_sends_each_due_reminder_once(
    runner, signed_in, make_slot, make_series, post, outbox, db_count
):
    soon, later = make_slot(days=1), make_slot(days=6)
    series = make_series(days=1, count=2)
    _, client = signed_in(name="Rae Reminded")
    post(client, f"/consultations/sessions/{soon}/book")
    post(client, f"/consultations/sessions/{later}/book")
    _, other = signed_in()
    post(other, f"/consultations/series/{series}/join")
    outbox.clear()

    with clock.frozen(clock.now_utc() + timedelta(hours=12)):
        first = runner.invoke(args=["consultations", "remind"])
        second = runner.invoke(args=["consultations", "remind"])
    assert first.exit_code == 0, first.output
    assert "Reminders: 2 sent, 0 already sent." in first.output
    assert "Reminders: 0 sent" in second.output
    assert sorted(m["Subject"] for m in outbox) == [
        "Reminder: Individual consultation",
        "Reminder: Tuesday group",
    ]
    cal = Calendar.from_ical(next(outbox[0].iter_attachments()).get_payload(decode=True))
    assert cal.walk("VEVENT")
    assert db_count(BookingReminder) == 2


def test_nothing_is_due_far_ahead_or_for_cancelled_bookings(
    runner, signed_in, make_slot, post, outbox
):
    slot = make_slot(days=3)
    _, client = signed_in()
    post(client, f"/consultations/sessions/{slot}/book")
    assert "0 sent" in runner.invoke(args=["consultations", "remind"]).output
    post(client, f"/consultations/sessions/{slot}/cancel-booking")
    outbox.clear()
    with clock.frozen(clock.now_utc() + timedelta(days=2, hours=12)):
        assert "0 sent" in runner.invoke(args=["consultations", "remind"]).output
    assert outbox == []


def test_a_refused_send_waits_in_the_outbox_and_goes_out_on_retry(
    app, runner, signed_in, make_slot, post, outbox, db_count
):
    slot = make_slot(days=1, hour=8)  # 23 hours ahead
    _, client = signed_in()
    post(client, f"/consultations/sessions/{slot}/book")
    outbox.clear()
    port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = 9  # nothing listens there
    queued = runner.invoke(args=["consultations", "remind"])
    assert queued.exit_code == 0 and "1 sent" in queued.output
    assert db_count(BookingReminder) == 1 and outbox == []
    with app.app_context():
        (waiting,) = db.session.scalars(
            db.select(OutboxMessage).where(OutboxMessage.template == "consultation_reminder")
        ).all()
        assert (waiting.status, waiting.attempts) == ("queued", 1)
        assert waiting.last_error and waiting.next_attempt_at > clock.now_utc()

    app.config["MAIL_PORT"] = port
    assert "0 sent, 0 to retry" in runner.invoke(args=["mail", "send"]).output  # backing off
    with clock.frozen(clock.now_utc() + timedelta(minutes=2)):
        retried = runner.invoke(args=["mail", "send"])
    assert "1 sent, 0 to retry later, 0 given up" in retried.output, retried.output
    assert [m["Subject"] for m in outbox] == ["Reminder: Individual consultation"]
    assert "0 sent" in runner.invoke(args=["consultations", "remind"]).output  # never twice
    assert len(outbox) == 1
