"""Another attempt: trainers see who is out of attempts and give one, audited and told."""

from __future__ import annotations

import re

import pytest

from course.assessments.models import QuizAttemptGrant
from course.audit.models import AuditEntry
from course.extensions import db
from course.notices.models import Notice

QUIZ = "/assessments/intro/quiz"
USED = "/assessments/intro/attempts-used"
WRONG = {"q-marker": "b", "q-repair": ["change"]}


@pytest.fixture
def out_of_attempts(app, learner, client, take_quiz, set_max_attempts):
    """The learner, having failed the quiz's only attempt."""
    set_max_attempts(1)
    take_quiz(client, WRONG)
    return learner


@pytest.fixture
def trainer_tab(app, make_user, login):
    tab = app.test_client()
    trainer = make_user("trainer", name="Tess Trainer")
    login(trainer, on=tab)
    return tab, trainer


def _grant(tab, csrf, user, reason):
    return tab.post(
        f"{USED}/{user.id}", data={f"grant-{user.id}-reason": reason, "csrf_token": csrf(tab)}
    )


def test_a_trainer_gives_another_attempt_audited_and_the_therapist_is_told(
    app, out_of_attempts, client, take_quiz, trainer_tab, csrf
):
    tab, trainer = trainer_tab
    page = tab.get(USED).get_data(as_text=True)
    assert "Test Therapist" in page and out_of_attempts.email in page
    label = "Reason for giving Test Therapist another attempt"
    assert f'<label for="grant-{out_of_attempts.id}-reason">{label}</label>' in page
    response = _grant(tab, csrf, out_of_attempts, "  Talked it through   on 3 March. ")
    assert response.status_code == 302
    assert "Nobody is out of attempts" in tab.get(USED).get_data(as_text=True)
    with app.app_context():
        grant = db.session.scalar(db.select(QuizAttemptGrant))
        entry = db.session.scalar(
            db.select(AuditEntry).where(AuditEntry.action == "quiz.attempt_granted")
        )
        notice = db.session.scalar(db.select(Notice).where(Notice.user_id == out_of_attempts.id))
    assert (grant.granted_by_id, grant.reason) == (trainer.id, "Talked it through on 3 March.")
    assert entry.actor_id == trainer.id and entry.target == f"user:{out_of_attempts.id}"
    assert entry.details["reason"] == "Talked it through on 3 March."
    assert entry.details["quiz"] == "intro" and entry.details["limit_before"] == 1
    assert notice.kind == "quiz.attempt_granted" and notice.link == QUIZ
    assert "This is your last attempt of 2." in client.get(QUIZ).get_data(as_text=True)
    assert take_quiz(client, WRONG).status_code == 302
    assert "You have used all 2 attempts" in client.get(QUIZ).get_data(as_text=True)


def test_a_grant_needs_a_reason_shown_beside_the_field(app, out_of_attempts, trainer_tab, csrf):
    tab, _ = trainer_tab
    response = _grant(tab, csrf, out_of_attempts, "   ")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'id="grant-\d+-reason-error">Say why you are giving another attempt', page)
    assert 'aria-invalid="true"' in page
    with app.app_context():
        assert db.session.scalar(db.select(QuizAttemptGrant)) is None


def test_no_grant_for_someone_with_attempts_left(app, learner, trainer_tab, csrf, make_user):
    tab, _ = trainer_tab
    response = _grant(tab, csrf, learner, "Just in case")
    assert response.status_code == 409
    assert "still has attempts left" in response.get_data(as_text=True)
    assert _grant(tab, csrf, make_user("trainer"), "Not a therapist").status_code == 404
    with app.app_context():
        assert db.session.scalar(db.select(QuizAttemptGrant)) is None


@pytest.mark.parametrize("role", ["therapist", "researcher"])
def test_only_trainers_and_admins_see_or_give_attempts(
    app, out_of_attempts, make_user, login, csrf, role
):
    tab = app.test_client()
    login(make_user(role), on=tab)
    assert tab.get(USED).status_code == 403
    assert _grant(tab, csrf, out_of_attempts, "Because").status_code == 403
    admin = app.test_client()
    login(make_user("admin"), on=admin)
    assert admin.get(USED).status_code == 200
    assert _grant(admin, csrf, out_of_attempts, "After our call").status_code == 302
