"""Helpers for survey tests: a course with a survey schedule, and finishing modules."""

from __future__ import annotations

import shutil

import pytest

from course import clock
from course.authoring.models import Module
from course.extensions import db
from course.learning.models import ModuleProgress

SCHEDULED_COURSE = """\
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
  after_module:
    intro: aim
  after_consultations:
    2: sus
"""


@pytest.fixture
def survey_course(tmp_path, fixture_root, import_course):
    """The test course with surveys after the course, after `intro`, after 2 consultations."""
    root = tmp_path / "course"
    shutil.copytree(fixture_root, root)
    (root / "modules" / "course.yaml").write_text(SCHEDULED_COURSE)
    return import_course(root)


def mark_complete(app, user, *slugs: str) -> None:
    """Record modules as complete for a user, as the learning feature would."""
    now = clock.now_utc()
    with app.app_context():
        for slug in slugs:
            module = db.session.scalar(db.select(Module).where(Module.slug == slug))
            db.session.add(
                ModuleProgress(
                    user_id=user.id,
                    module_id=module.id,
                    started_at=now,
                    last_activity_at=now,
                    active_seconds=600.0,
                    completed_at=now,
                    completed_revision_id=module.published_revision_id,
                )
            )
        db.session.commit()


@pytest.fixture
def complete(app):
    """``complete(user, *slugs)`` marks modules complete."""
    return lambda user, *slugs: mark_complete(app, user, *slugs)


@pytest.fixture
def answer_form(csrf):
    """``answer_form(client, action, **answers)``: form data for a survey POST."""

    def build(client, action="save", **answers):
        return {"csrf_token": csrf(client), "action": action, **answers}

    return build
