"""The booking gate: modules for self-paced and open, workshop attendance, control closed."""

from __future__ import annotations

from datetime import date

import pytest

from course.consultations.gate import booking_gate
from course.consultations.models import Booking, WaitlistEntry
from course.extensions import db


def _gate(app, user):
    from course.auth.models import User

    with app.test_request_context(), app.app_context():
        return booking_gate(db.session.get(User, user.id))


@pytest.mark.parametrize("arm", ["self_paced", "open"])
def test_course_arms_book_once_the_gate_modules_are_complete(
    app, arm, signed_in, course, make_series, post, complete_gate, db_count
):
    series = make_series()
    user, client = signed_in(arm=arm)
    gate = _gate(app, user)
    assert not gate.open
    assert gate.missing == ["Complete “Introduction to tensions”"]

    page = client.get("/consultations/").get_data(as_text=True)
    assert "Before you can book" in page
    assert "Complete “Introduction to tensions”" in page
    assert "Join this group" not in page

    response = post(client, f"/consultations/series/{series}/join")
    assert response.status_code == 403
    body = response.get_data(as_text=True)
    assert "Consultations open once you complete: Introduction to tensions." in body
    assert db_count(Booking) == 0

    complete_gate(user)
    assert _gate(app, user).open
    assert "Join this group" in client.get("/consultations/").get_data(as_text=True)
    assert post(client, f"/consultations/series/{series}/join").status_code == 302


def test_the_gate_guards_every_booking_request(
    signed_in, course, make_series, make_slot, post, db_count
):
    series, slot = make_series(capacity=1), make_slot()
    _, client = signed_in(arm="self_paced")
    for path in (
        f"/consultations/series/{series}/join",
        f"/consultations/series/{series}/waitlist",
        f"/consultations/sessions/{slot}/book",
    ):
        assert post(client, path).status_code == 403, path
    assert db_count(Booking) == 0 and db_count(WaitlistEntry) == 0


def test_control_arm_cannot_book_during_the_trial(app, signed_in, make_slot, post, db_count):
    slot = make_slot()
    _user, client = signed_in(arm="control")
    page = client.get("/consultations/").get_data(as_text=True)
    assert "comparison group" in page and "Before you can book" in page
    assert "wait-list" not in page
    response = post(client, f"/consultations/sessions/{slot}/book")
    assert response.status_code == 403
    assert db_count(Booking) == 0
    app.config["TRIAL_END"] = date(2020, 1, 1)
    assert post(client, f"/consultations/sessions/{slot}/book").status_code == 302


def test_workshop_arm_books_after_attending_a_workshop_day(
    app, signed_in, make_slot, post, db_count, trainer
):
    from course.auth.models import User
    from course.consultations.workshop import create_day, record_workshop_attendance

    slot = make_slot()
    user, client = signed_in(arm="workshop")
    page = client.get("/consultations/").get_data(as_text=True)
    assert "Attend a workshop day (the trainers record your attendance)" in page
    assert post(client, f"/consultations/sessions/{slot}/book").status_code == 403
    with app.test_request_context(), app.app_context():
        actor = db.session.get(User, trainer.id)
        day = create_day(actor, "Workshop day 1", date(2024, 5, 1))
        record_workshop_attendance(actor, day.id, {user.id})
        db.session.commit()
    assert _gate(app, user).open
    assert post(client, f"/consultations/sessions/{slot}/book").status_code == 302
    assert db_count(Booking, user_id=user.id) == 1


def test_home_shows_what_is_missing_then_a_link_to_book(signed_in, course, complete_gate):
    user, client = signed_in(arm="self_paced")
    home = client.get("/learning/").get_data(as_text=True)
    assert "To book consultations" in home
    assert "Complete: Introduction to tensions." in home
    complete_gate(user)
    home = client.get("/learning/").get_data(as_text=True)
    assert "consultations are open to you" in home
    assert 'href="/consultations/"' in home


def test_home_adds_a_constant_number_of_queries(
    signed_in, course, complete_gate, make_series, post, count_queries
):
    user, client = signed_in(arm="self_paced")
    complete_gate(user)
    client.get("/learning/")  # warms the published-course cache, as any earlier page would
    with count_queries() as before:
        client.get("/learning/")
    post(client, f"/consultations/series/{make_series(count=10)}/join")
    with count_queries() as after:
        page = client.get("/learning/").get_data(as_text=True)
    assert "Your next session: Tuesday group (1 of 10)" in page
    assert after() == before() <= 14
