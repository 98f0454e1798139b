"""Who is in the research data: therapists whose latest consent decision is an acceptance.

Every export and the dashboard read people through here, so a withdrawal or a refusal
takes effect everywhere at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from course.auth.models import User
from course.extensions import db
from course.research.allocation import (
    STRATUM_FIELDS,
    AllocationError,
    first_acceptance,
    latest_allocation,
    latest_consent,
    stratification_fields,
)
from course.research.models import Allocation
from course.research.randomization import stratum_key


@dataclass(frozen=True)
class Participant:
    """One included therapist, pseudonymized: no name, e-mail or address."""

    user_id: int
    study_id: str
    arm: str  # the allocated arm; "" while not yet randomized
    stratum: str
    registered_at: datetime
    consent_version: str
    consented_at: datetime
    allocated_at: datetime | None
    allocation: str  # randomized, manual or "" (not yet)
    consent_language: str = "en"  # the language of the consent text accepted (en, fr)


def participants(arm: str | None = None) -> dict[int, Participant]:
    """Every included therapist by user id (one query; bounded by enrolment)."""
    consent = latest_consent()
    allocation = latest_allocation()
    first_accept = first_acceptance()
    query = (
        select(
            User.id,
            User.study_id,
            allocation.c.arm,
            Allocation.stratum,
            User.created_at,
            consent.c.version,
            first_accept.c.at,
            allocation.c.at,
            Allocation.override_reason,
            User.region,
            User.profession,
            User.timezone,
            consent.c.language,
        )
        .join(consent, consent.c.user_id == User.id)
        .join(first_accept, first_accept.c.user_id == User.id)
        .outerjoin(allocation, allocation.c.user_id == User.id)
        .outerjoin(Allocation, Allocation.id == allocation.c.id)
        .where(User.role == "therapist", consent.c.decision == "accepted")
        .order_by(User.study_id)
    )
    if arm:
        query = query.where(allocation.c.arm == arm)
    try:
        fields = stratification_fields()
    except AllocationError:
        fields = ()
    result = {}
    for row in db.session.execute(query):
        method = "" if row[2] is None else ("manual" if row[8] else "randomized")
        # Not yet allocated: the stratum they would be randomized in.
        stratum = row[3] or stratum_key(dict(zip(STRATUM_FIELDS, row[9:12], strict=True)), fields)
        result[row[0]] = Participant(
            row[0], row[1], row[2] or "", stratum, row[4], row[5], row[6], row[7], method, row[12]
        )
    return result
