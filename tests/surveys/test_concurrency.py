"""Two tabs submitting the same survey at once: one submission, one refusal."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from course.extensions import db
from course.surveys.models import SurveyResponse, SurveyScore

pytestmark = pytest.mark.postgres_only
URL = "/surveys/acceptability/after_course"


def test_simultaneous_submits_from_two_tabs_score_once(
    app, make_user, login, csrf, survey_course, complete
):
    therapist = make_user("therapist")
    complete(therapist, "intro", "next")
    tabs = [app.test_client() for _ in range(4)]
    for tab in tabs:
        login(therapist, on=tab)
    forms = [
        {"csrf_token": csrf(tab), "action": "submit", "aim_1": str(n + 1)}
        for n, tab in enumerate(tabs)
    ]
    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = list(pool.map(lambda n: tabs[n].post(URL, data=forms[n]).status_code, range(4)))
    assert sorted(statuses) == [302, 409, 409, 409]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(SurveyResponse.id))) == 1
        assert db.session.scalar(db.select(db.func.count(SurveyScore.id))) == 6
