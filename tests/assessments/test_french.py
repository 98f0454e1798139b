"""The learner's quiz pages in Canadian French (the browser asks for French)."""

from __future__ import annotations

import re

NBSP = "\u00a0"
FR = {"Accept-Language": "fr-CA"}
QUIZ = "/assessments/intro/quiz"


def test_the_quiz_and_a_missing_answer_are_in_french(client, csrf, learner):
    page = client.get(QUIZ, headers=FR).get_data(as_text=True)
    assert '<html lang="fr-CA"' in page
    assert "2 questions." in page and f"Vous réussissez avec 100{NBSP}% ou plus." in page
    assert "Question 1 sur 2" in page and "Envoyer les réponses" in page
    response = client.post(
        re.search(r'action="(/assessments/intro/attempts/\d+)"', page).group(1),
        data={"q-marker": "a", "csrf_token": csrf(client)},
        headers=FR,
    )
    assert response.status_code == 422
    assert "Veuillez répondre à toutes les questions" in response.get_data(as_text=True)


def test_the_trainer_s_quiz_pages_are_in_french(
    client, csrf, learner, make_user, login, app, set_max_attempts
):
    set_max_attempts(1)  # one attempt allowed, and the learner fails it
    page = client.get(QUIZ).get_data(as_text=True)
    wrong = {"q-marker": "b", "q-repair": ["change"], "csrf_token": csrf(client)}
    action = re.search(r'action="(/assessments/intro/attempts/\d+)"', page).group(1)
    assert client.post(action, data=wrong).status_code == 302
    tab = app.test_client()
    login(make_user("trainer"), on=tab)
    used = tab.get("/assessments/intro/attempts-used", headers=FR).get_data(as_text=True)
    assert '<html lang="fr-CA"' in used and "Tentatives épuisées" in used
    assert "Accorder une autre tentative à Test Therapist" in used
    assert "Raison d'accorder une autre tentative à Test Therapist" in used.replace("&#39;", "'")
    refused = tab.post(
        f"/assessments/intro/attempts-used/{learner.id}",
        data={f"grant-{learner.id}-reason": " ", "csrf_token": csrf(tab)},
        headers=FR,
    )
    assert refused.status_code == 422
    assert "Indiquez pourquoi vous accordez une autre tentative." in refused.get_data(as_text=True)
    stats = tab.get("/assessments/intro/statistics", headers=FR).get_data(as_text=True)
    assert f"Premières tentatives{NBSP}: 1" in stats and "Pas encore assez de tentatives" in stats
