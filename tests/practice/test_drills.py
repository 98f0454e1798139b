"""Drills: your own response first, then the criteria and models; self-ratings; levels."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from course.extensions import db
from course.practice.models import DrillLevel, DrillResponse

URL = "/practice/drills/withdrawal"
MODELS = ("What was it like to answer?", "Can we look at what just happened between us?")
CRITERIA = ("Names what you noticed", "Invites the client to say more")
TYPED = "I notice you went quiet when I asked about that."


def _item(page: str) -> str:
    return re.search(r'name="item" value="([a-z0-9-]+)"', page).group(1)


def _respond(form, client, text=TYPED) -> tuple[int, str]:
    item = _item(client.get(URL).get_data(as_text=True))
    response = form(URL, item=item, response=text)
    assert response.status_code == 302, response.status_code
    return int(response.headers["Location"].rsplit("/", 1)[1]), item


def _rate(form, response_id: int, difficulty: str, item: str):
    ratings = {"rate-observe": "4", "rate-invite": "3", "rate-own": "2", "rate-validate": "5"}
    return form(f"{URL}/responses/{response_id}", difficulty=difficulty, **ratings)


def test_no_criterion_or_model_reaches_the_page_before_a_response(client, learner):
    page = client.get(URL).get_data(as_text=True)
    assert "The client says" in page and "fine. Whatever you think." in page
    for secret in (*MODELS, *CRITERIA):
        assert secret not in page


def test_after_responding_the_criteria_and_models_are_shown(app, client, form, learner):
    response_id, item = _respond(form, client)
    assert item == "fine-b1"  # the beginner level, the least answered item first
    page = client.get(f"{URL}/responses/{response_id}").get_data(as_text=True)
    assert TYPED in page
    for shown in (*CRITERIA, MODELS[0]):
        assert shown in page
    with app.app_context():
        stored = db.session.scalar(sa.select(DrillResponse))
        assert (stored.text, stored.length, stored.ratings) == (TYPED, len(TYPED), None)


@pytest.mark.parametrize("text", ["", "   ", "Too short."])
def test_a_real_answer_is_required_and_nothing_is_stored(app, client, form, learner, text):
    response = form(URL, item="fine-b1", response=text)
    assert response.status_code == 422
    assert "at least 20 characters" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(DrillResponse.id))) == 0


def test_rating_before_responding_or_someone_elses_response_is_a_404(
    app, client, form, learner, make_user, login, complete_modules, csrf
):
    assert _rate(form, 999, "about_right", "fine-b1").status_code == 404
    response_id, _ = _respond(form, client)
    other = app.test_client()
    someone = make_user("therapist", arm="self_paced")
    complete_modules(someone, "intro")
    login(someone, on=other)
    assert other.get(f"{URL}/responses/{response_id}").status_code == 404
    refused = other.post(
        f"{URL}/responses/{response_id}",
        data={"rate-observe": "5", "rate-invite": "5", "difficulty": "too_easy",
              "csrf_token": csrf(other)},
    )  # fmt: skip
    assert refused.status_code == 404
    with app.app_context():
        assert db.session.scalar(sa.select(DrillResponse)).ratings is None


def test_ratings_need_every_criterion_and_a_difficulty(app, client, form, learner):
    response_id, _ = _respond(form, client)
    partial = form(f"{URL}/responses/{response_id}", **{"rate-observe": "4"})
    assert partial.status_code == 422
    assert "Rate your response from 1 to 5 on: Invites the client" in partial.get_data(as_text=True)
    assert _rate(form, response_id, "about_right", "").status_code == 302
    again = _rate(form, response_id, "too_easy", "")
    assert again.status_code == 409  # rated once
    with app.app_context():
        stored = db.session.scalar(sa.select(DrillResponse))
        assert stored.ratings == {"observe": 4, "invite": 3} and stored.difficulty == "about_right"


def _level(app) -> str | None:
    with app.app_context():
        state = db.session.scalar(sa.select(DrillLevel))
        return state.level if state else None


def test_two_too_hard_in_a_row_move_the_level_down_and_two_too_easy_move_it_up(
    app, client, form, learner
):
    form(f"{URL}/level", level="intermediate")
    assert _level(app) == "intermediate"
    first, item = _respond(form, client)
    assert item == "storm-i1"
    _rate(form, first, "too_hard", item)
    assert _level(app) == "intermediate"  # one is not a trend
    second, _ = _respond(form, client)
    _rate(form, second, "too_hard", item)
    assert _level(app) == "beginner"
    page = client.get(URL).get_data(as_text=True)
    assert "Level: Beginner" in page and _item(page).startswith("fine-b")
    for _ in range(2):
        response_id, _ = _respond(form, client)
        _rate(form, response_id, "too_easy", "")
    assert _level(app) == "intermediate"


def test_the_practice_log_shows_each_response_beside_the_models(client, form, learner):
    response_id, _ = _respond(form, client)
    _rate(form, response_id, "about_right", "")
    page = client.get(f"{URL}/log").get_data(as_text=True)
    assert TYPED in page and MODELS[0] in page and "About right" in page
