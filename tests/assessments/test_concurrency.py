"""Four tabs submitting four open attempts at once with one attempt left: one is graded."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from course.assessments.models import QuizAttempt
from course.extensions import db

pytestmark = pytest.mark.postgres_only
WRONG = {"q-marker": "b", "q-repair": ["change"]}


def test_simultaneous_submits_cannot_pass_the_attempt_limit(
    app, make_user, login, csrf, course, open_attempt, set_max_attempts
):
    set_max_attempts(1)
    therapist = make_user("therapist")
    tabs = [app.test_client() for _ in range(4)]
    for tab in tabs:
        login(therapist, on=tab)
    page = tabs[0].get("/assessments/intro/quiz").get_data(as_text=True)
    urls = [re.search(r'action="(/assessments/intro/attempts/\d+)"', page).group(1)]
    urls += [open_attempt(therapist) for _ in tabs[1:]]  # other tabs' (older revisions)
    forms = [{**WRONG, "csrf_token": csrf(tab)} for tab in tabs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = list(
            pool.map(lambda n: tabs[n].post(urls[n], data=forms[n]).status_code, range(4))
        )
    # Without the lock, tabs would count 0 attempts used together; the unique attempt number
    # would then refuse all but one as a double submit (302), not as over the limit (409).
    assert sorted(statuses) == [302, 409, 409, 409]
    with app.app_context():
        graded = db.session.scalars(
            db.select(QuizAttempt).where(QuizAttempt.submitted_at.is_not(None))
        ).all()
    assert [a.number for a in graded] == [1]
