"""In Chromium: a therapist runs out of attempts; a trainer reads the item statistics and
gives another attempt; every page passes axe."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from course import clock
from course.assessments.models import QuizAttempt
from course.catalog.models import Quiz, QuizRevision
from course.extensions import db


def _one_attempt_and_ten_first_attempts(app, make_user) -> None:
    """The quiz allows one attempt; ten other therapists have taken it once."""
    others = [make_user("therapist") for _ in range(10)]
    now = clock.now_utc() - timedelta(days=1)
    with app.app_context():
        db.session.scalar(db.select(QuizRevision)).max_attempts = 1
        quiz = db.session.scalar(db.select(Quiz))
        for n, user in enumerate(others):
            points = {"marker": float(n % 2), "repair": [0.0, 0.5, 1.0][n % 3]}
            db.session.add(
                QuizAttempt(
                    user_id=user.id,
                    quiz_id=quiz.id,
                    quiz_revision_id=quiz.published_revision_id,
                    layout=[],
                    answers={},
                    correct={q: s == 1 for q, s in points.items()},
                    points=points,
                    score=50 * sum(points.values()),
                    passed=sum(points.values()) == 2,
                    number=1,
                    started_at=now,
                    submitted_at=now,
                )
            )
        db.session.commit()


def test_out_of_attempts_then_a_trainer_gives_another(
    page, app, make_user, sign_in, course, assert_accessible
):
    _one_attempt_and_ten_first_attempts(app, make_user)
    sign_in(make_user("therapist", name="Robin Learner"))
    page.goto("/assessments/intro/quiz")
    expect(page.get_by_text("This is your last attempt of 1.")).to_be_visible()
    page.get_by_label("Complaint about the therapist").check()
    page.get_by_label("Change the task").check()
    page.get_by_role("button", name="Submit answers").click()
    expect(
        page.get_by_text("You have no attempts left: please contact the trainers")
    ).to_be_visible()
    expect(page.get_by_text("Withdrawal markers move away from the work.")).to_be_visible()
    assert_accessible(page)
    page.goto("/assessments/intro/quiz")
    expect(page.get_by_text("Please contact the trainers")).to_be_visible()
    assert_accessible(page)

    page.context.clear_cookies()
    sign_in(make_user("trainer"))
    page.goto("/authoring/modules/intro/quiz")
    page.get_by_role("link", name="Item statistics").click()
    table = page.get_by_role("table", name="Item statistics per question, first attempts")
    expect(table.get_by_role("row")).to_have_count(3)
    expect(page.get_by_text("First attempts: 11")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Therapists out of attempts at this quiz").click()
    assert_accessible(page)
    page.get_by_label("Reason for giving Robin Learner another attempt").fill(
        "We went through the questions at the consultation."
    )
    page.get_by_role("button", name="Give Robin Learner another attempt").click()
    expect(
        page.get_by_text("Another attempt was given; the therapist has been told.")
    ).to_be_visible()
    expect(page.get_by_role("row", name="Robin Learner")).to_have_count(0)
    expect(page.get_by_role("row", name="Test Therapist")).to_have_count(9)  # one passed
