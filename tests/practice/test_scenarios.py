"""Branching scenarios: one step at a time, choices kept, resumed, refused when not offered."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from course.extensions import db
from course.learning.models import ModuleProgress
from course.practice.models import ScenarioChoice, ScenarioRun

URL = "/practice/scenarios/small"


def _state(page: str) -> dict:
    run = re.search(r'name="run" value="(\d+)"', page)
    position = re.search(r'name="position" value="(\d+)"', page)
    return {
        "run": run.group(1) if run else None,
        "position": position.group(1) if position else None,
        "choices": re.findall(r'name="choice" value="([a-z0-9-]+)"', page),
    }


def _open(client) -> tuple[str, dict]:
    response = client.get(URL)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    return page, _state(page)


def _choose(form, state: dict, choice: str):
    return form(f"{URL}/choose", run=state["run"], position=state["position"], choice=choice)


def _choices(app) -> list[tuple[int, str, str]]:
    with app.app_context():
        return db.session.execute(
            sa.select(
                ScenarioChoice.position, ScenarioChoice.step_id, ScenarioChoice.choice_id
            ).order_by(ScenarioChoice.id)
        ).all()


def test_a_step_shows_its_choices_and_no_feedback_before_choosing(client, learner):
    page, state = _open(client)
    assert 'The client says "Fine."' in page or "The client says &#34;Fine.&#34;" in page
    assert state["choices"] == ["name-it", "move-on"]
    assert "named tentatively" not in page  # feedback comes after the choice


def test_leaving_and_coming_back_resumes_at_the_same_step_with_the_path(app, client, form, learner):
    _, state = _open(client)
    assert _choose(form, state, "move-on").status_code == 302
    page, again = _open(client)
    assert again["position"] == "2" and again["run"] == state["run"]
    assert again["choices"] == ["second-chance", "keep-going"]
    assert "you chose “Move on to homework”" in page
    assert "That misses the <strong>minimal response</strong>." in page
    assert _choices(app) == [(1, "opening", "move-on")]


def test_a_branch_on_points_then_an_ending_with_its_debrief(app, client, form, learner):
    _, state = _open(client)
    _choose(form, state, "name-it")  # 2 points; the branch sends 2+ to "repaired"
    page, _ = _open(client)
    assert "Ending: Repaired" in page and "You named the marker." in page
    assert "Play again" in page
    with app.app_context():
        run = db.session.scalar(sa.select(ScenarioRun))
        assert run.ended_at is not None and run.current_step == "repaired" and run.points == 2


def test_fewer_points_take_the_other_branch(client, form, learner):
    _, state = _open(client)
    _choose(form, state, "move-on")
    _, state = _open(client)
    _choose(form, state, "second-chance")  # 1 point: below the threshold
    page, _ = _open(client)
    assert "Ending: Partly repaired" in page


@pytest.mark.parametrize(
    ("change", "status", "message"),
    [
        ({"choice": "second-chance"}, 400, "That choice is not offered at this step."),
        ({"position": "2"}, 409, "already answered"),
        ({"run": "999999"}, 404, "There is no such run"),
        ({"run": "abc"}, 400, "not filled in by this page"),
    ],
)
def test_a_choice_not_offered_or_a_forged_run_is_refused_and_nothing_is_stored(
    app, client, form, learner, change, status, message
):
    _, state = _open(client)
    response = _choose(form, {**state, **change}, change.get("choice", "name-it"))
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert _choices(app) == []


def test_one_choice_per_step_even_from_two_tabs(app, client, form, learner):
    _, state = _open(client)  # both tabs drew the page at position 1
    assert _choose(form, state, "name-it").status_code == 302
    second = _choose(form, state, "move-on")
    assert second.status_code == 409
    assert _choices(app) == [(1, "opening", "name-it")]


def test_another_therapists_run_is_not_theirs(
    app, client, csrf, learner, make_user, login, complete_modules
):
    _, state = _open(client)
    other = app.test_client()
    someone = make_user("therapist", arm="self_paced")
    complete_modules(someone, "intro")
    login(someone, on=other)
    response = other.post(
        f"{URL}/choose", data={**state, "choice": "name-it", "csrf_token": csrf(other)}
    )
    assert response.status_code == 404
    assert _choices(app) == []


def test_play_again_starts_a_new_run_and_keeps_the_old_one(app, client, form, learner):
    _, state = _open(client)
    _choose(form, state, "name-it")
    assert form(f"{URL}/again").status_code == 302
    page, fresh = _open(client)
    assert fresh["run"] != state["run"] and fresh["position"] == "1"
    assert "Run 2 of 2" in page
    with app.app_context():
        runs = db.session.scalars(sa.select(ScenarioRun).order_by(ScenarioRun.number)).all()
        assert [r.number for r in runs] == [1, 2] and runs[0].ended_at is not None


def test_the_scenario_is_closed_while_its_module_is_locked(
    app, client, make_user, login, practice_course
):
    login(make_user("therapist", arm="self_paced"))  # "next" needs "intro", not done yet
    response = client.get(URL)
    assert response.status_code == 403
    assert "This practice opens with “The next step”." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ScenarioRun.id))) == 0


def test_workshop_and_control_arms_get_a_403(app, client, make_user, login, practice_course):
    for arm in ("workshop", "control"):
        browser = app.test_client()
        login(make_user("therapist", arm=arm), on=browser)
        assert browser.get(URL).status_code == 403
        assert browser.get("/practice/").status_code == 403


def test_finishing_the_scenario_and_the_drills_completes_the_module(app, client, form, learner):
    _, state = _open(client)
    _choose(form, state, "name-it")
    for item in ("fine-b1", "fine-b2"):
        response = form(
            "/practice/drills/withdrawal", item=item, response="I notice you went quiet there."
        )
        response_id = response.headers["Location"].rsplit("/", 1)[1]
        form(
            f"/practice/drills/withdrawal/responses/{response_id}",
            **{"rate-observe": "4", "rate-invite": "3", "difficulty": "about_right"},
        )
    with app.app_context():
        progress = db.session.scalars(sa.select(ModuleProgress)).all()
        done = {p.module_id: p.completed_at is not None for p in progress}
    assert sorted(done.values()) == [True, True]  # intro (given) and next (by practice)
