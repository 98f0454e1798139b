"""A quiz attempt records the language it was answered in; switching language keeps it."""

from __future__ import annotations

import re

from course.assessments.models import QuizAttempt
from course.extensions import db

FR = {"Accept-Language": "fr-CA"}
QUIZ = "/assessments/intro/quiz"
RIGHT = {"q-marker": "a", "q-repair": ["change", "own"]}


def _action(page: str) -> str:
    return re.search(r'action="(/assessments/intro/attempts/\d+)"', page).group(1)


def _attempts(app):
    with app.app_context():
        rows = db.session.scalars(db.select(QuizAttempt).order_by(QuizAttempt.id)).all()
        return [(a.id, a.language, a.submitted_at is not None) for a in rows]


def test_a_french_attempt_is_recorded_in_french(app, client, csrf, learner):
    page = client.get(QUIZ, headers=FR).get_data(as_text=True)
    ((attempt_id, shown_in, _),) = _attempts(app)
    assert shown_in == "fr"
    response = client.post(_action(page), data={**RIGHT, "csrf_token": csrf(client)}, headers=FR)
    assert response.status_code == 302
    assert _attempts(app) == [(attempt_id, "fr", True)]


def test_switching_language_keeps_the_open_attempt_and_records_the_last_page(
    app, client, csrf, learner
):
    french = client.get(QUIZ, headers=FR).get_data(as_text=True)
    english = client.get(QUIZ, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert _action(french) == _action(english)  # the same attempt, shown in English
    ((attempt_id, _, _),) = _attempts(app)
    client.post(_action(english), data={**RIGHT, "csrf_token": csrf(client)})
    assert _attempts(app) == [(attempt_id, "en", True)]
