"""CONSORT flow counts: invited, registered, consented, randomized, started, completed,
withdrawn."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import distinct, func, select

from course.auth.models import Invitation, User
from course.catalog.models import Module
from course.extensions import db
from course.learning.models import ModuleProgress
from course.research.allocation import latest_allocation, latest_consent
from course.research.models import TRIAL_ARMS, ConsentRecord

STAGES = ("invited", "registered", "consented", "randomized", "started", "completed", "withdrawn")


@dataclass(frozen=True)
class Consort:
    """Counts before randomization, and per arm after it."""

    invited: int
    registered: int
    consented: int
    declined: int
    per_arm: dict[str, dict[str, int]] = field(default_factory=dict)

    def total(self, stage: str) -> int:
        """A per-arm stage summed over the arms."""
        return sum(self.per_arm.get(arm, {}).get(stage, 0) for arm in TRIAL_ARMS)

    def rows(self) -> list[tuple[str, str, int]]:
        """(stage, arm or 'all', count) in CONSORT order."""
        out = [
            ("invited", "all", self.invited),
            ("registered", "all", self.registered),
            ("consented", "all", self.consented),
            ("declined", "all", self.declined),
        ]
        for stage in ("randomized", "started", "completed", "withdrawn"):
            out += [(stage, arm, self.per_arm[arm][stage]) for arm in TRIAL_ARMS]
        return out


def _by_arm(query) -> dict[str, int]:
    return {arm: n for arm, n in db.session.execute(query) if arm}


def consort_counts() -> Consort:
    """Every count with GROUP BY queries (a constant number, whatever the enrolment)."""
    invited = db.session.scalar(
        select(func.count(Invitation.id)).where(
            Invitation.role == "therapist",
            Invitation.arm != "open",
            Invitation.revoked_at.is_(None),
        )
    )
    registered = db.session.scalar(
        select(func.count(User.id)).where(User.role == "therapist", User.arm != "open")
    )
    consented = db.session.scalar(
        select(func.count(distinct(ConsentRecord.user_id))).where(
            ConsentRecord.decision == "accepted"
        )
    )
    consent = latest_consent()
    declined = db.session.scalar(
        select(func.count()).select_from(consent).where(consent.c.decision == "declined")
    )
    allocation = latest_allocation()
    randomized = _by_arm(select(allocation.c.arm, func.count()).group_by(allocation.c.arm))
    started = _by_arm(
        select(allocation.c.arm, func.count(distinct(ModuleProgress.user_id)))
        .join(ModuleProgress, ModuleProgress.user_id == allocation.c.user_id)
        .group_by(allocation.c.arm)
    )
    modules = db.session.scalar(
        select(func.count(Module.id)).where(Module.published_revision_id.is_not(None))
    )
    finished = (
        select(ModuleProgress.user_id)
        .join(Module, Module.id == ModuleProgress.module_id)
        .where(ModuleProgress.completed_at.is_not(None), Module.published_revision_id.is_not(None))
        .group_by(ModuleProgress.user_id)
        .having(func.count(ModuleProgress.id) >= modules)
    )
    completed = (
        _by_arm(
            select(allocation.c.arm, func.count())
            .where(allocation.c.user_id.in_(finished))
            .group_by(allocation.c.arm)
        )
        if modules
        else {}
    )
    withdrawn = _by_arm(
        select(allocation.c.arm, func.count())
        .join(consent, consent.c.user_id == allocation.c.user_id)
        .where(consent.c.decision == "withdrawn")
        .group_by(allocation.c.arm)
    )
    per_arm = {
        arm: {
            "randomized": randomized.get(arm, 0),
            "started": started.get(arm, 0),
            "completed": completed.get(arm, 0),
            "withdrawn": withdrawn.get(arm, 0),
        }
        for arm in TRIAL_ARMS
    }
    return Consort(invited, registered, consented, declined, per_arm)
