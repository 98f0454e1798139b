"""Demo data for `make run`: one account per role and a few consultation sessions.

The top of the package tree: it composes what several features offer, and no feature
imports it.
"""

from __future__ import annotations

import secrets

from course.auth.models import User
from course.auth.services import create_user
from course.consultations.demo import seed_demo_sessions
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
