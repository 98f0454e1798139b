"""Helpers for posting progress events."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from course import clock
from course.catalog.models import Module
from course.extensions import db


def event(kind: str, **fields) -> dict:
    """One event with a fresh id and the current time."""
    at = fields.pop("at", clock.now_utc())
    return {"id": uuid.uuid4().hex, "type": kind, "at": at.isoformat(), **fields}


@pytest.fixture
def ev():
    """``ev(kind, **fields)`` builds an event."""
    return event


@pytest.fixture
def revision_of(app):
    """``revision_of(slug)`` gives (revision id, [video keys]) of the published module."""

    def find(slug: str):
        with app.app_context():
            module = db.session.scalar(db.select(Module).where(Module.slug == slug))
            return module.published.id, [v["key"] for v in module.published.videos]

    return find


@pytest.fixture
def post_events(client, csrf, revision_of):
    """``post_events(events, slug="intro", on=client, revision=None)`` posts one batch."""

    def post(events, slug="intro", on=None, revision=None, raw=None):
        target = on or client
        rev = revision if revision is not None else revision_of(slug)[0]
        body = raw if raw is not None else {"module": slug, "revision": rev, "events": events}
        return target.post("/learning/events", json=body, headers={"X-CSRFToken": csrf(target)})

    return post


@pytest.fixture
def later():
    """``later(seconds)``: an aware UTC time in the future."""
    return lambda seconds: clock.now_utc() + timedelta(seconds=seconds)
