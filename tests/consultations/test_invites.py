"""Invites: e-mailed over real SMTP with .ics files icalendar parses back; downloads."""

from __future__ import annotations

from datetime import UTC

from icalendar import Calendar
from sqlalchemy import select

from course import clock
from course.consultations.models import ConsultationSession
from course.extensions import db


def _calendars(message) -> list[Calendar]:
    found = []
    for part in message.iter_attachments():
        assert part.get_content_type() == "text/calendar"
        found.append(Calendar.from_ical(part.get_payload(decode=True)))
    return found


def _event(cal: Calendar):
    (event,) = cal.walk("VEVENT")
    return event


def test_booking_mail_arrives_with_a_valid_invite(app, signed_in, make_slot, post, outbox):
    slot = make_slot()
    user, client = signed_in(name="Vic Therapist", timezone="America/Vancouver")
    post(client, f"/consultations/sessions/{slot}/book")
    (message,) = outbox
    assert message["To"] == user.email
    body = message.get_body(("plain",)).get_content()
    assert "You are booked for Individual consultation" in body
    assert "https://meet.example.org/room-1" in body
    assert "for the trainer, America/Toronto" in body  # the zones differ
    (attachment,) = message.iter_attachments()
    assert attachment.get_param("method") == "REQUEST"
    (cal,) = _calendars(message)
    assert str(cal["method"]) == "REQUEST"
    event = _event(cal)
    assert str(event["uid"]) == f"session-{slot}@localhost"
    assert str(event["url"]) == str(event["location"]) == "https://meet.example.org/room-1"
    assert str(event["status"]) == "CONFIRMED"
    assert event["dtstart"].params["TZID"] == "America/Toronto"
    assert [tz["tzid"] for tz in cal.walk("VTIMEZONE")] == ["America/Toronto"]
    with app.app_context():
        stored = db.session.get(ConsultationSession, slot)
        assert event.decoded("dtstart").astimezone(UTC) == stored.starts_at
        assert event.decoded("dtend").astimezone(UTC) == stored.ends_at
        assert event["sequence"] == stored.sequence
    assert "mailto:" + user.email in str(event["attendee"]).lower()


def test_sequence_rises_on_change_and_cancel_sends_method_cancel(
    app, signed_in, make_slot, post, outbox, trainer
):
    from course.auth.models import User
    from course.consultations.changes import cancel_sessions

    slot = make_slot()
    _, client = signed_in()
    post(client, f"/consultations/sessions/{slot}/book")
    booked = _event(_calendars(outbox[-1])[0])
    with app.app_context():
        cancel_sessions(db.session.get(User, trainer.id), slot)  # queues the e-mails
        db.session.commit()  # they go out when the context ends
    (cal,) = _calendars(outbox[-1])
    assert str(cal["method"]) == "CANCEL"
    cancelled = _event(cal)
    assert str(cancelled["status"]) == "CANCELLED"
    assert str(cancelled["uid"]) == str(booked["uid"])
    assert cancelled["sequence"] > booked["sequence"]


def test_a_rebooking_after_cancelling_is_never_older_than_the_cancel(
    signed_in, make_slot, post, outbox
):
    slot = make_slot()
    _, client = signed_in()
    post(client, f"/consultations/sessions/{slot}/book")
    post(client, f"/consultations/sessions/{slot}/cancel-booking")
    post(client, f"/consultations/sessions/{slot}/book")
    sequences = [_event(_calendars(m)[0])["sequence"] for m in outbox]
    methods = [str(_calendars(m)[0]["method"]) for m in outbox]
    assert methods == ["REQUEST", "CANCEL", "REQUEST"]
    assert sequences == sorted(sequences) and sequences[2] > sequences[1]


def test_the_same_invite_downloads_from_the_page(app, signed_in, make_slot, post, trainer, login):
    slot = make_slot()
    _user, client = signed_in()
    _, other = signed_in()
    assert other.get(f"/consultations/sessions/{slot}/invite.ics").status_code == 404
    post(client, f"/consultations/sessions/{slot}/book")
    response = client.get(f"/consultations/sessions/{slot}/invite.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    event = _event(Calendar.from_ical(response.data))
    assert str(event["uid"]) == f"session-{slot}@localhost"
    staff = app.test_client()
    login(trainer, on=staff)
    assert staff.get(f"/consultations/sessions/{slot}/invite.ics").status_code == 200
    # After cancelling, the download is the cancellation.
    post(client, f"/consultations/sessions/{slot}/cancel-booking")
    cal = Calendar.from_ical(client.get(f"/consultations/sessions/{slot}/invite.ics").data)
    assert str(cal["method"]) == "CANCEL"


def test_a_group_member_downloads_all_sessions_at_once(
    signed_in, make_series, post, series_sessions
):
    series = make_series(count=3)
    _, client = signed_in()
    post(client, f"/consultations/series/{series}/join")
    cal = Calendar.from_ical(client.get(f"/consultations/series/{series}/invite.ics").data)
    assert str(cal["method"]) == "PUBLISH"
    uids = [str(e["uid"]) for e in cal.walk("VEVENT")]
    assert uids == [f"session-{i}@localhost" for i in series_sessions(series)]


def test_uid_uses_the_host_of_base_url(app, make_slot):
    from course.consultations.invites import calendar

    app.config["BASE_URL"] = "https://alliance.example.ca"
    slot = make_slot()
    with app.test_request_context(), app.app_context():
        session = db.session.scalar(
            select(ConsultationSession).where(ConsultationSession.id == slot)
        )
        cal = Calendar.from_ical(calendar([session], "REQUEST"))
    assert str(_event(cal)["uid"]) == f"session-{slot}@alliance.example.ca"
    assert _event(cal).decoded("dtstamp") == clock.now_utc()


def test_a_stored_title_with_a_line_break_adds_no_header_or_property(
    app, signed_in, make_slot, post, outbox
):
    slot = make_slot()
    with app.app_context():  # a row written before titles were checked as single-line
        session = db.session.get(ConsultationSession, slot)
        session.title = "Consultation\r\nBcc: victim@example.org\r\nATTENDEE:mailto:x@y.z"
        db.session.commit()
    _, client = signed_in()
    post(client, f"/consultations/sessions/{slot}/book")
    (message,) = outbox
    assert message["Bcc"] is None and "\n" not in message["Subject"]
    (part,) = message.iter_attachments()
    raw = part.get_payload(decode=True)
    assert b"\nATTENDEE:mailto:x@y.z" not in raw and b"\nBcc" not in raw
    event = _event(_calendars(message)[0])
    assert "victim" in str(event["summary"]) and "\n" not in str(event["summary"])
