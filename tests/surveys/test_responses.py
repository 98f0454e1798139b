"""Answering a survey: due, save, resume, submit once with scores, bad input changes nothing."""

from __future__ import annotations

import pytest

from course.extensions import db
from course.surveys.models import SurveyAnswer, SurveyResponse, SurveyScore

URL = "/surveys/acceptability/after_course"
SUS = {f"sus_{n}": str(v) for n, v in enumerate([4, 2, 5, 1, 4, 2, 5, 1, 4, 2], start=1)}


def _rows(app, model):
    with app.app_context():
        return db.session.scalars(db.select(model).order_by(model.id)).all()


def test_survey_is_due_on_the_home_page_only_after_the_course(
    client, make_user, login, survey_course, complete
):
    therapist = make_user("therapist")
    login(therapist)
    home = client.get("/learning/").get_data(as_text=True)
    assert "Surveys to answer" not in home and f'href="{URL}"' not in home
    assert "it opens when you finish the course" in home  # the certificate part says when
    assert client.get(URL).status_code == 404
    complete(therapist, "intro", "next")
    home = client.get("/learning/").get_data(as_text=True)
    assert "Surveys to answer" in home
    assert f'href="{URL}"' in home and "You finished the course." in home
    assert 'href="/surveys/aim/after_module:intro"' in home  # after_module: intro
    assert "sus" not in home.lower().split("surveys to answer")[1].split("</ul>")[0]


def test_save_halfway_resume_and_submit_stores_answers_and_scores(
    app, client, make_user, login, survey_course, complete, answer_form
):
    therapist = make_user("therapist")
    complete(therapist, "intro", "next")
    login(therapist)
    page = client.get(URL).get_data(as_text=True)
    assert "The Test Course meets my approval." in page  # [X] filled, capitalised
    assert "<legend>" in page and 'type="radio"' in page and "<textarea" in page

    saved = client.post(URL, data=answer_form(client, "save", aim_1="4", aim_2="5"))
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/learning/")
    (response,) = _rows(app, SurveyResponse)
    assert response.status == "draft" and response.submitted_at is None
    home = client.get("/learning/").get_data(as_text=True)
    assert "continue where you left off" in home

    resumed = client.get(URL).get_data(as_text=True)
    assert 'id="aim_1-4" name="aim_1" value="4" checked' in resumed
    assert 'id="aim_2-5" name="aim_2" value="5" checked' in resumed
    assert "You saved this survey on" in resumed

    answers = {"aim_1": "4", "aim_2": "5", "aim_3": "4", "aim_4": "3"}
    answers |= {"iam_1": "5", "iam_2": "5", "iam_3": "4"}  # 3 of 4: still scored
    answers |= {"fim_1": "2", "fim_2": "3"}  # 2 of 4: no score
    answers |= SUS | {"tfa_burden": "2", "open_use": "  Yes, with colleagues.  "}
    done = client.post(URL, data=answer_form(client, "submit", **answers))
    assert done.status_code == 302
    (response,) = _rows(app, SurveyResponse)
    assert response.status == "submitted" and response.submitted_at is not None
    stored = {a.item: a.value for a in _rows(app, SurveyAnswer)}
    assert stored["aim_4"] == 3 and "aim_1" in stored and "fim_3" not in stored
    assert stored["open_use"] == "Yes, with colleagues."
    scores = {s.instrument: s for s in _rows(app, SurveyScore)}
    assert set(scores) == {"aim", "iam", "fim", "sus", "tfa", "open-ended"}
    assert scores["aim"].value == 4.0 and scores["aim"].answered == 4
    assert scores["iam"].value == 4.67 and scores["iam"].missing == 1  # 14 / 3
    assert scores["fim"].value is None and scores["fim"].rule.startswith("not scored")
    assert scores["sus"].value == 85.0  # (17 + 17) x 2.5
    assert scores["tfa"].value is None and "on its own" in scores["tfa"].rule
    home = client.get("/learning/").get_data(as_text=True)
    assert f'href="{URL}"' not in home and 'href="/surveys/aim/after_module:intro"' in home


