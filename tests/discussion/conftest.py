"""Discussion fixtures: the test course, a self-paced learner, a trainer, posting forms."""

from __future__ import annotations

import re

import pytest

DISCUSSION = "/discussion/module/intro"


@pytest.fixture
def learner(client, make_user, login, course):
    """A self-paced therapist, signed in (module "intro" is open to them)."""
    user = make_user("therapist", arm="self_paced", name="Lee Learner")
    login(user)
    return user


@pytest.fixture
def trainer_client(app, make_user, login):
    """A second browser, signed in as a trainer."""
    browser = app.test_client()
    trainer = make_user("trainer", name="Tara Trainer")
    login(trainer, on=browser)
    browser.user = trainer
    return browser


@pytest.fixture
def post_to(csrf):
    """``post_to(client, path, **fields)``: a form post with a CSRF token."""

    def post(client, path: str, **fields):
        return client.post(path, data={**fields, "csrf_token": csrf(client)})

    return post


def post_ids(page: str) -> list[int]:
    """The ids of the posts on a discussion page, in order."""
    return [int(x) for x in re.findall(r'id="post-(\d+)"', page)]
