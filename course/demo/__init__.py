"""Demo data for `make run`: one account per role, a few consultation sessions, and a
seeded demo trial (``course.demo.trial``) that ``flask --app app demo remove`` takes out.

The top of the package tree: it composes what several features offer, and no feature
imports it.
"""

from __future__ import annotations

import secrets

from flask import Flask

from course.auth.models import User
from course.auth.services import create_user
from course.consultations.demo import seed_demo_sessions
from course.demo.marker import has_demo_trial
from course.extensions import db

DEMO_ACCOUNTS = (
    ("therapist@example.org", "therapist", "Demo Therapist", "open"),
    ("trainer@example.org", "trainer", "Demo Trainer", None),
    ("researcher@example.org", "researcher", "Demo Researcher", None),
    ("admin@example.org", "admin", "Demo Admin", None),
)


def seed_demo_accounts() -> list[tuple[User, str]]:
    """On an empty database, create one account per role with a random password.

    Returns (user, password) pairs; empty when any account already exists.
    """
    if db.session.scalar(db.select(User.id).limit(1)) is not None:
        return []
    created = []
    for email, role, name, arm in DEMO_ACCOUNTS:
        password = secrets.token_urlsafe(12)
        created.append(
            (create_user(email, role=role, password=password, name=name, arm=arm), password)
        )
    seed_demo_sessions(next(user for user, _ in created if user.role == "trainer"))
    return created


def init_app(app: Flask) -> None:
    """Staff pages show a banner while the demo trial is in the database."""

    @app.context_processor
    def demo_banner() -> dict:
        # A callable: only the staff pages that show the banner pay for its query.
        return {"demo_trial_present": has_demo_trial}
