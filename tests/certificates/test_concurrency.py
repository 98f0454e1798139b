"""A double click on "confirm" from two tabs issues one certificate, never two."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from course.certificates.models import Certificate
from course.extensions import db

pytestmark = pytest.mark.postgres_only


def test_simultaneous_confirmations_issue_one_certificate(
    app, make_user, login, csrf, cert_course, finish
):
    therapist = make_user("therapist")
    finish(therapist)
    tabs = [app.test_client() for _ in range(4)]
    for tab in tabs:
        login(therapist, on=tab)
    forms = [{"csrf_token": csrf(tab), "name": "Dana Smith", "confirm": "y"} for tab in tabs]

    def confirm(n: int) -> int:
        return tabs[n].post("/certificates/", data=forms[n]).status_code

    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = list(pool.map(confirm, range(4)))
    assert sorted(statuses) == [302, 409, 409, 409]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Certificate.id))) == 1
