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
    assert "Question 1 sur 2" in page and "Soumettre les réponses" in page
    response = client.post(
        re.search(r'action="(/assessments/intro/attempts/\d+)"', page).group(1),
        data={"q-marker": "a", "csrf_token": csrf(client)},
        headers=FR,
    )
    assert response.status_code == 422
    assert "Veuillez répondre à toutes les questions" in response.get_data(as_text=True)
