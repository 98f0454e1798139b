"""In Chromium: a trainer schedules a group; the gate, booking, waiting list, attendance."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from course import clock
from course.consultations.times import wall_clock


@pytest.fixture
def complete_gate(complete_modules):
    """Mark the gate module complete, as finishing its reading, video and quiz would."""
    return lambda user: complete_modules(user, "intro")


def _sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def _invites(message) -> list[Calendar]:
    return [
        Calendar.from_ical(part.get_payload(decode=True)) for part in message.iter_attachments()
    ]


def test_group_booking_journey(
    page, app, make_user, sign_in, assert_accessible, course, complete_gate, outbox, mail_count
):
    trainer = make_user("trainer", name="Tess Trainer", timezone="America/Toronto")
    ana = make_user("therapist", arm="self_paced", name="Ana Gate", timezone="America/Vancouver")
    ben = make_user("therapist", arm="self_paced", name="Ben Wait", timezone="America/Halifax")
    complete_gate(ben)

    # The trainer schedules a group series of 10 sessions with one seat.
    sign_in(trainer)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Consultations").click()
    expect(page.get_by_role("heading", level=1, name="Consultations")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="New group series").click()
    assert_accessible(page)
    day = wall_clock(clock.now_utc(), "America/Toronto").date() + timedelta(days=3)
    page.get_by_label("Title").fill("Evening group")
    page.get_by_label("Date").fill(day.isoformat())
    page.get_by_label("Starts at").fill("18:00")
    page.get_by_label("Ends at").fill("19:00")
    page.get_by_label("Repeats").select_option("14")
    page.get_by_label("Number of sessions").fill("10")
    page.get_by_label("Seats").fill("1")
    page.get_by_label("Meeting link").fill("https://meet.example.org/evening")
    page.get_by_role("button", name="Create the series").click()
    expect(page.get_by_text("The group “Evening group” is scheduled.")).to_be_visible()
    expect(page.get_by_role("heading", level=1, name="Evening group")).to_be_visible()
    assert_accessible(page)
    _sign_out(page)

    # Ana has not completed the gate module: she sees why, and no button to join.
    sign_in(ana)
    expect(page.get_by_text("Complete: Introduction to tensions.", exact=True)).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Consultations").click()
    gate = page.get_by_role("region", name="Before you can book")
    expect(gate).to_contain_text("Complete “Introduction to tensions”")
    expect(page.get_by_role("button", name=re.compile("Join this group"))).to_have_count(0)
    assert_accessible(page)

    # After completing it she joins and receives the invites.
    complete_gate(ana)
    page.reload()
    expect(page.get_by_role("region", name="Before you can book")).to_have_count(0)
    # Her zone (Vancouver) first, the trainer's wall clock beside it.
    next_line = page.get_by_role("article", name="Evening group").get_by_text("Next:")
    expect(next_line).to_contain_text(re.compile(r"3:00\sPM to 4:00\sPM P"))  # Babel, English
    expect(next_line).to_contain_text(re.compile(r"\(6:00\sPM to 7:00\sPM E"))
    page.get_by_role("button", name="Join this group Evening group").click()
    expect(
        page.get_by_text("You joined Evening group: 10 sessions are booked for you.")
    ).to_be_visible()
    expect(page.get_by_text("You are in this group.")).to_be_visible()
    assert_accessible(page)
    (booked,) = mail_count(1)
    assert booked["To"] == ana.email and booked["Subject"] == "Booked: Evening group"
    calendars = _invites(booked)
    assert len(calendars) == 10
    assert {str(c["method"]) for c in calendars} == {"REQUEST"}
    page.goto("/consultations/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Calendar invite for Evening group (1 of 10) (.ics)").click()
    data = Path(download.value.path()).read_bytes()
    first = Calendar.from_ical(data).walk("VEVENT")[0]
    assert str(first["uid"]) == str(calendars[0].walk("VEVENT")[0]["uid"])
    first_start = first.decoded("dtstart")
    _sign_out(page)

    # Ben finds the group full and joins the waiting list.
    sign_in(ben)
    page.goto("/consultations/")
    group = page.get_by_role("article", name="Evening group")
    expect(group).to_contain_text("Full")
    group.get_by_role("button", name="Join the waiting list for Evening group").click()
    expect(
        page.get_by_text("You are number 1 on the waiting list for Evening group.")
    ).to_be_visible()
    assert_accessible(page)
    _sign_out(page)

    # Ana leaves (after confirming); Ben gets the seat and an e-mail.
    sign_in(ana)
    page.goto("/consultations/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Leave the group Evening group").click()
    expect(page.get_by_text("You left Evening group.")).to_be_visible()
    assert {m["To"]: m["Subject"] for m in mail_count(3)[1:]} == {
        ana.email: "Cancelled: Evening group",
        ben.email: "A seat is yours: Evening group",
    }
    cancel = next(m for m in outbox if m["To"] == ana.email and "Cancelled" in m["Subject"])
    assert {str(c["method"]) for c in _invites(cancel)} == {"CANCEL"}
    _sign_out(page)
    sign_in(ben)
    page.goto("/consultations/")
    expect(page.get_by_role("article", name="Evening group")).to_contain_text(
        "You are in this group."
    )
    _sign_out(page)

    # After the first session, the trainer records Ben's attendance.
    with clock.frozen(first_start + timedelta(hours=2)):
        sign_in(trainer)
        page.goto("/consultations/")
        page.get_by_role("link", name="Record attendance: Evening group (1 of 10)").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Attendance")
        assert_accessible(page)
        person = page.get_by_role("group", name="Ben Wait")
        person.get_by_label("Attended").check()
        person.get_by_label("Note shared with the therapist").fill("Welcome to the group.")
        person.get_by_label("Private trainer note").fill("Joined from the waiting list.")
        page.get_by_role("button", name="Save attendance").click()
        expect(page.get_by_text("Attendance saved for 1 therapist.")).to_be_visible()
        expect(page.get_by_role("cell", name="Attended")).to_be_visible()
        assert_accessible(page)


def test_trainer_records_workshop_attendance_which_opens_booking(
    page, make_user, sign_in, assert_accessible
):
    trainer = make_user("trainer", name="Tess Trainer")
    wren = make_user("therapist", arm="workshop", name="Wren Workshop")
    sign_in(trainer)
    page.goto("/consultations/")
    page.get_by_role("link", name="New individual slot").click()
    assert_accessible(page)
    page.goto("/consultations/")
    page.get_by_role("link", name="Workshop attendance").click()
    expect(page.get_by_text("at least 1 workshop day")).to_be_visible()
    page.get_by_label("Title").fill("Workshop day 1")
    page.get_by_label("Date").fill(wall_clock(clock.now_utc(), "UTC").date().isoformat())
    page.get_by_role("button", name="Add the day").click()
    expect(page.get_by_role("heading", level=1, name="Workshop day 1")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("group", name="Who attended").get_by_label("Wren Workshop").check()
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("Attendance saved: 1 added, 0 removed.")).to_be_visible()
    _sign_out(page)

    sign_in(wren)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Consultations").click()
    expect(page.get_by_role("region", name="Before you can book")).to_have_count(0)
    expect(page.get_by_role("heading", name="Consultation groups")).to_be_visible()
    assert_accessible(page)
