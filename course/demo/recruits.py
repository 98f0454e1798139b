"""Demo recruits: invited, registered, consenting or declining, then randomized.

Each step is the service a person's page or the researcher's button calls: the
invitation and registration of ``course.auth``, ``course.research.consent.decide`` with
the text's hash and the typed "I agree", and ``randomize_pending`` (the one writer of the
arm) drawing from a seeded sequence so the demo is the same each time.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from random import Random

from course import clock
from course.auth.invitations import invite, register
from course.auth.services import create_user
from course.demo.marker import DEMO_DOMAIN, DEMO_REGION
from course.research import consent
from course.research.allocation import randomize_pending
from course.research.consent_text import sha256_text
from course.research.randomization import PermutedBlockSequence

RECRUITS = 24
NEVER_REGISTERED = 2
DECLINING = 4
PROFESSIONS = ("psychologist", "social_worker", "counsellor")
ZONES = ("America/Toronto", "America/Vancouver", "America/Halifax", "America/Winnipeg")


def staff(role: str, local: str, name: str, at: datetime):
    """A demo staff account (no password anyone knows: it signs nobody in)."""
    with clock.frozen(at):
        return create_user(
            f"{local}@{DEMO_DOMAIN}",
            role=role,
            password=secrets.token_urlsafe(24),
            name=name,
        )


def recruit(coordinator, number: int, start: datetime, rng: Random):
    """Invite one recruit (holding arm ``control``) and, most of them, register them."""
    email = f"recruit{number:02d}@{DEMO_DOMAIN}"
    invited = start + timedelta(hours=number * 2)
    with clock.frozen(invited):
        _invitation, token = invite(coordinator, email, "therapist", "control")
    if number > RECRUITS - NEVER_REGISTERED:
        return None
    with clock.frozen(invited + timedelta(hours=rng.randint(3, 30))):
        return register(
            token,
            name=f"Demo Recruit {number:02d}",
            password=secrets.token_urlsafe(24),
            timezone=rng.choice(ZONES),
            profession=rng.choice(PROFESSIONS),
            region=DEMO_REGION,
        )


def answer_consent(user, accept: bool, at: datetime) -> None:
    """Accept (read, ticked, typed "I agree") or decline the current consent text."""
    with clock.frozen(at):
        version = consent.current_version()
        text = consent.consent_text_of(version)
        consent.decide(
            user,
            accept=accept,
            version=version,
            text_sha256=sha256_text(text),
            read=accept,
            typed="I agree" if accept else None,
        )


def enrol(coordinator, start: datetime, rng: Random) -> tuple[list, list]:
    """Invite everyone; returns (consented, declined) therapists, in consent order."""
    registered = [
        user
        for number in range(1, RECRUITS + 1)
        if (user := recruit(coordinator, number, start, rng)) is not None
    ]
    declined = set(rng.sample(range(len(registered)), DECLINING))
    accepted, refused = [], []
    for index, user in enumerate(registered):
        at = user.created_at + timedelta(hours=rng.randint(2, 40))
        answer_consent(user, index not in declined, at)
        (refused if index in declined else accepted).append(user)
    return accepted, refused


def randomize(coordinator, at: datetime, rng: Random) -> None:
    """The researcher's "Randomize pending therapists", from a seeded block sequence."""
    with clock.frozen(at):
        randomize_pending(coordinator, PermutedBlockSequence(rng=rng))
