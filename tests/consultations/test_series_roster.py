"""A group series' roster: everyone booked against every session, with attendance."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, select

from course import clock
from course.auth.models import User
from course.consultations import agenda, attendance, listing, rosters
from course.consultations.models import Booking
from course.extensions import db


def _mark(app, trainer_id, session_id, statuses: dict[int, str]):
    with app.app_context():
        bookings = db.session.execute(
            select(Booking.id, Booking.user_id).where(
                Booking.session_id == session_id, Booking.status == "booked"
            )
        ).all()
        marks = [attendance.Mark(b, statuses[u]) for b, u in bookings if u in statuses]
        attendance.record_attendance(db.session.get(User, trainer_id), session_id, marks)
        db.session.commit()


@pytest.fixture
def group(app, make_series, series_sessions, signed_in, post, trainer):
    """Three weekly sessions from Tuesday 8 January; Ann and Ben from the start, Cy later."""
    series = make_series(count=3, interval=7, days=1)
    sessions = series_sessions(series)
    people = {}
    for name in ("Ann Early", "Ben Early"):
        user, client = signed_in(name=name)
        assert post(client, f"/consultations/series/{series}/join").status_code == 302
        people[name] = user.id
    with clock.frozen(clock.now_utc() + timedelta(days=2)):
        user, client = signed_in(name="Cy Later")
        assert post(client, f"/consultations/series/{series}/join").status_code == 302
        people["Cy Later"] = user.id
    with clock.frozen(clock.now_utc() + timedelta(days=9)):
        _mark(
            app,
            trainer.id,
            sessions[0],
            {people["Ann Early"]: "attended", people["Ben Early"]: "no_show"},
        )
        _mark(app, trainer.id, sessions[1], {people["Cy Later"]: "excused"})
    return series, people


def _cells(page: str, name: str) -> list[str]:
    row = page.split(f'<th scope="row">{name}', 1)[1].split("</tr>", 1)[0]
    return [cell.split("</span>", 1)[1].split("</td>", 1)[0] for cell in row.split("<td")[1:]]


def test_everyone_booked_against_every_session(app, client, trainer, login, group):
    series, _ = group
    login(trainer)
    with clock.frozen(clock.now_utc() + timedelta(days=9)):  # after two of the three sessions
        page = client.get(f"/consultations/series/{series}/roster").get_data(True)
    assert "3 therapists \u00d7 3 sessions" in page
    assert _cells(page, "Ann Early") == ["Attended", "Not recorded", "Upcoming", "1 of 2 held"]
    assert _cells(page, "Ben Early") == ["No-show", "Not recorded", "Upcoming", "0 of 2 held"]
    assert _cells(page, "Cy Later") == ["Not booked", "Excused", "Upcoming", "0 of 1 held"]
    # On a phone each cell carries its session's label, as the cards have no column headers.
    assert '<span class="roster-label">#1, Tue, Jan 8: </span>' in page


def test_the_series_page_links_the_roster_for_staff_only(
    client, make_series, signed_in, trainer, login
):
    series = make_series()
    login(trainer)
    assert f"/consultations/series/{series}/roster" in client.get(
        f"/consultations/series/{series}"
    ).get_data(True)
    _, therapist = signed_in()
    assert therapist.get(f"/consultations/series/{series}/roster").status_code == 403
    assert "/roster" not in therapist.get(f"/consultations/series/{series}").get_data(True)


def test_an_unknown_or_empty_series(client, make_series, trainer, login):
    login(trainer)
    assert client.get("/consultations/series/99999/roster").status_code == 404
    page = client.get(f"/consultations/series/{make_series()}/roster").get_data(True)
    assert "Nobody is booked in this group yet." in page


def test_the_roster_and_a_month_are_one_query_each(app, group):
    series, _ = group
    statements: list[str] = []

    def note(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        sessions = listing.series_sessions(series)
        event.listen(db.engine, "before_cursor_execute", note)
        try:
            people = rosters.series_roster(sessions)
            grid = agenda.grid("month", sessions[0].starts_at.date(), "America/Toronto")
        finally:
            event.remove(db.engine, "before_cursor_execute", note)
    assert len(people) == 3 and grid.count >= 1
    assert len(statements) == 2
