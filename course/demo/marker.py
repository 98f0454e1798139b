"""How demo trial data is recognised, and when it may be made."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from course.auth.models import User
from course.errors import DomainError
from course.extensions import db

#: Every demo account's address ends here (RFC 2606 reserves example.org; email-validator
#: refuses .invalid, so the marker is this subdomain).
DEMO_DOMAIN = "demo.example.org"
#: The stratum value that keeps demo recruits out of every real stratum's blocks.
DEMO_REGION = "DEMO"
REMOVE_HINT = "Demo trial data — remove with `flask --app app demo remove`"


class DemoRefused(DomainError):
    """Demo data cannot be made or removed here; the message says why."""


def demo_like():
    """The SQL LIKE pattern of a demo address."""
    return f"%@{DEMO_DOMAIN}"


def demo_user_ids() -> list[int]:
    """Ids of every demo account."""
    return list(db.session.scalars(select(User.id).where(User.email.like(demo_like()))))


def has_demo_trial() -> bool:
    """True while any demo account exists."""
    return (
        db.session.scalar(select(User.id).where(User.email.like(demo_like())).limit(1)) is not None
    )


def refuse_in_production() -> None:
    """Demo data is for trying the platform; a production database never gets any."""
    if current_app.config.get("ENV") == "production":
        raise DemoRefused("Demo data is never seeded in production (COURSE_ENV=production).", 403)
