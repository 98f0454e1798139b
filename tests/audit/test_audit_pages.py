"""The audit log page says what happened in words, filters, pages and downloads as CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest

from course import clock
from course.audit.describe import details, target_label, value_text
from course.audit.models import AuditEntry
from course.audit.services import record
from course.extensions import db


def _entries(page: str) -> str:
    """The list of entries alone (the filter's options name every action too)."""
    return page.split('<ol class="audit-list"', 1)[-1].split("</ol>", 1)[0]


def _iso(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M %Z")


def test_details_are_labelled_values_without_the_empty_ones():
    pairs = details(
        {
            "via": "api",
            "token": None,
            "filters": {"arm": None, "from": "2026-01-05", "include_free_text": False},
            "rows": 12,
            "order": ["a", "b"],
        },
        _iso,
    )
    assert pairs == [
        ("Through", "api"),
        ("Filters", "From: 2026-01-05; Free text included: no"),
        ("Rows", "12"),
        ("New order", "a, b"),
    ]


def test_instants_in_details_are_shown_through_the_viewers_clock():
    assert (
        value_text(
            "2026-03-08T07:30:00Z", lambda v: clock.local(v, "America/Toronto").strftime("%H:%M %Z")
        )
        == "03:30 EDT"
    )
    assert target_label("user:12") == "Account 12" and target_label("weird") == "weird"


@pytest.fixture
def admin(make_user, login):
    person = make_user(
        "admin", email="boss@example.org", name="Bo Boss", timezone="America/Toronto"
    )
    login(person)
    return person


def test_the_page_reads_as_words_in_the_viewers_zone(app, client, admin):
    with app.app_context(), clock.frozen(datetime(2026, 7, 1, 16, 0, tzinfo=UTC)):
        record(
            "research.exported",
            target="export",
            via="web",
            token=None,
            filters={"arm": None, "include_free_text": True},
            rows=3,
        )
        db.session.commit()
    page = client.get("/admin/audit?action=research.exported").get_data(True)
    assert "Research data exported" in page
    assert "<dt>Through</dt><dd>web</dd>" in page
    assert "<dt>Filters</dt><dd>Free text included: yes</dd>" in page
    assert "1 Jul 2026, 12:00:00 EDT" in page  # 16:00 UTC in Toronto
    assert "None" not in page and "{&#39;" not in page and "{'" not in page
    assert "<table" not in page  # a list that wraps, not a table wider than a phone


def test_filters_by_family_target_and_local_dates(app, client, admin):
    with app.app_context():
        for day, action, target in (
            (datetime(2026, 2, 1, 3, 0, tzinfo=UTC), "consultations.booked", "session:4"),
            (datetime(2026, 2, 1, 6, 0, tzinfo=UTC), "consultations.cancelled", "session:41"),
            (datetime(2026, 2, 2, 12, 0, tzinfo=UTC), "content.published", "module:intro"),
        ):
            with clock.frozen(day):
                record(action, target=target)
        db.session.commit()

    def actions(query: str) -> set[str]:
        page = _entries(client.get(f"/admin/audit?{query}").get_data(True))
        return {a for a in ("Booked<", "Booking cancelled", "Content published") if a in page}

    assert actions("action=consultations.") == {"Booked<", "Booking cancelled"}
    assert actions("target=session:4") == {"Booked<"}
    assert actions("target=session:") == {"Booked<", "Booking cancelled"}
    # 03:00 UTC on 1 Feb is 22:00 on 31 Jan in Toronto, so it belongs to 31 January there.
    assert actions("since=2026-02-01&until=2026-02-01") == {"Booking cancelled"}
    assert actions("since=2026-01-31&until=2026-01-31") == {"Booked<"}
    response = client.get("/admin/audit?since=2026-02-02&until=2026-02-01")
    assert response.status_code == 400
    assert "The end date is before the start date." in response.get_data(True)


def test_the_list_is_paged(app, client, admin):
    with app.app_context():
        for n in range(55):
            record("test.paged", target=f"module:m{n}")
        db.session.commit()
    first = client.get("/admin/audit?action=test.paged").get_data(True)
    assert (
        "55 entries, page 1 of 2" in first and "Module m54" in first and "Module m0<" not in first
    )
    second = client.get("/admin/audit?action=test.paged&page=2").get_data(True)
    assert "Module m0<" in second
    assert client.get("/admin/audit?page=99999999999999999999").status_code == 200


def test_csv_is_filtered_neutralised_streamed_and_logged(app, client, admin):
    with app.app_context():
        record("test.csv", actor=None, target='=HYPERLINK("http://x")', reason="@SUM(1)")
        record("test.other", target="user:1")
        db.session.commit()
    response = client.get("/admin/audit.csv?action=test.csv", buffered=False)
    assert response.status_code == 200 and response.is_streamed
    assert (
        response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    )
    rows = list(csv.reader(io.StringIO(response.get_data(True))))
    assert rows[0][:4] == ["id", "at_utc", "action", "description"]
    assert len(rows) == 2 and rows[1][2] == "test.csv"
    assert rows[1][6] == '\'=HYPERLINK("http://x")'  # the target cannot run as a formula
    with app.app_context():
        logged = db.session.scalars(
            db.select(AuditEntry).where(AuditEntry.action == "admin.audit_exported")
        ).one()
        assert logged.details == {"filters": {"action": "test.csv"}}
    page = client.get("/admin/audit?action=admin.audit_exported").get_data(True)
    assert "Audit log downloaded" in page and "Bo Boss (boss@example.org)" in page


def test_csv_of_an_empty_selection_is_the_header(client, admin):
    text = client.get("/admin/audit.csv?target=nothing:here").get_data(True)
    assert text.splitlines() == [
        "id,at_utc,action,description,actor_email,actor_name,target,ip,details"
    ]


@pytest.mark.parametrize("role", ["therapist", "trainer", "researcher"])
@pytest.mark.parametrize("path", ["/admin/audit", "/admin/audit.csv"])
def test_only_admins_read_the_log(client, make_user, login, role, path):
    login(make_user(role))
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("query", ["since=0001-01-01", "until=9999-12-31", "action=%3Cscript%3E"])
def test_out_of_range_dates_and_unknown_actions_get_a_message(client, admin, query):
    response = client.get(f"/admin/audit?{query}")
    assert response.status_code == 400
    assert "between 2000 and 2100" in response.get_data(
        True
    ) or "Not a valid choice" in response.get_data(True)
    assert client.get(f"/admin/audit.csv?{query}").status_code == 400
