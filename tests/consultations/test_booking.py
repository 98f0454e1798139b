"""Therapists book slots and groups; limits, cutoffs, waiting lists and bad ids."""

from __future__ import annotations

from datetime import timedelta

from course import clock
from course.consultations.models import Booking, WaitlistEntry


def test_therapist_books_an_individual_slot_and_sees_it(signed_in, make_slot, post, seats):
    slot = make_slot()
    _user, client = signed_in()
    response = post(client, f"/consultations/sessions/{slot}/book")
    assert response.status_code == 302
    page = client.get("/consultations/").get_data(as_text=True)
    assert "You are booked: Individual consultation." in page
    assert "Your bookings" in page and "Cancel booking" in page
    assert seats(slot) == (1, 1)


def test_a_full_slot_is_refused_with_a_clear_message(signed_in, make_slot, post, seats):
    slot = make_slot(capacity=1)
    _, first = signed_in()
    _, second = signed_in()
    assert post(first, f"/consultations/sessions/{slot}/book").status_code == 302
    response = post(second, f"/consultations/sessions/{slot}/book")
    assert response.status_code == 409
    assert "This session is full" in response.get_data(as_text=True)
    assert seats(slot) == (1, 1)


def test_booking_twice_is_refused(signed_in, make_slot, post, seats):
    slot = make_slot(capacity=3)
    _, client = signed_in()
    post(client, f"/consultations/sessions/{slot}/book")
    response = post(client, f"/consultations/sessions/{slot}/book")
    assert response.status_code == 409
    assert "You have already booked this session." in response.get_data(as_text=True)
    assert seats(slot) == (1, 1)


def test_individual_slots_are_limited_by_the_setting(app, signed_in, make_slot, post, db_count):
    app.config["MAX_INDIVIDUAL_SLOTS"] = 2
    slots = [make_slot(days=3 + i) for i in range(3)]
    user, client = signed_in()
    for slot in slots[:2]:
        assert post(client, f"/consultations/sessions/{slot}/book").status_code == 302
    response = post(client, f"/consultations/sessions/{slots[2]}/book")
    assert response.status_code == 409
    assert "the most allowed at once (2)" in response.get_data(as_text=True)
    assert db_count(Booking, user_id=user.id, status="booked") == 2


def test_cancel_before_the_cutoff_frees_the_seat(signed_in, make_slot, post, seats, outbox):
    slot = make_slot(days=3)
    _, client = signed_in()
    post(client, f"/consultations/sessions/{slot}/book")
    response = post(client, f"/consultations/sessions/{slot}/cancel-booking")
    assert response.status_code == 302
    assert seats(slot) == (0, 0)
    assert [m["Subject"] for m in outbox] == [
        "Booked: Individual consultation",
        "Cancelled: Individual consultation",
    ]


def test_cancel_after_the_cutoff_is_refused(app, signed_in, make_slot, post, seats):
    slot = make_slot(days=3)
    _, client = signed_in()
    post(client, f"/consultations/sessions/{slot}/book")
    with clock.frozen(clock.now_utc() + timedelta(days=2, hours=14)):  # < 24 h before
        response = post(client, f"/consultations/sessions/{slot}/cancel-booking")
    assert response.status_code == 409
    assert "up to 24 hours before the session" in response.get_data(as_text=True)
    assert seats(slot) == (1, 1)


def test_joining_a_group_books_every_remaining_session(
    signed_in, make_series, series_sessions, post, seats, outbox
):
    series = make_series(count=4)
    _, client = signed_in()
    response = post(client, f"/consultations/series/{series}/join")
    assert response.status_code == 302
    assert [seats(s) for s in series_sessions(series)] == [(1, 1)] * 4
    assert "4 sessions are booked for you" in client.get(response.location).get_data(as_text=True)
    mine = client.get("/consultations/").get_data(as_text=True)
    assert "Tuesday group (1 of 4)" in mine and "Then 3 more sessions in this group" in mine
    (message,) = outbox
    assert message["Subject"] == "Booked: Tuesday group"
    assert len(list(message.iter_attachments())) == 4


def test_a_group_joined_later_books_only_the_sessions_still_to_come(
    signed_in, make_series, series_sessions, post, seats
):
    series = make_series(count=3, interval=7, days=1)
    _, client = signed_in()
    with clock.frozen(clock.now_utc() + timedelta(days=3)):  # the first has taken place
        assert post(client, f"/consultations/series/{series}/join").status_code == 302
    assert [seats(s)[0] for s in series_sessions(series)] == [0, 1, 1]


def test_one_group_at_a_time(signed_in, make_series, post, db_count):
    first, second = make_series(), make_series(title="Thursday group")
    user, client = signed_in()
    post(client, f"/consultations/series/{first}/join")
    response = post(client, f"/consultations/series/{second}/join")
    assert response.status_code == 409
    assert "You are already in the group “Tuesday group”" in response.get_data(as_text=True)
    assert db_count(Booking, user_id=user.id, series_id=second) == 0


