"""Trainers schedule series and slots; bad input changes nothing; changes reach the booked."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from course import clock
from course.consultations.models import ConsultationSeries, ConsultationSession
from course.consultations.times import wall_clock
from course.extensions import db


def _form(person, **changes) -> dict:
    day = wall_clock(clock.now_utc(), "America/Toronto").date() + timedelta(days=7)
    form = {
        "title": "Monday group",
        "trainer": str(person.id),
        "co_trainer": "",
        "timezone": "America/Toronto",
        "start_date": day.isoformat(),
        "start_time": "13:00",
        "end_time": "14:00",
        "interval_days": "14",
        "count": "10",
        "capacity": "6",
        "meeting_url": "https://meet.example.org/monday",
        "notes": "",
    }
    form.update(changes)
    return form


def test_trainer_creates_a_group_series_through_the_form(app, signed_in, post, make_user):
    co = make_user("trainer", name="Cody Co")
    user, client = signed_in("trainer", name="Lee Lead")
    page = client.get("/consultations/series/new").get_data(as_text=True)
    assert 'value="6"' in page  # capacity defaults to 6
    response = post(client, "/consultations/series/new", **_form(user, co_trainer=str(co.id)))
    assert response.status_code == 302
    with app.app_context():
        series = db.session.scalar(select(ConsultationSeries))
        starts = [s.starts_at for s in series.sessions]
        assert len(starts) == 10 and series.capacity == 6
        assert {b - a for a, b in itertools.pairwise(starts)} <= {
            timedelta(days=14),
            timedelta(days=14, hours=1),
            timedelta(days=14, hours=-1),
        }
        assert {wall_clock(s, "America/Toronto").hour for s in starts} == {13}
        assert series.sessions[0].co_trainer_id == co.id
    page = client.get(response.location).get_data(as_text=True)
    assert "Lee Lead and Cody Co" in page and "10 sessions, every two weeks" in page
    calendar = client.get("/consultations/").get_data(as_text=True)
    assert "Monday group (1 of 10)" in calendar and "0 of 6 seats booked" in calendar


def test_trainer_creates_an_individual_slot(app, signed_in, post):
    user, client = signed_in("trainer")
    form = _form(user, title="Individual consultation", capacity="1")
    response = post(client, "/consultations/slots/new", **form)
    assert response.status_code == 302
    with app.app_context():
        (slot,) = db.session.scalars(select(ConsultationSession)).all()
        assert (slot.kind, slot.capacity, slot.series_id) == ("individual", 1, None)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"start_date": "2020-01-06"}, "That start time is in the past."),
        ({"capacity": "0"}, "Capacity must be between 1 and 50 seats."),
        ({"end_time": "12:00"}, "The session must end after it starts."),
        ({"end_time": "13:00"}, "The session must end after it starts."),
        ({"meeting_url": "http://meet.example.org/x"}, "must be an https:// address"),
        ({"meeting_url": "javascript:alert(1)"}, "must be an https:// address"),
        ({"count": "0"}, "A series has 1 to 52 sessions."),
        ({"trainer": "999"}, "Not a valid choice"),
        ({"start_time": ""}, "Give the start time."),
    ],
)
def test_bad_series_input_gets_a_clear_message_and_changes_nothing(
    signed_in, post, db_count, changes, message
):
    user, client = signed_in("trainer")
    response = post(client, "/consultations/series/new", **_form(user, **changes))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db_count(ConsultationSeries) == 0 and db_count(ConsultationSession) == 0


def test_co_trainer_must_differ(signed_in, post, db_count):
    user, client = signed_in("trainer")
    response = post(client, "/consultations/series/new", **_form(user, co_trainer=str(user.id)))
    assert response.status_code == 400
    assert "The co-facilitator must be a different trainer." in response.get_data(as_text=True)
    assert db_count(ConsultationSeries) == 0


def test_a_time_the_clocks_skip_is_refused(signed_in, post, db_count):
    user, client = signed_in("trainer")
    year = clock.now_utc().year + 1
    response = post(
        client,
        "/consultations/series/new",
        **_form(
            user,
            start_date=f"{year}-03-{_second_sunday(year, 3):02d}",
            start_time="02:30",
            end_time="03:30",
        ),
    )
    assert response.status_code == 400
    assert "the clocks go forward that night" in response.get_data(as_text=True)
    assert db_count(ConsultationSession) == 0


def _first_sunday(year: int, month: int) -> int:
    from calendar import SUNDAY, monthcalendar

    return next(w[SUNDAY] for w in monthcalendar(year, month) if w[SUNDAY])


def test_a_time_that_happens_twice_asks_which_one_is_meant(app, signed_in, post, db_count):
    user, client = signed_in("trainer")
    year = clock.now_utc().year + 1
    day = f"{year}-11-{_first_sunday(year, 11):02d}"  # the clocks go back at 02:00 EDT
    form = _form(user, start_date=day, start_time="01:30", end_time="01:45", count="1")
    asked = post(client, "/consultations/series/new", **form)
    page = asked.get_data(as_text=True)
    assert asked.status_code == 400 and "happens twice in America/Toronto" in page
    assert "The second time (after the clocks go back)" in page  # the choice appears
    assert db_count(ConsultationSession) == 0
    chosen = post(client, "/consultations/series/new", **form, occurrence="second")
    assert chosen.status_code == 302
    with app.app_context():
        (session,) = db.session.scalars(select(ConsultationSession)).all()
        assert session.starts_at.astimezone(UTC).hour == 6  # 01:30 EST, not 05:30 (EDT)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": "Group\r\nBcc: victim@example.org"}, "Keep the title on one line"),
        ({"title": "Group\u2028two"}, "Keep the title on one line"),
        ({"meeting_url": "http://meet.example.org/x"}, "must be an https:// address"),
        ({"meeting_url": "https://user:pw@meet.example.org/x"}, "must be an https:// address"),
        ({"meeting_url": "https://meet.example.org/x\nBcc: a@b.c"}, "must be an https:// address"),
        ({"meeting_url": "https://localhost/x"}, "must be an https:// address"),
        ({"meeting_url": "https://meet.example.org:99999/x"}, "must be an https:// address"),
        ({"meeting_url": "javascript:alert(1)//https://x.org"}, "must be an https:// address"),
        ({"start_date": "9999-12-31"}, "up to two years ahead"),
        ({"start_date": "0001-01-01"}, "in the past"),
    ],
)
def test_bad_titles_links_and_dates_are_refused_with_a_message(
    signed_in, post, db_count, changes, message
):
    user, client = signed_in("trainer")
    for path in ("/consultations/series/new", "/consultations/slots/new"):
        response = post(client, path, **_form(user, **changes))
        assert response.status_code == 400, path
        assert message in response.get_data(as_text=True), path
    assert db_count(ConsultationSession) == 0


def test_a_series_may_not_run_past_the_horizon(signed_in, post, db_count):
    user, client = signed_in("trainer")
    response = post(
        client, "/consultations/series/new", **_form(user, count="52", interval_days="28")
    )
    assert response.status_code == 400 and "up to two years ahead" in response.get_data(
        as_text=True
    )
    assert db_count(ConsultationSeries) == 0


def test_an_international_meeting_host_is_accepted(app, signed_in, post):
    user, client = signed_in("trainer")
    response = post(
        client,
        "/consultations/slots/new",
        **_form(user, meeting_url="https://réunion.example.ca/a"),
    )
    assert response.status_code == 302


def _second_sunday(year: int, month: int) -> int:
    from calendar import SUNDAY, monthcalendar

    return [w[SUNDAY] for w in monthcalendar(year, month) if w[SUNDAY]][1]


def test_trainer_pages_are_for_trainers_and_admins(signed_in):
    for role, status in (("therapist", 403), ("researcher", 403), ("trainer", 200), ("admin", 200)):
        _, client = signed_in(role)
        assert client.get("/consultations/series/new").status_code == status
        assert client.get("/consultations/slots/new").status_code == status
        assert client.get("/consultations/workshop").status_code == status


def test_changing_one_session_tells_the_booked_and_raises_the_sequence(
    app, signed_in, make_series, series_sessions, post, outbox, trainer, login
):
    series = make_series(count=3)
    first, second, third = series_sessions(series)
    member, member_client = signed_in()
    post(member_client, f"/consultations/series/{series}/join")
    with app.app_context():
        before = {
            s.id: (s.sequence, s.starts_at) for s in db.session.scalars(select(ConsultationSession))
        }
    staff = app.test_client()
    login(trainer, on=staff)
    form = staff.get(f"/consultations/sessions/{second}/edit").get_data(as_text=True)
    assert 'value="10:00"' in form
    outbox.clear()
    day = wall_clock(before[second][1], "America/Toronto").date()
    response = post(
        staff,
        f"/consultations/sessions/{second}/edit",
        title="Tuesday group",
        timezone="America/Toronto",
        start_date=day.isoformat(),
        start_time="11:30",
        end_time="12:30",
        capacity="6",
        meeting_url="https://meet.example.org/new-room",
        notes="",
        scope="one",
    )
    assert response.status_code == 302
    with app.app_context():
        after = {s.id: s for s in db.session.scalars(select(ConsultationSession))}
        assert after[second].sequence == before[second][0] + 1
        assert after[second].starts_at == before[second][1] + timedelta(minutes=90)
        assert after[second].meeting_url == "https://meet.example.org/new-room"
        assert after[third].starts_at == before[third][1]  # only this one
        assert after[first].sequence == before[first][0]
    (message,) = outbox
    assert message["To"] == member.email and message["Subject"] == "Changed: Tuesday group"


def test_changing_the_rest_of_a_series_moves_the_later_sessions(
    app, make_series, series_sessions, trainer
):
    from course.auth.models import User
    from course.consultations.changes import change_sessions

    series = make_series(count=4)
    ids = series_sessions(series)
    with app.test_request_context(), app.app_context():
        sessions = [db.session.get(ConsultationSession, i) for i in ids]
        old = [s.starts_at for s in sessions]
        start = wall_clock(old[1], "America/Toronto")
        plan_ = _plan(start.date(), "09:00", "10:30", capacity=8)
        change_sessions(db.session.get(User, trainer.id), ids[1], plan_, "rest")
        db.session.commit()
        new = [db.session.get(ConsultationSession, i) for i in ids]
        assert new[0].starts_at == old[0]
        assert [wall_clock(s.starts_at, "America/Toronto").hour for s in new[1:]] == [9, 9, 9]
        assert {s.ends_at - s.starts_at for s in new[1:]} == {timedelta(minutes=90)}
        assert [s.capacity for s in new] == [6, 8, 8, 8]


def test_capacity_cannot_drop_below_the_seats_taken(
    app, signed_in, make_slot, post, trainer, login, seats
):
    slot = make_slot(capacity=2)
    for _ in range(2):
        _, client = signed_in()
        post(client, f"/consultations/sessions/{slot}/book")
    staff = app.test_client()
    login(trainer, on=staff)
    with app.app_context():
        s = db.session.get(ConsultationSession, slot)
        start = wall_clock(s.starts_at, s.timezone)
    response = post(
        staff,
        f"/consultations/sessions/{slot}/edit",
        title="Individual consultation",
        timezone="America/Toronto",
        start_date=start.date().isoformat(),
        start_time="10:00",
        end_time="11:00",
        capacity="1",
        meeting_url="https://meet.example.org/room-1",
    )
    assert response.status_code == 400
    assert "the capacity cannot be lower than that" in response.get_data(as_text=True)
    assert seats(slot) == (2, 2)


def test_cancelling_the_rest_of_a_series_tells_everyone_booked(
    app, signed_in, make_series, series_sessions, post, outbox, trainer, login, seats
):
    series = make_series(count=3)
    ids = series_sessions(series)
    people = [signed_in() for _ in range(2)]
    for _, client in people:
        post(client, f"/consultations/series/{series}/join")
    staff = app.test_client()
    login(trainer, on=staff)
    assert staff.get(f"/consultations/sessions/{ids[1]}/cancel").status_code == 200
    outbox.clear()
    response = post(
        staff, f"/consultations/sessions/{ids[1]}/cancel", scope="rest", message="Sorry."
    )
    assert response.status_code == 302
    assert [seats(i) for i in ids] == [(2, 2), (0, 0), (0, 0)]
    assert sorted(m["To"] for m in outbox) == sorted(u.email for u, _ in people)
    body = outbox[0].get_body(("plain",)).get_content()
    assert "The trainers cancelled" in body and "Sorry." in body
    assert len(list(outbox[0].iter_attachments())) == 2


def _plan(day, start, end, **fields):
    from datetime import time

    from course.consultations.scheduling import Plan

    values = {
        "title": "Tuesday group",
        "day": day,
        "start": time.fromisoformat(start),
        "end": time.fromisoformat(end),
        "timezone": "America/Toronto",
        "capacity": 6,
        "meeting_url": "https://meet.example.org/room-1",
    }
    values.update(fields)
    return Plan(**values)


def test_a_vancouver_therapist_books_a_halifax_trainer_across_the_november_change(
    app, make_user, signed_in, post
):
    """Halifax 10:00 stays 10:00 after 2 Nov 2025; Vancouver sees 06:00 both sides."""
    from datetime import date

    from course.auth.models import User
    from course.consultations.scheduling import create_series

    halifax = make_user("trainer", name="Hal Trainer", timezone="America/Halifax")
    with clock.frozen(datetime(2025, 10, 1, 12, tzinfo=UTC)):
        with app.test_request_context(), app.app_context():
            plan_ = _plan(date(2025, 10, 21), "10:00", "11:00", timezone="America/Halifax")
            actor = db.session.get(User, halifax.id)
            series = create_series(actor, plan_, actor, None, 14, 3).id
            db.session.commit()
        _user, client = signed_in(timezone="America/Vancouver")
        assert post(client, f"/consultations/series/{series}/join").status_code == 302
        with app.app_context():
            starts = [
                s.starts_at
                for s in db.session.scalar(
                    select(ConsultationSeries).where(ConsultationSeries.id == series)
                ).sessions
            ]
        assert starts == [
            datetime(2025, 10, 21, 13, tzinfo=UTC),  # 10:00 ADT (UTC-3)
            datetime(2025, 11, 4, 14, tzinfo=UTC),  # 10:00 AST (UTC-4)
            datetime(2025, 11, 18, 14, tzinfo=UTC),
        ]
        page = client.get(f"/consultations/series/{series}").get_data(as_text=True)
    page = page.replace("\u202f", " ")  # Babel's English times: "6:00\u202fAM"
    assert (
        "Tue, Oct 21, 2025, 6:00 AM to 7:00 AM PDT (10:00 AM to 11:00 AM ADT for the trainer"
        in page
    )
    assert (
        "Tue, Nov 4, 2025, 6:00 AM to 7:00 AM PST (10:00 AM to 11:00 AM AST for the trainer" in page
    )


def test_a_session_stored_in_a_legacy_zone_can_be_changed_and_keeps_it(
    app, make_slot, post, trainer, login
):
    slot = make_slot(tz="Canada/Eastern")
    staff = app.test_client()
    login(trainer, on=staff)
    form = staff.get(f"/consultations/sessions/{slot}/edit").get_data(as_text=True)
    assert '<option selected value="Canada/Eastern">Canada/Eastern (as saved)</option>' in form
    assert form.count('value="Canada/Eastern"') == 1
    with app.app_context():
        start = wall_clock(db.session.get(ConsultationSession, slot).starts_at, "Canada/Eastern")
    fields = {
        "title": "Renamed consultation",
        "start_date": start.date().isoformat(),
        "start_time": "10:00",
        "end_time": "11:00",
        "capacity": "1",
        "meeting_url": "https://meet.example.org/room-1",
    }
    response = post(
        staff, f"/consultations/sessions/{slot}/edit", timezone="Canada/Eastern", **fields
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(ConsultationSession, slot).timezone == "Canada/Eastern"
    other = post(staff, f"/consultations/sessions/{slot}/edit", timezone="US/Pacific", **fields)
    assert other.status_code == 400 and "Not a valid choice" in other.get_data(as_text=True)
