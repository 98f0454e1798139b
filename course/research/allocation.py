"""Allocation: the one writer of a therapist's arm.

Every arm a therapist holds after their account exists comes from here: randomization
from the concealed blocks, or an admin setting it by hand (the allocation override, or
the admin Users page), each with an allocation row, an audit entry and the
``allocation_made`` signal. ``users.arm`` is what the gates read; the database refuses
any change to it that does not follow the person's newest allocation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from course import clock, signals
from course.audit.services import record
from course.auth.models import User, writing_arm
from course.errors import DomainError
from course.extensions import db
from course.research.consent import current_version
from course.research.models import (
    ALLOCATION_ARMS,
    TRIAL_ARMS,
    Allocation,
    AllocationBlock,
    ConsentRecord,
)
from course.research.randomization import PermutedBlockSequence, stratum_key

#: User fields a stratum may be built from (COURSE_STRATIFY_BY names some of them).
STRATUM_FIELDS = ("region", "profession", "timezone")
MIN_REASON = 10


class AllocationError(DomainError):
    """Randomization or an override cannot proceed; the message says why."""


def stratification_fields() -> tuple[str, ...]:
    """The configured stratification fields, checked against what accounts record."""
    fields = tuple(current_app.config["STRATIFY_BY"])
    if unknown := [f for f in fields if f not in STRATUM_FIELDS]:
        raise AllocationError(
            _(
                "COURSE_STRATIFY_BY names %(unknown)s, which accounts do not record; "
                "use some of %(known)s.",
                unknown=", ".join(unknown),
                known=", ".join(STRATUM_FIELDS),
            )
        )
    return fields


def stratum_of(user, fields: tuple[str, ...]) -> str:
    """The user's stratum under ``fields``."""
    return stratum_key({f: getattr(user, f) for f in fields}, fields)


def latest_consent():
    """Subquery: each user's latest consent record (user_id, decision, version, id, at,
    language)."""
    # A join on each user's newest id: SQLite plans "id IN (SELECT max...)" poorly
    # once the subquery is itself joined.
    newest = (
        select(func.max(ConsentRecord.id).label("id"))
        .group_by(ConsentRecord.user_id)
        .subquery("newest_consent")
    )
    return (
        select(
            ConsentRecord.user_id,
            ConsentRecord.decision,
            ConsentRecord.version,
            ConsentRecord.id,
            ConsentRecord.at,
            ConsentRecord.language,
        )
        .join(newest, newest.c.id == ConsentRecord.id)
        .subquery("latest_consent")
    )


def first_acceptance():
    """Subquery: when each user first accepted a consent version (user_id, at)."""
    return (
        select(ConsentRecord.user_id, func.min(ConsentRecord.at).label("at"))
        .where(ConsentRecord.decision == "accepted")
        .group_by(ConsentRecord.user_id)
        .subquery("first_accept")
    )


def latest_allocation():
    """Subquery: each user's latest allocation (user_id, arm, at, id)."""
    newest = (
        select(func.max(Allocation.id).label("id"))
        .group_by(Allocation.user_id)
        .subquery("newest_allocation")
    )
    return (
        select(Allocation.user_id, Allocation.arm, Allocation.at, Allocation.id)
        .join(newest, newest.c.id == Allocation.id)
        .subquery("latest_allocation")
    )


def eligible_query(version: str | None):
    """Active trial therapists who accepted ``version`` and were never allocated."""
    consent = latest_consent()
    return (
        select(User)
        .join(consent, consent.c.user_id == User.id)
        .where(User.role == "therapist", User.active.is_(True), User.arm != "open")
        .where(consent.c.decision == "accepted", consent.c.version == version)
        .where(~select(Allocation.id).where(Allocation.user_id == User.id).exists())
        .order_by(consent.c.id)
    )


def pending_by_stratum() -> dict[str, list[str]]:
    """Study IDs waiting for randomization, per stratum."""
    fields = stratification_fields()
    pending: dict[str, list[str]] = {}
    for user in db.session.scalars(eligible_query(current_version())):
        pending.setdefault(stratum_of(user, fields), []).append(user.study_id)
    return pending


@dataclass
class _Cursor:
    block: AllocationBlock | None
    used: int


def _cursor(stratum: str) -> _Cursor:
    # The row lock makes a second researcher's run wait rather than reuse a slot.
    block = db.session.scalar(
        select(AllocationBlock)
        .where(AllocationBlock.stratum == stratum)
        .order_by(AllocationBlock.number.desc())
        .limit(1)
        .with_for_update()
    )
    used = 0
    if block is not None:
        used = db.session.scalar(
            select(func.count(Allocation.id)).where(Allocation.block_id == block.id)
        )
    return _Cursor(block, used)


