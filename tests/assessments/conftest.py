"""Quiz helpers: take the fixture quiz (intro) as a therapist would, and set its limits."""

from __future__ import annotations

import re

import pytest

from course import clock
from course.assessments.models import QuizAttempt
from course.catalog.models import Quiz, QuizRevision
from course.extensions import db

QUIZ = "/assessments/intro/quiz"


def attempt_url(page: str) -> str:
    """The form's action on a quiz page."""
    return re.search(r'action="(/assessments/intro/attempts/\d+)"', page).group(1)


@pytest.fixture
def learner(client, make_user, login, course):
    """A therapist signed in on ``client``, with the fixture course imported."""
    user = make_user("therapist")
    login(user)
    return user


@pytest.fixture
def take_quiz(csrf):
    """``take_quiz(client, answers)``: open the quiz and submit; returns the response."""

    def take(client, answers):
        page = client.get(QUIZ).get_data(as_text=True)
        return client.post(attempt_url(page), data={**answers, "csrf_token": csrf(client)})

    return take


@pytest.fixture
def set_max_attempts(app):
    """``set_max_attempts(n)``: the published quiz revision's own ``max_attempts``."""

    def set_it(n: int) -> None:
        with app.app_context():
            db.session.scalar(db.select(QuizRevision)).max_attempts = n
            db.session.commit()

    return set_it


@pytest.fixture
def open_attempt(app):
    """``open_attempt(user)``: one more open attempt, as a tab opened on an older revision
    leaves behind; returns its form URL."""

    def add(user) -> str:
        with app.app_context():
            quiz = db.session.scalar(db.select(Quiz))
            revision = db.session.get(QuizRevision, quiz.published_revision_id)
            attempt = QuizAttempt(
                user_id=user.id,
                quiz_id=quiz.id,
                quiz_revision_id=revision.id,
                layout=[
                    {"question": q["id"], "options": [o["id"] for o in q["options"]]}
                    for q in revision.questions
                ],
                answers={},
                correct={},
                started_at=clock.now_utc(),
            )
            db.session.add(attempt)
            db.session.commit()
            return f"/assessments/intro/attempts/{attempt.id}"

    return add
