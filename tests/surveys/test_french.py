"""The survey pages in Canadian French: the therapist's list and form, the research pages."""

from __future__ import annotations

import uuid

from course import clock
from course.catalog.models import Module
from course.extensions import db

FR = {"Accept-Language": "fr-CA,fr;q=0.9"}
URL = "/surveys/acceptability/after_course"


def test_a_therapist_answers_a_survey_in_french(
    client, make_user, login, survey_course, complete, answer_form
):
    therapist = make_user("therapist")
    complete(therapist, "intro", "next")
    login(therapist)
    mine = client.get("/surveys/", headers=FR).get_data(as_text=True)
    assert '<html lang="fr-CA">' in mine and "<h1>Mes questionnaires</h1>" in mine
    assert "Vous avez terminé la formation." in mine
    home = client.get("/learning/", headers=FR).get_data(as_text=True)
    assert "Questionnaires à remplir" in home
    page = client.get(URL, headers=FR).get_data(as_text=True)
    assert "Vous pouvez laisser n\u2019importe quelle question sans réponse." in page
    assert "Enregistrer et terminer plus tard" in page and "Envoyer les réponses" in page

    bad = client.post(URL, data=answer_form(client, "submit", aim_1="9"), headers=FR)
    assert bad.status_code == 400
    text = bad.get_data(as_text=True)
    assert "Vos réponses n\u2019ont pas été enregistrées" in text
    assert "Choisissez l\u2019une des réponses proposées." in text

    empty = client.post(URL, data=answer_form(client, "submit"), headers=FR)
    assert "Répondez à au moins une question avant d\u2019envoyer le questionnaire." in (
        empty.get_data(as_text=True)
    )
    done = client.post(URL, data=answer_form(client, "submit", aim_1="4"), headers=FR)
    assert done.status_code == 302
    page = client.get(URL, headers=FR).get_data(as_text=True)
    assert "Vous avez envoyé ce questionnaire le" in page


def test_the_research_pages_are_in_french(client, make_user, login, survey_course):
    login(make_user("researcher"))
    schedule = client.get("/surveys/schedule", headers=FR).get_data(as_text=True)
    assert (
        '<html lang="fr-CA">' in schedule and "<h1>Calendrier des questionnaires</h1>" in schedule
    )
    assert "S\u2019ouvre après votre 2e consultation" in schedule
    assert (
        "S\u2019ouvre lorsque vous aurez terminé «\u00a0Introduction to tensions\u00a0»" in schedule
    )
    instruments = client.get("/surveys/instruments", headers=FR).get_data(as_text=True)
    assert "<h1>Instruments des questionnaires</h1>" in instruments
    assert "Calcul du score" in instruments and "Consignes" in instruments


def test_the_due_survey_e_mail_stays_in_english_for_a_french_reader(
    app, client, csrf, make_user, login, survey_course, complete, outbox
):
    """The account has no language: the e-mail is English, whatever the page's language."""
    therapist = make_user("therapist")
    complete(therapist, "intro")
    login(therapist)
    with app.app_context():
        revision = db.session.scalar(db.select(Module).where(Module.slug == "next")).published.id
    event = {"id": uuid.uuid4().hex, "type": "active", "at": clock.now_utc().isoformat(),
             "seconds": 40}  # fmt: skip
    response = client.post(
        "/learning/events",
        json={"module": "next", "revision": revision, "events": [event]},
        headers={"X-CSRFToken": csrf(client), **FR},
    )
    assert response.status_code == 200 and response.get_json()["complete"] is True
    mail = next(m for m in outbox if "Post-course" in m["Subject"])
    body = mail.get_content()
    assert "You finished the course." in body and "Vous avez terminé" not in body
