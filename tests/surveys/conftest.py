"""Helpers for survey tests: a course with a survey schedule, and finishing modules."""

from __future__ import annotations

import shutil

import pytest

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


@pytest.fixture
def complete(complete_modules):
    """``complete(user, *slugs)`` marks modules complete."""
    return complete_modules


@pytest.fixture
def answer_form(csrf):
    """``answer_form(client, action, **answers)``: form data for a survey POST."""

    def build(client, action="save", **answers):
        return {"csrf_token": csrf(client), "action": action, **answers}

    return build
