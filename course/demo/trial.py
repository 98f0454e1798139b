"""The seeded demo trial: 24 invited recruits over the past four weeks, through the services.

Reproducible: one ``random.Random(seed)`` drives every choice (who declines, the blocks,
progress, answers), and the clock is frozen at each step's moment. Every account it
makes has an address at ``demo.example.org`` and the region ``DEMO``, so its rows can be
found, and (with ``region`` among COURSE_STRATIFY_BY, as by default) its recruits share
no allocation block with real ones. Study IDs and passwords stay random.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from random import Random

from course import clock
from course.audit.services import record
from course.catalog import published_course
from course.consultations.gate import booking_gate
from course.demo.activity import (
    MODULES_DONE,
    answer_survey,
    ask_faculty,
    complete_modules,
    consultation_group,
    workshop_day,
)
from course.demo.learning import Session
from course.demo.marker import DemoRefused, has_demo_trial, refuse_in_production
from course.demo.recruits import RECRUITS, enrol, randomize, staff
from course.extensions import db
from course.research.consent import withdraw

SEED = 20
DAYS_BACK = 28


@dataclass(frozen=True)
class Seeded:
    """What the demo trial holds, for the command's summary."""

    invited: int
    consented: int
    declined: int
    arms: dict[str, int]


def seed_demo_trial(seed: int = SEED) -> Seeded:
    """Make the demo trial; flushes only (the caller commits it in one transaction)."""
    refuse_in_production()
    if has_demo_trial():
        raise DemoRefused("The demo trial is already here; remove it first to seed it again.")
    course = published_course()
    if not course.modules or course.spec.consent_version is None:
        raise DemoRefused(
            "The demo trial needs the published course and its consent version: "
            "run `flask --app app content import` first."
        )
    rng = Random(seed)
    today = clock.now_utc().date()
    start = datetime.combine(today - timedelta(days=DAYS_BACK), time(13), tzinfo=UTC)
    coordinator = staff("admin", "coordinator", "Demo Study Coordinator", start)
    faculty = staff("trainer", "faculty", "Demo Faculty", start)
    accepted, declined = enrol(coordinator, start + timedelta(hours=1), rng)
    randomize(coordinator, start + timedelta(days=6), rng)
    arms: dict[str, list] = {}
    for user in accepted:
        arms.setdefault(user.arm, []).append(user)
    workshop_day(faculty, arms.get("workshop", []), start + timedelta(days=6, hours=2), rng)
    learners = arms.get("self_paced", [])
    progress = {}
    for number, user in enumerate(learners):
        session = Session(user, start, rng)
        done = progress[user.id] = MODULES_DONE[number % len(MODULES_DONE)]
        complete_modules(session, done, start + timedelta(days=7 + number % 3), faculty)
        if done and number % 2 == 0:
            ask_faculty(session, faculty, number)
        if done == len(course.modules):
            answer_survey(session)
    if len(learners) > 1:  # the one who did least withdraws
        with clock.frozen(start + timedelta(days=20)):
            withdraw(min(learners, key=lambda u: progress[u.id]))
    eligible = [u for u in accepted if booking_gate(u).open]
    consultation_group(faculty, eligible, start + timedelta(days=21), rng)
    record("demo.seeded", actor=None, target="demo", seed=seed, recruits=len(accepted))
    db.session.flush()
    return Seeded(
        invited=RECRUITS,
        consented=len(accepted),
        declined=len(declined),
        arms={arm: len(users) for arm, users in sorted(arms.items())},
    )
