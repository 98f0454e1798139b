"""Builders for consultation tests: trainers, series, slots, the gate, posting forms."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from course import clock
from course.consultations.models import Booking, ConsultationSession, WaitlistEntry
from course.consultations.scheduling import Plan, create_series, create_slot
from course.consultations.times import wall_clock
from course.extensions import db

LINK = "https://meet.example.org/room-1"
#: Every test here runs at this instant (a Monday, 09:00 in Toronto) unless it moves on.
NOW = datetime(2030, 1, 7, 14, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fixed_clock() -> Iterator[None]:
    """A fixed "now", so cutoffs and reminder windows never depend on the time of day."""
    with clock.frozen(NOW):
        yield


def plan(tz: str = "America/Toronto", days: int = 7, hour: int = 10, **fields) -> Plan:
    """A plan ``days`` from now at ``hour`` local time in ``tz``."""
    day = wall_clock(clock.now_utc(), tz).date() + timedelta(days=days)
    values = {
        "title": "Tuesday group",
        "day": day,
        "start": time(hour),
        "end": time(hour + 1),
        "timezone": tz,
        "capacity": 6,
        "meeting_url": LINK,
        "notes": "Bring one moment of tension.",
    }
    values.update(fields)
    return Plan(**values)


@pytest.fixture
def trainer(make_user):
    """A trainer in Toronto."""
    return make_user("trainer", name="Tara Trainer", timezone="America/Toronto")


@pytest.fixture
def make_series(app, trainer):
    """``make_series(capacity=6, count=3, **plan_fields)`` returns the series id."""

    def build(capacity: int = 6, count: int = 3, interval: int = 14, by=None, **fields) -> int:
        with app.app_context():
            from course.auth.models import User

            person = db.session.get(User, (by or trainer).id)
            series = create_series(
                person, plan(capacity=capacity, **fields), person, None, interval, count
            )
            db.session.commit()
            return series.id

    return build


@pytest.fixture
def make_slot(app, trainer):
    """``make_slot(capacity=1, days=3, **plan_fields)`` returns the session id."""

    def build(capacity: int = 1, **fields) -> int:
        fields.setdefault("days", 3)
        fields.setdefault("title", "Individual consultation")
        with app.app_context():
            from course.auth.models import User

            person = db.session.get(User, trainer.id)
            session = create_slot(person, plan(capacity=capacity, **fields), person)
            db.session.commit()
            return session.id

    return build


@pytest.fixture
def complete_gate(complete_modules):
    """``complete_gate(user)`` marks the gate modules complete, as finishing them would."""
    return lambda user, slugs=("intro",): complete_modules(user, *slugs)


@pytest.fixture
def post(csrf):
    """``post(client, path, **form)`` posts a form with a valid CSRF token."""

    def send(client, path: str, **form):
        return client.post(path, data={"csrf_token": csrf(client), **form})

    return send


@pytest.fixture
def signed_in(app, make_user, login):
    """``signed_in(role, **fields)``: (user, client), signed in on a client of its own."""

    def make(role: str = "therapist", **fields):
        user = make_user(role, **fields)
        client = app.test_client()
        assert login(user, on=client).status_code == 302
        return user, client

    return make


@pytest.fixture
def db_count(app):
    """``db_count(Model, **filters)`` counts rows."""

    def count(model, **filters) -> int:
        with app.app_context():
            query = select(func.count()).select_from(model).filter_by(**filters)
            return db.session.scalar(query)

    return count


@pytest.fixture
def seats(app):
    """``seats(session_id)`` = (seats_taken, live bookings) read from the database."""

    def read(session_id: int) -> tuple[int, int]:
        with app.app_context():
            taken = db.session.get(ConsultationSession, session_id).seats_taken
            live = db.session.scalar(
                select(func.count(Booking.id)).where(
                    Booking.session_id == session_id, Booking.status == "booked"
                )
            )
            return taken, live

    return read


@pytest.fixture
def series_sessions(app):
    """``series_sessions(series_id)`` = session ids in order."""

    def ids(series_id: int) -> list[int]:
        with app.app_context():
            return list(
                db.session.scalars(
                    select(ConsultationSession.id)
                    .where(ConsultationSession.series_id == series_id)
                    .order_by(ConsultationSession.starts_at)
                )
            )

    return ids


@pytest.fixture
def waiting(app):
    """``waiting(series_id)`` = user ids waiting, in order."""

    def ids(series_id: int) -> list[int]:
        with app.app_context():
            return list(
                db.session.scalars(
                    select(WaitlistEntry.user_id)
                    .where(WaitlistEntry.series_id == series_id, WaitlistEntry.status == "waiting")
                    .order_by(WaitlistEntry.created_at, WaitlistEntry.id)
                )
            )

    return ids


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """Serve the test app on a free loopback port (threaded); yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


def utc(*args) -> datetime:
    """An aware UTC datetime."""
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def make_plan():
    """``make_plan(tz=..., days=..., hour=..., **fields)`` builds a Plan."""
    return plan
