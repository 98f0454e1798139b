"""Progress events that once answered 500: deep JSON and huge numbers get a 400."""

from __future__ import annotations

import pytest

from course.extensions import db
from course.learning.models import ProgressEvent


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model))


@pytest.fixture
def therapist(client, make_user, login, course):
    user = make_user("therapist", arm="self_paced")
    login(user)
    return user


def test_deeply_nested_json_is_a_400(app, client, therapist, csrf, revision_of):
    deep = "[" * 5_000 + "]" * 5_000  # deeper than the parser recurses; within 64 KB
    response = client.post(
        "/learning/events",
        data=deep,
        headers={"X-CSRFToken": csrf(client), "Content-Type": "application/json"},
    )
    assert response.status_code == 400 and "not valid JSON" in response.get_json()["message"]
    beacon = client.post("/learning/events", data={"payload": deep, "csrf_token": csrf(client)})
    assert beacon.status_code == 400
    assert _count(app, ProgressEvent) == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [("seconds", 10**400), ("seconds", -(10**30)), ("revision", 10**30)],
)
def test_huge_numbers_in_events_are_a_400(app, therapist, post_events, ev, field, value):
    if field == "revision":
        response = post_events([ev("active", seconds=5)], revision=value)
    else:
        response = post_events([{**ev("active", seconds=5), field: value}])
    assert response.status_code == 400
    assert _count(app, ProgressEvent) == 0