def test_a_full_group_offers_its_waiting_list_and_the_first_waiting_gets_a_freed_seat(
    signed_in, make_series, series_sessions, post, seats, waiting, outbox
):
    series = make_series(capacity=1, count=2)
    member, member_client = signed_in(name="Mo Member")
    first, first_client = signed_in(name="Fay First")
    second, second_client = signed_in(name="Sam Second")
    post(member_client, f"/consultations/series/{series}/join")

    full = post(first_client, f"/consultations/series/{series}/join")
    assert full.status_code == 409
    body = full.get_data(as_text=True)
    assert "This group is full" in body and "Join the waiting list" in body
    assert post(first_client, f"/consultations/series/{series}/waitlist").status_code == 302
    assert post(second_client, f"/consultations/series/{series}/waitlist").status_code == 302
    assert waiting(series) == [first.id, second.id]
    page = second_client.get(f"/consultations/series/{series}").get_data(as_text=True)
    assert "You are number 2 on the waiting list." in page

    outbox.clear()
    assert post(member_client, f"/consultations/series/{series}/leave").status_code == 302
    assert waiting(series) == [second.id]
    assert [seats(s) for s in series_sessions(series)] == [(1, 1), (1, 1)]
    page = first_client.get("/consultations/").get_data(as_text=True)
    assert "You are in this group." in page
    subjects = {m["To"]: m["Subject"] for m in outbox}
    assert subjects == {
        member.email: "Cancelled: Tuesday group",
        first.email: "A seat is yours: Tuesday group",
    }


def test_waiting_for_a_group_with_free_seats_is_refused(signed_in, make_series, post, db_count):
    series = make_series()
    _, client = signed_in()
    response = post(client, f"/consultations/series/{series}/waitlist")
    assert response.status_code == 409
    assert "join it instead of waiting" in response.get_data(as_text=True)
    assert db_count(WaitlistEntry) == 0


def test_leaving_a_waiting_list(signed_in, make_series, post, waiting):
    series = make_series(capacity=1)
    _, member = signed_in()
    post(member, f"/consultations/series/{series}/join")
    _, client = signed_in()
    post(client, f"/consultations/series/{series}/waitlist")
    assert post(client, f"/consultations/series/{series}/waitlist/leave").status_code == 302
    assert waiting(series) == []


def test_leaving_a_group_inside_the_cutoff_is_refused(signed_in, make_series, post, seats):
    series = make_series(days=3)
    _, client = signed_in()
    post(client, f"/consultations/series/{series}/join")
    with clock.frozen(clock.now_utc() + timedelta(days=2, hours=14)):
        response = post(client, f"/consultations/series/{series}/leave")
    assert response.status_code == 409
    assert "up to 24 hours before a session" in response.get_data(as_text=True)


def test_group_sessions_cannot_be_booked_one_by_one(
    signed_in, make_series, series_sessions, post, seats
):
    session = series_sessions(make_series())[0]
    _, client = signed_in()
    response = post(client, f"/consultations/sessions/{session}/book")
    assert response.status_code == 409
    assert "join the group instead" in response.get_data(as_text=True)
    assert seats(session) == (0, 0)


def test_forged_ids_are_refused_and_change_nothing(signed_in, post, db_count):
    _, client = signed_in()
    for path in (
        "/consultations/sessions/999/book",
        "/consultations/sessions/999/cancel-booking",
        "/consultations/series/999/join",
        "/consultations/series/999/waitlist",
        "/consultations/series/999/leave",
    ):
        response = post(client, path)
        assert response.status_code == 404, path
        assert "There is no such consultation" in response.get_data(as_text=True)
    assert db_count(Booking) == 0


def test_a_cancelled_session_cannot_be_booked(app, trainer, signed_in, make_slot, post, seats):
    from course.auth.models import User
    from course.consultations.changes import cancel_sessions
    from course.extensions import db

    slot = make_slot()
    with app.app_context():
        cancel_sessions(db.session.get(User, trainer.id), slot)
        db.session.commit()
    _, client = signed_in()
    response = post(client, f"/consultations/sessions/{slot}/book")
    assert response.status_code == 409
    assert "cancelled by the trainers" in response.get_data(as_text=True)
    assert seats(slot) == (0, 0)


def test_booking_needs_a_csrf_token(signed_in, make_slot, seats):
    slot = make_slot()
    _, client = signed_in()
    assert client.post(f"/consultations/sessions/{slot}/book").status_code == 400
    assert seats(slot) == (0, 0)


def test_only_therapists_book(signed_in, make_slot, post):
    slot = make_slot()
    for role in ("trainer", "researcher", "admin"):
        _, client = signed_in(role)
        assert post(client, f"/consultations/sessions/{slot}/book").status_code == 403
