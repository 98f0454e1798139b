"""Resume where you left off: the section last read, kept server-side, one row per learner."""

from __future__ import annotations

import pytest

from course.extensions import db
from course.learning.models import ReadingPosition


@pytest.fixture
def reader(client, make_user, login, course):
    user = make_user("therapist", arm="self_paced")
    login(user)
    return user


def _post(client, csrf, section, slug="intro", **kwargs):
    return client.post(
        f"/learning/modules/{slug}/position",
        json={"section": section},
        headers={"X-CSRFToken": csrf(client)},
        **kwargs,
    )


def test_the_home_page_offers_the_section_last_read(app, client, csrf, reader):
    assert "Start: Introduction to tensions" in client.get("/learning/").get_data(as_text=True)
    assert _post(client, csrf, "sec-what-a-tension-is").status_code == 204
    assert _post(client, csrf, "sec-why-it-matters").status_code == 204
    home = client.get("/learning/").get_data(as_text=True)
    assert 'href="/learning/modules/intro#sec-why-it-matters"' in home
    assert "Resume where you left off: Introduction to tensions, “Why it matters”" in home
    with app.app_context():
        rows = db.session.scalars(db.select(ReadingPosition)).all()
        assert [(r.user_id, r.anchor) for r in rows] == [(reader.id, "sec-why-it-matters")]


def test_a_beacon_form_post_is_kept_too(client, csrf, reader):
    response = client.post(
        "/learning/modules/intro/position",
        data={"csrf_token": csrf(client), "section": "sec-why-it-matters"},
    )
    assert response.status_code == 204
    assert "#sec-why-it-matters" in client.get("/learning/").get_data(as_text=True)


@pytest.mark.parametrize(
    "section",
    ["sec-next", "sec-nowhere", "", None, 7, ["sec-why-it-matters"], "x" * 300, "<script>"],
)
def test_a_section_not_in_the_module_is_refused_with_a_message(app, client, csrf, reader, section):
    response = _post(client, csrf, section)
    assert response.status_code == 400
    assert response.get_json()["message"]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(ReadingPosition)) == 0


def test_a_locked_module_or_no_csrf_records_nothing(app, client, csrf, reader):
    assert _post(client, csrf, "sec-next", slug="next").status_code == 403
    response = client.post("/learning/modules/intro/position", json={"section": "sec-next"})
    assert response.status_code in (400, 403)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(ReadingPosition)) == 0


@pytest.mark.parametrize("arm", ["control", "workshop"])
def test_arms_without_the_course_record_nothing(client, csrf, make_user, login, course, arm):
    login(make_user("therapist", arm=arm))
    assert _post(client, csrf, "sec-why-it-matters").status_code == 403


def test_a_completed_module_sends_the_learner_on_instead(client, csrf, reader, complete_modules):
    _post(client, csrf, "sec-why-it-matters")
    complete_modules(reader, "intro")
    home = client.get("/learning/").get_data(as_text=True)
    assert "Resume where you left off" not in home
    assert "Start: The next step" in home


def test_the_module_page_loads_the_reading_script(client, reader):
    page = client.get("/learning/modules/intro").get_data(as_text=True)
    assert 'data-position="/learning/modules/intro/position"' in page
    assert "js/resume.js" in page
