"""Each input that once answered 500 now gets a clear 4xx and writes nothing."""

from __future__ import annotations

import pytest

from course.discussion.models import Post
from course.extensions import db


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model))


@pytest.fixture
def therapist(client, make_user, login, course):
    user = make_user("therapist", arm="self_paced")
    login(user)
    return user


@pytest.mark.parametrize(
    "path",
    [
        "/consultations/sessions/99999999999999999999999/attendance",
        "/research/tokens/18446744073709551616/revoke",
        "/practice/drills/withdrawal/responses/99999999999999999999",
    ],
)
def test_an_id_beyond_a_database_integer_is_a_404(client, make_user, login, csrf, path):
    login(make_user("admin"))
    assert client.post(path, data={"csrf_token": csrf(client)}).status_code == 404
    assert client.get(path).status_code in (404, 405)


def test_json_sent_to_a_form_is_a_415(client, make_user, login, csrf):
    login(make_user("trainer"))
    for body in ("[1, 2]", "true", '{"title": {"a": 1}}'):
        response = client.post(
            "/consultations/slots/new",
            data=body,
            headers={"X-CSRFToken": csrf(client), "Content-Type": "application/json"},
        )
        assert response.status_code == 415


def test_a_nul_byte_in_a_form_is_a_400_and_nothing_is_stored(app, client, therapist, csrf):
    page = client.get("/discussion/module/intro")
    assert page.status_code == 200
    response = client.post(
        "/discussion/module/intro",
        data={"body": "Hello\x00there", "kind": "discussion", "csrf_token": csrf(client)},
    )
    assert response.status_code == 400 and "NUL" in response.get_data(as_text=True)
    assert client.get("/learning/?q=a%00b").status_code == 400
    assert _count(app, Post) == 0


@pytest.mark.parametrize(
    ("start", "end"), [("0001-01-01", ""), ("", "9999-12-31"), ("1999-12-31", "2000-01-02")]
)
def test_export_dates_out_of_bounds_are_explained(client, make_user, login, csrf, start, end):
    login(make_user("researcher"))
    response = client.post(
        "/research/exports", data={"start": start, "end": end, "csrf_token": csrf(client)}
    )
    assert response.status_code == 400
    assert "give a date between 2000-01-01 and 2100-12-31" in response.get_data(as_text=True)
    dashboard = client.get(f"/research/?start={start}&end={end}")
    assert dashboard.status_code == 200 and "between 2000-01-01" in dashboard.get_data(as_text=True)


def test_signed_in_pages_are_never_cached(client, make_user, login):
    assert "Cache-Control" not in client.get("/auth/login").headers
    login(make_user("trainer"))
    page = client.get("/consultations/")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert client.get("/static/css/site.css").headers.get("Cache-Control") != "no-store"
