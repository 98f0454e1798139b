"""Helpers for certificate tests: a course whose certificate needs a survey, and finishing it."""

from __future__ import annotations

import shutil
from datetime import datetime

import pytest

from course import clock
from course.extensions import db
from course.surveys.models import SurveyResponse

COURSE_FILE = """\
title: Test Course
provider: Test Provider
ce_hours: 1.5
consent_version: "1"
consultation_gate: [intro]
certificate:
  modules: all
  surveys: [acceptability]
surveys:
  after_course: acceptability
"""


@pytest.fixture
def cert_course(tmp_path, fixture_root, import_course):
    """The test course; its certificate needs both modules and the acceptability survey."""
    root = tmp_path / "course"
    shutil.copytree(fixture_root, root)
    (root / "modules" / "course.yaml").write_text(COURSE_FILE)
    return import_course(root)


@pytest.fixture
def finish(app, complete_modules):
    """``finish(user, modules=("intro", "next"), survey=True, at=None)``: do the work."""

    def run(user, modules=("intro", "next"), survey: bool = True, at: datetime | None = None):
        now = at or clock.now_utc()
        complete_modules(user, *modules, at=now)
        with app.app_context():
            if survey:
                db.session.add(
                    SurveyResponse(
                        user_id=user.id,
                        survey="acceptability",
                        trigger="after_course",
                        status="submitted",
                        started_at=now,
                        updated_at=now,
                        submitted_at=now,
                    )
                )
            db.session.commit()

    return run


@pytest.fixture
def claim(csrf):
    """``claim(client, name)``: confirm the name on the certificate page."""

    def post(client, name: str = "Dana Smith", confirm: bool = True):
        data = {"csrf_token": csrf(client), "name": name}
        if confirm:
            data["confirm"] = "y"
        return client.post("/certificates/", data=data)

    return post
