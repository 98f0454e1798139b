"""The shipped course's quizzes, scenarios and drill sets served in French, on the same ids."""

from __future__ import annotations

import re

import pytest

from course.assessments.models import QuizAttempt
from course.extensions import db
from course.practice.models import ScenarioChoice

EARLIER = ("foundations", "detecting-withdrawal", "detecting-confrontation")


@pytest.fixture
def shipped(app, client, make_user, login, import_course, project_root, complete_modules):
    """The shipped course, and a self-paced therapist who finished the first three modules."""
    import_course(project_root)
    user = make_user("therapist", arm="self_paced")
    complete_modules(user, *EARLIER)
    login(user)
    return user


def _field(page: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]+)"', page).group(1)


def test_a_quiz_in_french_is_graded_on_the_english_ids(app, client, csrf, shipped):
    client.set_cookie("lang", "fr_CA")
    page = client.get("/assessments/foundations/quiz").get_data(as_text=True)
    assert (
        "Quelle composante de l&#39;alliance" in page or "Quelle composante de l'alliance" in page
    )
    assert "Which part of the alliance" not in page
    options = dict(re.findall(r'name="(q-[^"]+)" value="([^"]+)"', page))
    attempt = re.search(r'action="/assessments/foundations/attempts/(\d+)"', page).group(1)
    answered = client.post(
        f"/assessments/foundations/attempts/{attempt}",
        data={**options, "csrf_token": csrf(client)},
    )
    assert answered.status_code == 302
    client.set_cookie("lang", "en")
    result = client.get(answered.headers["Location"]).get_data(as_text=True)
    assert "Which part of the alliance is most clearly under strain?" in result
    assert "Quelle composante" not in result
    with app.app_context():
        stored = db.session.get(QuizAttempt, int(attempt))
        assert stored.submitted_at is not None and stored.score is not None


def test_a_scenario_run_goes_on_in_the_other_language(app, client, csrf, shipped):
    client.set_cookie("lang", "fr_CA")
    french = client.get("/practice/scenarios/withdrawal-session-four").get_data(as_text=True)
    assert "Quatrième séance" in french and "Session four" not in french
    chosen = re.findall(r'name="choice" value="([a-z0-9-]+)"', french)[0]
    client.post(
        "/practice/scenarios/withdrawal-session-four/choose",
        data={
            "run": _field(french, "run"),
            "position": _field(french, "position"),
            "choice": chosen,
            "csrf_token": csrf(client),
        },
    )
    client.set_cookie("lang", "en")
    english = client.get("/practice/scenarios/withdrawal-session-four").get_data(as_text=True)
    assert "Session four" in english and _field(english, "position") == "2"
    with app.app_context():
        assert db.session.scalars(db.select(ScenarioChoice.choice_id)).all() == [chosen]


def test_a_drill_set_in_french(client, shipped):
    client.set_cookie("lang", "fr_CA")
    index = client.get("/practice/").get_data(as_text=True)
    assert "Répondre au retrait" in index and "Quatrième séance" in index
    drill = client.get("/practice/drills/responding-to-withdrawal").get_data(as_text=True)
    assert "Répondre au retrait" in drill and "Responding to withdrawal" not in drill
