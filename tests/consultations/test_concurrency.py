"""No overbooking, ever: parallel HTTP requests against a threaded server on PostgreSQL."""

from __future__ import annotations

import http.client
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import pytest
from sqlalchemy import func, select

from course.consultations.models import Booking, ConsultationSession
from course.extensions import db

pytestmark = pytest.mark.postgres_only
CROWD = 50


@dataclass(frozen=True)
class Browser:
    """A signed-in therapist's cookie and CSRF token, usable from any thread."""

    user_id: int
    cookie: str
    token: str


@pytest.fixture
def browsers(app, make_user, login, csrf):
    """``browsers(n)``: n distinct therapists signed in through the real form."""

    def make(n: int) -> list[Browser]:
        found = []
        for i in range(n):
            user = make_user("therapist", name=f"Crowd {i}")
            client = app.test_client()
            login(user, on=client)
            token = csrf(client)
            found.append(Browser(user.id, client.get_cookie("session").value, token))
        return found

    return make


def fire(base_url: str, requests: list[tuple[Browser, str]]) -> list[tuple[int, str]]:
    """Send every POST at the same moment (a barrier), each on its own connection."""
    host = urlsplit(base_url)
    barrier = threading.Barrier(len(requests))

    def send(item):
        browser, path = item
        body = urlencode({"csrf_token": browser.token})
        connection = http.client.HTTPConnection(host.hostname, host.port, timeout=60)
        barrier.wait()
        connection.request(
            "POST",
            path,
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"session={browser.cookie}",
            },
        )
        response = connection.getresponse()
        answer = (response.status, response.read().decode())
        connection.close()
        return answer

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        return list(pool.map(send, requests))


def _live(app, **filters):
    with app.app_context():
        query = select(Booking.user_id, Booking.session_id).filter_by(status="booked", **filters)
        return list(db.session.execute(query))


def test_fifty_therapists_race_for_one_seat(app, live_server, browsers, make_slot):
    slot = make_slot(capacity=1)
    crowd = browsers(CROWD)
    answers = fire(live_server, [(b, f"/consultations/sessions/{slot}/book") for b in crowd])
    assert sorted(status for status, _ in answers) == [302] + [409] * (CROWD - 1)
    refused = [body for status, body in answers if status == 409]
    assert all("This session is full" in body for body in refused)
    assert len(_live(app, session_id=slot)) == 1
    with app.app_context():
        assert db.session.get(ConsultationSession, slot).seats_taken == 1


def test_fifty_therapists_race_for_a_six_seat_group(
    app, live_server, browsers, make_series, series_sessions
):
    series = make_series(capacity=6, count=2)
    crowd = browsers(CROWD)
    answers = fire(live_server, [(b, f"/consultations/series/{series}/join") for b in crowd])
    assert sorted(status for status, _ in answers) == [302] * 6 + [409] * (CROWD - 6)
    assert all(
        "This group is full" in body and "Join the waiting list" in body
        for status, body in answers
        if status == 409
    )
    seats = _live(app, series_id=series)
    assert len(seats) == 12 and len(set(seats)) == 12  # nobody twice in a session
    members = {user for user, _ in seats}
    assert len(members) == 6
    with app.app_context():
        for session_id in series_sessions(series):
            assert db.session.get(ConsultationSession, session_id).seats_taken == 6


def test_one_therapist_clicking_fifty_times_joins_once(app, live_server, browsers, make_series):
    series = make_series(capacity=6, count=2)
    (me,) = browsers(1)
    answers = fire(live_server, [(me, f"/consultations/series/{series}/join")] * CROWD)
    assert sorted(status for status, _ in answers) == [302] + [409] * (CROWD - 1)
    assert all(
        "You are already in this group." in body for status, body in answers if status == 409
    )
    assert len(_live(app, user_id=me.user_id)) == 2


def test_the_individual_slot_limit_holds_under_parallel_requests(
    app, live_server, browsers, make_slot
):
    app.config["MAX_INDIVIDUAL_SLOTS"] = 2
    slots = [make_slot(capacity=3, days=2 + i) for i in range(10)]
    (me,) = browsers(1)
    requests = [(me, f"/consultations/sessions/{slot}/book") for slot in slots] * 5
    answers = fire(live_server, requests)
    assert sorted(status for status, _ in answers) == [302] * 2 + [409] * (len(requests) - 2)
    assert len(_live(app, user_id=me.user_id)) == 2
    with app.app_context():
        taken = db.session.scalar(select(func.sum(ConsultationSession.seats_taken)))
    assert taken == 2