def randomize_pending(actor, sequence: PermutedBlockSequence | None = None) -> list[Allocation]:
    """Allocate everyone waiting, in the order they consented, from their stratum's blocks."""
    sequence = sequence or PermutedBlockSequence()
    fields = stratification_fields()
    waiting = list(db.session.scalars(eligible_query(current_version())))
    if not waiting:
        raise AllocationError(
            _(
                "Nobody is waiting: randomization needs therapists who accepted the current "
                "consent and have not been allocated yet."
            )
        )
    cursors: dict[str, _Cursor] = {}
    made = []
    now = clock.now_utc()
    for user in waiting:
        stratum = stratum_of(user, fields)
        cursor = cursors.get(stratum) or cursors.setdefault(stratum, _cursor(stratum))
        if cursor.block is None or cursor.used >= cursor.block.size:
            arms = sequence.next_block()
            cursor.block = AllocationBlock(
                stratum=stratum,
                number=(cursor.block.number + 1) if cursor.block else 1,
                size=len(arms),
                arms=arms,
                created_at=now,
            )
            cursor.used = 0
            db.session.add(cursor.block)
            db.session.flush()
        cursor.used += 1
        allocation = Allocation(
            user_id=user.id,
            arm=cursor.block.arms[cursor.used - 1],
            stratum=stratum,
            block_id=cursor.block.id,
            block_number=cursor.block.number,
            block_size=cursor.block.size,
            block_position=cursor.used,
            by_id=getattr(actor, "id", None),
            at=now,
        )
        _assign(user, allocation, reason=None)
        made.append(allocation)
        record(
            "research.allocated",
            actor=actor,
            target=f"user:{user.id}",
            arm=allocation.arm,
            stratum=stratum,
        )
    return made


def _assign(user: User, allocation: Allocation, *, reason: str | None) -> None:
    """Store the allocation, then point the arm at it (the only assignment of the arm)."""
    db.session.add(allocation)
    db.session.flush()  # the row first: the database checks the arm against it
    previous = user.arm
    with writing_arm():
        user.arm = allocation.arm
    db.session.flush()
    signals.allocation_made.send(user, arm=allocation.arm, previous=previous, reason=reason)


def set_arm(actor, user: User, arm: str, reason: str, *, via: str | None = None) -> Allocation:
    """An admin sets a therapist's arm by hand: an allocation row, a reason, an audit entry.

    Used by the allocation override and by the admin Users page. ``open`` takes the
    person out of the trial.
    """
    if getattr(actor, "role", None) != "admin":
        raise AllocationError(_("Only an admin can set a therapist's arm."))
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise AllocationError(
            _(
                "Give a reason of at least %(minimum)s characters; it is kept in the audit log.",
                minimum=MIN_REASON,
            )
        )
    if arm not in ALLOCATION_ARMS:
        raise AllocationError(
            _("Choose one of the arms: %(arms)s.", arms=", ".join(ALLOCATION_ARMS))
        )
    if user.role != "therapist":
        raise AllocationError(_("Only therapists have a trial arm."))
    if user.arm == arm:
        raise AllocationError(
            _("%(study_id)s is already in the %(arm)s arm.", study_id=user.study_id, arm=arm)
        )
    old = user.arm
    allocation = Allocation(
        user_id=user.id,
        arm=arm,
        stratum=stratum_of(user, stratification_fields()),
        by_id=actor.id,
        at=clock.now_utc(),
        override_reason=reason,
    )
    _assign(user, allocation, reason=reason)
    details = {"old": old, "new": arm, "reason": reason, **({"via": via} if via else {})}
    record("admin.arm_changed", actor=actor, target=f"user:{user.id}", **details)
    return allocation


def override(actor, study_id: str, arm: str, reason: str) -> Allocation:
    """An admin sets a consenting therapist's trial arm by hand, with a reason, audit-logged."""
    if getattr(actor, "role", None) != "admin":
        raise AllocationError(_("Only an admin can override an allocation."))
    if arm not in TRIAL_ARMS:
        raise AllocationError(
            _("Choose one of the trial arms: %(arms)s.", arms=", ".join(TRIAL_ARMS))
        )
    user = db.session.scalar(select(User).where(User.study_id == (study_id or "").strip().upper()))
    if user is None or user.role != "therapist":
        raise AllocationError(_("No therapist has the study ID %(study_id)r.", study_id=study_id))
    consent = latest_consent()
    decision = db.session.scalar(select(consent.c.decision).where(consent.c.user_id == user.id))
    if decision != "accepted":
        raise AllocationError(
            _(
                "%(study_id)s has not consented to the research, so cannot be allocated.",
                study_id=user.study_id,
            )
        )
    return set_arm(actor, user, arm, reason, via="allocation override")


@dataclass(frozen=True)
class AllocationRow:
    """One allocation as shown to researchers: no block, no slot, no names."""

    study_id: str
    arm: str
    stratum: str
    at: datetime
    by: str | None
    override_reason: str | None


def recent_allocations(limit: int = 200) -> list[AllocationRow]:
    """The latest allocations, newest first (bounded)."""
    actor = aliased(User)
    rows = db.session.execute(
        select(
            User.study_id,
            Allocation.arm,
            Allocation.stratum,
            Allocation.at,
            actor.study_id,
            Allocation.override_reason,
        )
        .join(User, User.id == Allocation.user_id)
        .outerjoin(actor, actor.id == Allocation.by_id)
        .order_by(Allocation.id.desc())
        .limit(limit)
    )
    return [AllocationRow(*row) for row in rows]


def arm_counts() -> dict[str, int]:
    """Allocated therapists per arm (latest allocation of each)."""
    latest = latest_allocation()
    rows = db.session.execute(select(latest.c.arm, func.count()).group_by(latest.c.arm))
    counts = dict.fromkeys(TRIAL_ARMS, 0)
    counts.update({arm: n for arm, n in rows if arm in counts})  # not "open": out of the trial
    return counts
