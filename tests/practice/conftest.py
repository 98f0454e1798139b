"""Practice fixtures: the test course with a scenario and a drill set the next module needs."""

from __future__ import annotations

import shutil

import pytest

PRACTICE = "/practice"


@pytest.fixture
def practice_course(tmp_path, fixture_root, import_course):
    """The test course plus scenarios/small.yaml and drills/withdrawal.yaml; module "next"
    is complete once the scenario has ended and two drill items are answered and rated."""
    root = tmp_path / "course"
    shutil.copytree(fixture_root, root)
    shutil.copytree(fixture_root.parent / "practice" / "scenarios", root / "scenarios")
    shutil.copytree(fixture_root.parent / "practice" / "drills", root / "drills")
    module = root / "modules" / "02-next.md"
    module.write_text(
        module.read_text().replace(
            "  min_seconds: 30\n",
            "  scenario: small\n  practice:\n    set: withdrawal\n    items: 2\n",
        )
    )
    return import_course(root)


@pytest.fixture
def learner(client, make_user, login, practice_course, complete_modules):
    """A self-paced therapist who has finished the introduction (so "next" is open)."""
    user = make_user("therapist", arm="self_paced")
    complete_modules(user, "intro")
    login(user)
    return user


@pytest.fixture
def form(client, csrf):
    """``form(path, **fields)`` posts a form with a CSRF token."""

    def post(path: str, **fields):
        return client.post(path, data={**fields, "csrf_token": csrf(client)})

    return post
