"""Quizzes: server-side grading, stored order, limits, one attempt per submit."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from course.assessments.models import QuizAttempt
from course.extensions import db

RIGHT = {"q-marker": "a", "q-repair": ["explore", "own"]}
WRONG = {"q-marker": "b", "q-repair": ["change"]}


def _attempt_url(page: str) -> str:
    return re.search(r'action="(/assessments/intro/attempts/\d+)"', page).group(1)


def _submit(client, csrf, answers, page=None):
    page = page or client.get("/assessments/intro/quiz").get_data(as_text=True)
    return client.post(_attempt_url(page), data={**answers, "csrf_token": csrf(client)})


def test_the_page_holds_no_answers_or_feedback_before_submission(learner, client):
    response = client.get("/assessments/intro/quiz")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    # The quiz itself is there: both prompts and every option, with the submit form.
    for shown in (
        "What marker is this?",
        "Which are exploratory strategies?",
        "Minimal responses",
        "Complaint about the therapist",
        "Invite the patient to talk about what is happening between you",
        "Acknowledge your own part",
        "Change the task",
    ):
        assert shown in page
    assert _attempt_url(page)
    for secret in (
        "Right, short answers",
        "That is an immediate strategy",
        "correct",
        "Withdrawal markers move away",
    ):
        assert secret not in page


class _Radios(HTMLParser):
    def __init__(self):
        super().__init__()
        self.values = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name", "").startswith("q-"):
            self.values.append((attrs["name"], attrs["value"]))


def test_order_is_stored_with_the_attempt_and_kept_on_reload(app, learner, client):
    first = client.get("/assessments/intro/quiz").get_data(as_text=True)
    again = client.get("/assessments/intro/quiz").get_data(as_text=True)
    assert _attempt_url(first) == _attempt_url(again)  # the same open attempt
    shown = _Radios()
    shown.feed(first)
    with app.app_context():
        attempt = db.session.scalar(db.select(QuizAttempt))
    stored = [(f"q-{e['question']}", o) for e in attempt.layout for o in e["options"]]
    assert shown.values == stored


def test_shuffle_varies_the_order_between_attempts(app, make_user, login, course):
    layouts = set()
    for _ in range(12):
        client = app.test_client()
        login(make_user("therapist"), on=client)
        client.get("/assessments/intro/quiz")
    with app.app_context():
        for attempt in db.session.scalars(db.select(QuizAttempt)):
            layouts.add(str(attempt.layout))
    assert len(layouts) > 1


KEY = (
    "No, that would be a confrontation marker.",  # feedback on the chosen option
    "That is an immediate strategy.",
    "Withdrawal markers move away from the work.",  # explanation
    "a right answer",
)


def test_a_failed_attempt_shows_scores_but_not_the_key_until_passed(app, learner, client, csrf):
    failed = _submit(client, csrf, WRONG)
    result = client.get(failed.headers["Location"]).get_data(as_text=True)
    assert "0%" in result and "The pass mark is 100%" in result
    assert "Question 1: not right" in result and "Question 2: not right" in result
    assert "You have 2 of 3 attempts left." in result and "Try again" in result
    assert "Complaint about the therapist" in result  # what they chose, without a verdict
    for secret in (*KEY, "Minimal responses", "Acknowledge your own part"):
        assert secret not in result
    passed = _submit(client, csrf, RIGHT)
    result = client.get(passed.headers["Location"]).get_data(as_text=True)
    assert "100%" in result and "You passed" in result and "Try again" not in result
    assert all(text in result for text in KEY[1:])
    assert "Attempt 1" in result and "Attempt 2" in result
    # Once passed, the failed attempt explains itself too.
    first = client.get(failed.headers["Location"]).get_data(as_text=True)
    assert all(text in first for text in KEY)


def test_a_multiple_answer_question_earns_partial_credit(app, learner, client, csrf):
    response = _submit(client, csrf, {"q-marker": "a", "q-repair": ["explore"]})
    result = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "75%" in result and "1.5 of 2 points" in result
    assert re.search(r"Question [12]: partly right \(0.5 of 1 point\)", result)
    with app.app_context():
        attempt = db.session.scalar(db.select(QuizAttempt))
    assert attempt.points == {"marker": 1.0, "repair": 0.5}
    assert attempt.correct == {"marker": True, "repair": False}
    assert (attempt.score, attempt.passed) == (75.0, False)


def test_a_repeated_submit_records_one_attempt(app, learner, client, csrf):
    page = client.get("/assessments/intro/quiz").get_data(as_text=True)
    first = _submit(client, csrf, WRONG, page)
    second = _submit(client, csrf, RIGHT, page)  # the same form again, other answers
    assert first.headers["Location"] == second.headers["Location"]
    with app.app_context():
        attempts = db.session.scalars(db.select(QuizAttempt)).all()
    assert len(attempts) == 1 and attempts[0].score == 0


def test_missing_answers_keep_choices_and_record_nothing(app, learner, client, csrf):
    response = _submit(client, csrf, {"q-marker": "a"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Please answer every question" in page and "checked" in page
    with app.app_context():
        assert db.session.scalar(db.select(QuizAttempt.submitted_at)) is None


def test_the_summary_numbers_each_missing_question_as_the_page_does(app, learner, client, csrf):
    page = _submit(client, csrf, {}).get_data(as_text=True)
    summary = page.split('class="error-summary"')[1].split("</div>")[0]
    linked = re.findall(r'href="#question-([\w-]+)">Question (\d+)</a>', summary)
    shown = re.findall(r'id="question-([\w-]+)".*?<legend>Question (\d+) of', page, re.S)
    assert linked == shown and [n for _, n in linked] == ["1", "2"]


@pytest.mark.parametrize(
    "answers", [{"q-marker": "zzz", "q-repair": "own"}, {"q-marker": ["a", "b"], "q-repair": "own"}]
)
def test_forged_answers_get_a_clear_400(app, learner, client, csrf, answers):
    response = _submit(client, csrf, answers)
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(db.select(QuizAttempt.submitted_at)) is None


def test_someone_elses_attempt_is_404(app, learner, client, csrf, make_user, login):
    page = client.get("/assessments/intro/quiz").get_data(as_text=True)
    other = app.test_client()
    login(make_user("therapist"), on=other)
    response = other.post(_attempt_url(page), data={**RIGHT, "csrf_token": csrf(other)})
    assert response.status_code == 404