def test_a_submitted_response_cannot_be_changed(
    app, client, make_user, login, survey_course, complete, answer_form
):
    therapist = make_user("therapist")
    complete(therapist, "intro", "next")
    login(therapist)
    client.post(URL, data=answer_form(client, "submit", aim_1="5"))
    before = [(a.item, a.value) for a in _rows(app, SurveyAnswer)]
    for action in ("save", "submit"):
        again = client.post(URL, data=answer_form(client, action, aim_1="1", aim_2="1"))
        assert again.status_code == 409
        assert "cannot be changed" in again.get_data(as_text=True)
    assert [(a.item, a.value) for a in _rows(app, SurveyAnswer)] == before
    assert len(_rows(app, SurveyScore)) == 6
    shown = client.get(URL).get_data(as_text=True)
    assert "You submitted this survey on" in shown and "<form" not in shown.split("<main")[1]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"aim_1": "9"}, "Choose one of the answers shown."),
        ({"aim_1": "x"}, "Choose one of the answers shown."),
        ({"open_use": "a" * 5001}, "please shorten it to at most 5,000"),
    ],
)
def test_bad_answers_get_a_message_and_change_nothing(
    app, client, make_user, login, survey_course, complete, answer_form, fields, message
):
    therapist = make_user("therapist")
    complete(therapist, "intro", "next")
    login(therapist)
    client.post(URL, data=answer_form(client, "save", aim_2="3"))
    for action in ("save", "submit"):
        response = client.post(URL, data=answer_form(client, action, aim_3="4", **fields))
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        assert message in page and "Your answers were not saved" in page
        assert 'id="aim_3-4" name="aim_3" value="4" checked' in page  # nothing typed is lost
    assert [(a.item, a.value) for a in _rows(app, SurveyAnswer)] == [("aim_2", 3)]
    assert _rows(app, SurveyResponse)[0].status == "draft"


def test_an_empty_submit_or_unknown_action_is_refused(
    app, client, make_user, login, survey_course, complete, answer_form
):
    therapist = make_user("therapist")
    complete(therapist, "intro", "next")
    login(therapist)
    empty = client.post(URL, data=answer_form(client, "submit", open_use="   "))
    assert empty.status_code == 400
    assert "Answer at least one question" in empty.get_data(as_text=True)
    odd = client.post(URL, data=answer_form(client, "publish", aim_1="3"))
    assert odd.status_code == 400
    assert _rows(app, SurveyResponse) == [] and _rows(app, SurveyAnswer) == []


def test_a_survey_not_due_or_of_another_kind_is_not_found(
    client, make_user, login, survey_course, complete
):
    therapist = make_user("therapist")
    complete(therapist, "intro")
    login(therapist)
    assert client.get("/surveys/aim/after_module:intro").status_code == 200
    assert client.get(URL).status_code == 404  # the course is not finished
    assert client.get("/surveys/sus/after_consultations:2").status_code == 404
    assert client.get("/surveys/nothing/after_course").status_code == 404


def test_after_consultations_survey_opens_with_attendance(
    client, make_user, login, survey_course, monkeypatch
):
    from course.surveys import schedule

    monkeypatch.setattr(schedule, "attended_consultations", lambda user_id: 2)
    login(make_user("therapist"))
    home = client.get("/learning/").get_data(as_text=True)
    assert 'href="/surveys/sus/after_consultations:2"' in home
    assert "You attended 2 consultations." in home
    assert client.get("/surveys/sus/after_consultations:2").status_code == 200


def test_surveys_list_shows_due_and_submitted(
    client, make_user, login, survey_course, complete, answer_form
):
    therapist = make_user("therapist")
    complete(therapist, "intro", "next")
    login(therapist)
    client.post("/surveys/aim/after_module:intro", data=answer_form(client, "submit", aim_1="4"))
    page = client.get("/surveys/").get_data(as_text=True)
    assert "Post-course acceptability survey" in page.split("Submitted")[0]
    assert "Acceptability of Intervention Measure (AIM)</a>, submitted" in page


def test_home_queries_stay_constant_as_responses_grow(
    client, make_user, login, survey_course, complete, answer_form, count_queries
):
    therapist = make_user("therapist")
    complete(therapist, "intro", "next")
    login(therapist)
    client.get("/learning/")  # this process reads the published course once
    with count_queries() as before:
        client.get("/learning/")
    client.post("/surveys/aim/after_module:intro", data=answer_form(client, "submit", aim_1="4"))
    client.post(URL, data=answer_form(client, "save", aim_1="4"))
    with count_queries() as after:
        page = client.get("/learning/").get_data(as_text=True)
    assert "continue where you left off" in page
    assert after() == before() <= 12
