"""CONSORT flow counts: invited, registered, consented, randomized, started, completed,
withdrawn."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import case, func, select

from course.auth.models import Invitation, User
from course.catalog.models import Module
from course.extensions import db
from course.learning.models import ModuleProgress
from course.research.aggregates import ParticipantSummary as People
from course.research.models import TRIAL_ARMS

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
    """Every count with GROUP BY queries over the kept participant rows (one per person with
    a consent decision or an allocation), a constant number whatever the enrolment."""
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
    consented, declined = db.session.execute(
        select(
            func.count(People.consented_at),
            func.coalesce(func.sum(case((People.decision == "declined", 1), else_=0)), 0),
        )
    ).one()
    allocated = People.arm != ""
    randomized = _by_arm(select(People.arm, func.count()).where(allocated).group_by(People.arm))
    started = _by_arm(
        select(People.arm, func.count())
        .where(allocated, select(ModuleProgress.id).where(_mine(ModuleProgress)).exists())
        .group_by(People.arm)
    )
    modules = db.session.scalar(
        select(func.count(Module.id)).where(Module.published_revision_id.is_not(None))
    )
    done = (
        select(func.count(ModuleProgress.id))
        .join(Module, Module.id == ModuleProgress.module_id)
        .where(_mine(ModuleProgress), ModuleProgress.completed_at.is_not(None))
        .where(Module.published_revision_id.is_not(None))
        .scalar_subquery()
    )
    completed = (
        _by_arm(
            select(People.arm, func.count()).where(allocated, done >= modules).group_by(People.arm)
        )
        if modules
        else {}
    )
    withdrawn = _by_arm(
        select(People.arm, func.count())
        .where(allocated, People.decision == "withdrawn")
        .group_by(People.arm)
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


def _mine(model):
    """A correlated condition: ``model``'s rows of the participant row being counted."""
    return model.user_id == People.user_id
