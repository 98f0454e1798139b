"""The attempt limit: the course's default, a quiz's own, enforced under the lock, humane."""

from __future__ import annotations

import re
import shutil

from course.assessments.models import QuizAttempt
from course.extensions import db
from course.notices.models import Notice

QUIZ = "/assessments/intro/quiz"
RIGHT = {"q-marker": "a", "q-repair": ["explore", "own"]}
WRONG = {"q-marker": "b", "q-repair": ["change"]}
EXPLANATION = "Withdrawal markers move away from the work."


def attempt_url(page: str) -> str:
    return re.search(r'action="(/assessments/intro/attempts/\d+)"', page).group(1)


def _submitted(app) -> int:
    with app.app_context():
        return db.session.scalar(
            db.select(db.func.count(QuizAttempt.id)).where(QuizAttempt.submitted_at.is_not(None))
        )


def test_three_attempts_by_default_then_a_humane_closed_page(
    app, learner, client, take_quiz, make_user
):
    trainer = make_user("trainer", name="Tess Trainer")
    assert "You have 3 of 3 attempts left." in client.get(QUIZ).get_data(as_text=True)
    take_quiz(client, WRONG)
    take_quiz(client, WRONG)
    assert "This is your last attempt of 3." in client.get(QUIZ).get_data(as_text=True)
    last = take_quiz(client, WRONG)
    result = client.get(last.headers["Location"]).get_data(as_text=True)
    assert "You have no attempts left: please contact the trainers" in result
    assert EXPLANATION in result and "Try again" not in result  # the key, at last
    closed = client.get(QUIZ)
    page = closed.get_data(as_text=True)
    assert closed.status_code == 200 and 'action="/assessments/intro/attempts/' not in page
    assert "You have used all 3 attempts at this quiz" in page
    assert "Please contact the trainers" in page and "another attempt" in page
    assert _submitted(app) == 3
    with app.app_context():
        notices = db.session.scalars(db.select(Notice).where(Notice.user_id == trainer.id)).all()
    assert [n.kind for n in notices] == ["quiz.attempts_used"]
    assert "Test Therapist has used all 3 attempts at the intro quiz" in notices[0].text
    assert notices[0].link == "/assessments/intro/attempts-used"


def test_the_course_file_sets_the_limit_and_a_quiz_may_set_its_own(
    app,
    make_user,
    login,
    client,
    take_quiz,
    fixture_root,
    import_course,
    tmp_path,
    set_max_attempts,
):
    root = tmp_path / "course"
    shutil.copytree(fixture_root, root)
    course_file = root / "modules" / "course.yaml"
    course_file.write_text(course_file.read_text() + "quiz_attempts: 1\n")
    import_course(root)
    login(make_user("therapist"))
    assert "This is your last attempt of 1." in client.get(QUIZ).get_data(as_text=True)
    set_max_attempts(2)  # the quiz's own setting wins over the course's
    assert "You have 2 of 2 attempts left." in client.get(QUIZ).get_data(as_text=True)
    course_file.write_text(course_file.read_text().replace("quiz_attempts: 1", "quiz_attempts: 0"))
    import_course(root)
    set_max_attempts(0)
    assert "You may try as often as you like." in client.get(QUIZ).get_data(as_text=True)


def test_a_submit_beyond_the_limit_is_a_409_and_records_nothing(
    app, learner, client, csrf, open_attempt, set_max_attempts
):
    set_max_attempts(1)
    first = attempt_url(client.get(QUIZ).get_data(as_text=True))
    stale = open_attempt(learner)  # a second tab (as on an older revision), never submitted
    assert client.post(first, data={**WRONG, "csrf_token": csrf(client)}).status_code == 302
    response = client.post(stale, data={**RIGHT, "csrf_token": csrf(client)})
    assert response.status_code == 409
    assert "You have used all 1 attempts at this quiz" in response.get_data(as_text=True)
    assert _submitted(app) == 1


def test_passing_ends_the_attempts_without_a_notice(app, learner, client, take_quiz, make_user):
    trainer = make_user("trainer")
    take_quiz(client, WRONG)
    take_quiz(client, WRONG)
    take_quiz(client, RIGHT)  # the last attempt, passed
    page = client.get(QUIZ).get_data(as_text=True)
    assert "You passed this quiz" in page and "contact the trainers" not in page
    with app.app_context():
        assert db.session.scalar(db.select(Notice).where(Notice.user_id == trainer.id)) is None


def test_failing_a_last_attempt_after_passing_tells_no_trainer(
    app, learner, client, csrf, make_user, open_attempt, set_max_attempts
):
    trainer = make_user("trainer")
    set_max_attempts(2)
    first = attempt_url(client.get(QUIZ).get_data(as_text=True))
    stale = open_attempt(learner)  # a second tab opened before passing
    assert client.post(first, data={**RIGHT, "csrf_token": csrf(client)}).status_code == 302
    assert client.post(stale, data={**WRONG, "csrf_token": csrf(client)}).status_code == 302
    assert _submitted(app) == 2
    with app.app_context():
        assert db.session.scalar(db.select(Notice).where(Notice.user_id == trainer.id)) is None
