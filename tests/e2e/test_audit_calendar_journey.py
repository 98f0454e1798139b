"""In Chromium at 1280 and 390 px: an admin reads, filters and downloads the audit log; a
trainer moves through the week and month calendars by keyboard and reads a series roster."""

from __future__ import annotations

import csv
import io
from datetime import time, timedelta
from pathlib import Path

from playwright.sync_api import expect

from course import clock
from course.audit.services import record
from course.auth.models import User
from course.consultations import booking
from course.consultations.scheduling import Plan, create_series
from course.consultations.times import wall_clock
from course.extensions import db


def _widths(page, assert_accessible):
    """axe passes and nothing scrolls sideways at both widths."""
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page)
        assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    page.set_viewport_size({"width": 1280, "height": 900})


def _sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def _group(app, trainer, therapist) -> tuple[int, str]:
    """A weekly group of three from tomorrow at 10:00 in Toronto, with one therapist in it."""
    with app.app_context():
        lead = db.session.get(User, trainer.id)
        day = wall_clock(clock.now_utc(), "America/Toronto").date() + timedelta(days=1)
        plan = Plan(
            "Morning group with a long title that has to wrap",
            day,
            time(10),
            time(11),
            "America/Toronto",
            6,
            "https://meet.example.org/morning",
        )
        series = create_series(lead, plan, lead, None, 7, 3)
        db.session.commit()
        booking.join_series(db.session.get(User, therapist.id), series.id)
        db.session.commit()
        record(
            "research.exported",
            actor=lead,
            target="export",
            via="web",
            token=None,
            filters={"arm": None, "from": "2026-01-05", "include_free_text": False},
            rows=12,
        )
        db.session.commit()
        return series.id, day.isoformat()


def test_audit_log_and_trainer_calendar(page, app, make_user, sign_in, assert_accessible):
    admin = make_user("admin", name="Ada Admin", email="ada@example.org", timezone="Europe/Paris")
    trainer = make_user("trainer", name="Tess Trainer", timezone="America/Toronto")
    ana = make_user("therapist", name="Ana Booked", timezone="America/Vancouver")
    series, day = _group(app, trainer, ana)

    sign_in(admin)
    page.goto("/admin/audit")
    expect(page.get_by_role("heading", level=1, name="Audit log")).to_be_visible()
    entry = page.get_by_role("listitem").filter(has_text="Research data exported")
    expect(entry.get_by_text("From: 2026-01-05; Free text included: no")).to_be_visible()
    expect(page.get_by_text("None")).to_have_count(0)
    _widths(page, assert_accessible)
    page.get_by_label("Action").select_option(label="Research data exported")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("heading", name="1 entry")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as CSV (1 entry)").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert [r[2] for r in rows[1:]] == ["research.exported"]
    _sign_out(page)

    sign_in(trainer)
    page.goto("/consultations/")
    page.get_by_role("navigation", name="Calendar view").get_by_role("link", name="Week").click()
    expect(page.get_by_role("heading", level=1, name="Week of")).to_be_visible()
    page.goto(f"/consultations/week?date={day}")  # the week of the first session
    expect(page.get_by_role("columnheader", name="Monday")).to_be_visible()
    expect(page.get_by_text("10:00\u201311:00").first).to_be_visible()
    _widths(page, assert_accessible)
    heading = page.get_by_role("heading", level=1).inner_text()
    page.get_by_role("link", name="Next week").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).not_to_have_text(heading)
    page.get_by_role("link", name="Previous week").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    page.get_by_role("navigation", name="Calendar view").get_by_role("link", name="Month").click()
    expect(page.locator("table.cal-month tbody tr").first).to_be_visible()
    _widths(page, assert_accessible)

    page.goto(f"/consultations/series/{series}")
    page.get_by_role("link", name="Attendance roster").click()
    expect(page.get_by_role("rowheader", name="Ana Booked")).to_be_visible()
    expect(page.get_by_role("cell", name="Upcoming").first).to_be_visible()
    _widths(page, assert_accessible)
