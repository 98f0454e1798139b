"""Consent: the versioned text, each therapist's standing, decisions and withdrawal.

A therapist is *in the trial* when their arm is not ``open``. While the published course
names a ``consent_version``, a trial therapist answers that version's text before using
anything else. The latest decision is in force: accepted includes them in research data;
declined or withdrawn leaves them out of every export made from then on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import exists, select

from course import clock
from course.audit.services import record
from course.catalog import published_course
from course.content import render_markdown
from course.errors import DomainError
from course.extensions import db
from course.research.models import Allocation, ConsentRecord

CONSENT_DIR = Path(__file__).with_name("consent")


class ConsentError(DomainError):
    """A consent action is not possible; the message says why."""


@dataclass(frozen=True)
class Standing:
    """A therapist's research standing, from their latest decision."""

    in_trial: bool
    current_version: str | None
    decision: str | None  # accepted, declined, withdrawn or None
    version: str | None  # the version that decision was about
    at: datetime | None
    allocated: bool

    @property
    def needs_decision(self) -> bool:
        """The gate asks: no answer yet, or the text changed since (unless withdrawn)."""
        if not self.in_trial or self.current_version is None or self.decision == "withdrawn":
            return False
        return self.decision is None or self.version != self.current_version

    @property
    def awaiting_allocation(self) -> bool:
        """Consented to the current text but not yet randomized: no training opens yet."""
        return (
            self.in_trial
            and not self.needs_decision
            and self.decision == "accepted"
            and not self.allocated
        )

    @property
    def included(self) -> bool:
        """Counted in research data (the latest decision is an acceptance)."""
        return self.decision == "accepted"


def in_trial(user) -> bool:
    """Therapists outside the trial have arm ``open`` and are never asked."""
    return user.role == "therapist" and user.arm not in (None, "open")


def current_version() -> str | None:
    """The consent version named by the published course file, if any."""
    return published_course().spec.consent_version


def consent_dir() -> Path:
    """Where consent texts live (tests may point RESEARCH_CONSENT_DIR elsewhere)."""
    return Path(current_app.config.get("RESEARCH_CONSENT_DIR") or CONSENT_DIR)


def consent_html(version: str) -> str | None:
    """The sanitized HTML of ``consent-<version>.md``, or None when it is not installed."""
    name = f"consent-{version}.md"
    path = consent_dir() / name
    if "/" in version or "\\" in version or not path.is_file():
        return None
    return render_markdown(path.read_text(encoding="utf-8"))


def _latest(column, user_id: int):
    return (
        select(column)
        .where(ConsentRecord.user_id == user_id)
        .order_by(ConsentRecord.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def standing(user) -> Standing:
    """The user's standing: two small queries, none for people outside the trial."""
    if not in_trial(user):
        return Standing(False, None, None, None, None, False)
    version = current_version()
    row = db.session.execute(
        select(
            _latest(ConsentRecord.decision, user.id),
            _latest(ConsentRecord.version, user.id),
            _latest(ConsentRecord.at, user.id),
            exists().where(Allocation.user_id == user.id),
        )
    ).one()
    decision, decided_version, at, allocated = row
    return Standing(True, version, decision, decided_version, at, bool(allocated))


def decide(user, *, accept: bool, version: str) -> ConsentRecord:
    """Record acceptance or refusal of the version the page showed."""
    current = current_version()
    if not in_trial(user):
        raise ConsentError("Your account is not part of the research study; nothing to answer.")
    if current is None or version != current:
        raise ConsentError(
            "The consent text changed while you were reading it. Please read the new "
            "version below and answer again."
        )
    if consent_html(current) is None:
        raise ConsentError("The consent text is not available; please contact the study team.")
    if standing(user).decision == "withdrawn":
        raise ConsentError(
            "You withdrew from the research. To take part again, please contact the study team."
        )
    decision = "accepted" if accept else "declined"
    entry = ConsentRecord(user_id=user.id, version=current, decision=decision, at=clock.now_utc())
    db.session.add(entry)
    db.session.flush()
    record(f"research.consent_{decision}", actor=user, target=f"user:{user.id}", version=current)
    return entry


def withdraw(user) -> ConsentRecord:
    """Withdraw from the research from now on; earlier exports are not recalled."""
    now = standing(user)
    if now.decision != "accepted":
        raise ConsentError(
            "You are not taking part in the research, so there is nothing to withdraw."
        )
    entry = ConsentRecord(
        user_id=user.id, version=now.version, decision="withdrawn", at=clock.now_utc()
    )
    db.session.add(entry)
    db.session.flush()
    record("research.consent_withdrawn", actor=user, target=f"user:{user.id}")
    return entry


def seed_participant(user, *, version: str | None = None, actor=None) -> None:
    """Record that ``user`` accepted consent and holds their arm as an allocation.

    For fixtures and data loaded from elsewhere: the arm was not drawn from a block, so
    the allocation is stored as a manual one with that reason.
    """
    from course.research.randomization import stratum_key

    now = clock.now_utc()
    chosen = version or current_version() or "unversioned"
    db.session.add(ConsentRecord(user_id=user.id, version=chosen, decision="accepted", at=now))
    if user.arm in ("self_paced", "workshop", "control"):
        fields = current_app.config["STRATIFY_BY"]
        db.session.add(
            Allocation(
                user_id=user.id,
                arm=user.arm,
                stratum=stratum_key({f: getattr(user, f, None) for f in fields}, fields),
                by_id=getattr(actor, "id", None),
                at=now,
                override_reason="recorded as given, not drawn from a block (seeded data)",
            )
        )
    db.session.flush()
