"""Trainers' week and month calendars, in the viewer's zone across clock changes."""

from __future__ import annotations

from datetime import date, time

import pytest

from course.consultations import agenda


def _grid(app, view, day, zone):
    with app.app_context():
        return agenda.grid(view, day, zone)


def _times(grid) -> dict[date, list[str]]:
    return {d.day: [e.start for e in d.entries] for w in grid.weeks for d in w if d.entries}


def test_a_month_is_whole_weeks_monday_first_with_its_neighbours(app):
    grid = _grid(app, "month", date(2030, 1, 20), "America/Toronto")
    assert grid.weeks[0][0].day == date(2029, 12, 31) and grid.weeks[-1][-1].day == date(2030, 2, 3)
    assert all(len(w) == 7 for w in grid.weeks) and len(grid.weeks) == 5
    assert grid.weeks[0][0].outside and not grid.weeks[0][1].outside
    assert (grid.previous, grid.following) == (date(2029, 12, 1), date(2030, 2, 1))
    today = [d.day for w in grid.weeks for d in w if d.today]
    assert today == [date(2030, 1, 7)]  # the frozen clock: Monday 7 January, 09:00 in Toronto


def test_a_week_keeps_the_wall_clock_across_the_spring_change(app, make_series):
    # Mondays 10:00 in Toronto on 4 and 11 March 2030; the clocks go forward on 10 March.
    make_series(count=2, interval=7, days=56)
    toronto = _times(_grid(app, "week", date(2030, 3, 6), "America/Toronto"))
    assert toronto == {date(2030, 3, 4): ["10:00"]}
    assert _times(_grid(app, "week", date(2030, 3, 11), "America/Toronto")) == {
        date(2030, 3, 11): ["10:00"]
    }
    # London has not changed its clocks yet, so the second session is an hour earlier there.
    assert _times(_grid(app, "week", date(2030, 3, 4), "Europe/London")) == {
        date(2030, 3, 4): ["15:00"]
    }
    assert _times(_grid(app, "week", date(2030, 3, 11), "Europe/London")) == {
        date(2030, 3, 11): ["14:00"]
    }


def test_a_late_session_sits_on_the_viewers_own_day(app, make_slot):
    # Sunday 13 January, 23:00 in Toronto, is Monday 04:00 in UTC: the next week there.
    make_slot(days=6, start=time(23), end=time(23, 45))
    assert _times(_grid(app, "week", date(2030, 1, 7), "America/Toronto")) == {
        date(2030, 1, 13): ["23:00"]
    }
    assert _times(_grid(app, "week", date(2030, 1, 7), "UTC")) == {}
    assert _times(_grid(app, "week", date(2030, 1, 14), "UTC")) == {date(2030, 1, 14): ["04:00"]}


@pytest.mark.parametrize("view", ["week", "month"])
def test_the_page_is_a_table_of_days_with_previous_and_next(
    app, client, make_slot, trainer, login, view
):
    make_slot(days=1, title="Tuesday check-in")
    login(trainer)
    page = client.get(f"/consultations/{view}").get_data(True)
    assert page.count('<th scope="col"') == 7 and ">Monday</th>" in page
    assert "10:00\u201311:00" in page and "Tuesday check-in" in page
    assert f'rel="prev" href="/consultations/{view}?date=' in page
    assert f"Next {view}" in page and 'aria-current="date"' in page
    assert "America/Toronto".replace("_", " ") in page


def test_mine_leaves_out_other_trainers_sessions(app, client, make_slot, make_user, login):
    other = make_user("trainer", name="Olga Other", timezone="America/Toronto")
    make_slot(days=1, title="Tara's slot")
    login(other)
    assert "Tara&#39;s slot" in client.get("/consultations/week").get_data(True)
    assert "Tara&#39;s slot" not in client.get("/consultations/week?mine=1").get_data(True)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("date=2030-02-30", "is not a date"),
        ("date=1999-12-31", "2000 to 2100"),
        ("date=next-week", "is not a date"),
    ],
)
def test_a_bad_date_is_a_clear_400(client, trainer, login, query, message):
    login(trainer)
    response = client.get(f"/consultations/month?{query}")
    assert response.status_code == 400 and message in response.get_data(True)


@pytest.mark.parametrize("path", ["/consultations/week", "/consultations/month"])
def test_therapists_and_researchers_have_no_calendar(client, make_user, login, path):
    for role in ("therapist", "researcher"):
        login(make_user(role))
        assert client.get(path).status_code == 403
