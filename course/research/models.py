"""Consent decisions, allocations and their concealed blocks, and API tokens.

Consent records and their copies, allocations and allocation blocks are append-only: the database
itself refuses UPDATE and DELETE, so the trial's record cannot be rewritten.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    DDL,
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from course.dbtypes import UTCDateTime
from course.extensions import db
from course.web.i18n import LANGUAGE_CHECK, page_language

TRIAL_ARMS = ("self_paced", "workshop", "control")
#: An allocation may also take someone out of the trial (back to ``open``), by hand.
ALLOCATION_ARMS = (*TRIAL_ARMS, "open")
DECISIONS = ("accepted", "declined", "withdrawn")
BLOCK_SIZES = (3, 6)
_ARM_CHECK = "arm IN ('self_paced', 'workshop', 'control', 'open')"


class ConsentRecord(db.Model):
    """One decision about the research: accepted or declined a version, or withdrew."""

    __tablename__ = "consent_records"

    #: Surrogate key; also the order of decisions (the latest one is in force).
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The therapist who decided.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: The consent text version shown (course.yaml ``consent_version``).
    version: Mapped[str] = mapped_column(String(40))
    #: accepted, declined or withdrawn.
    decision: Mapped[str] = mapped_column(String(10))
    #: When it was decided (UTC); for a withdrawal, the moment exports stop including them.
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: The language of the page it was made on: en or fr (see course.web.i18n).
    language: Mapped[str] = mapped_column(String(8), default=page_language, server_default="en")

    __table_args__ = (
        CheckConstraint("decision IN ('accepted', 'declined', 'withdrawn')", name="decision"),
        CheckConstraint(LANGUAGE_CHECK, name="language"),
    )


class ConsentCopy(db.Model):
    """The participant's copy of an acceptance: the text as shown, its hash, and the PDF."""

    __tablename__ = "consent_copies"

    #: Internal key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The acceptance this copy records (one copy per acceptance).
    consent_record_id: Mapped[int] = mapped_column(ForeignKey("consent_records.id"), unique=True)
    #: The participant (the same as the consent record's).
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: Their study ID when they accepted, as stamped on the PDF.
    study_id: Mapped[str] = mapped_column(String(16))
    #: The consent version accepted.
    version: Mapped[str] = mapped_column(String(40))
    #: The consent text exactly as shown: the version's Markdown with the settings filled in.
    text: Mapped[str] = mapped_column(Text)
    #: SHA-256 (hex) of ``text`` in UTF-8, as stamped on the PDF and sent back by the page.
    text_sha256: Mapped[str] = mapped_column(String(64))
    #: The PDF given to the participant, generated once at acceptance.
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    #: SHA-256 (hex) of ``pdf``, so staff can check a copy someone holds.
    pdf_sha256: Mapped[str] = mapped_column(String(64), index=True)
    #: When the participant accepted (UTC; the consent record's time).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        CheckConstraint("length(text_sha256) = 64", name="text_sha256"),
        CheckConstraint("length(pdf_sha256) = 64", name="pdf_sha256"),
    )


class AllocationBlock(db.Model):
    """A concealed permuted block of one stratum's sequence; made when the last one fills."""

    __tablename__ = "allocation_blocks"

    #: Internal key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The stratum, e.g. ``profession=psychologist;region=ON``.
    stratum: Mapped[str] = mapped_column(String(200))
    #: 1, 2, 3... within the stratum.
    number: Mapped[int] = mapped_column(Integer)
    #: 3 or 6: each arm appears size / 3 times.
    size: Mapped[int] = mapped_column(Integer)
    #: The arms in allocation order; never shown in any page or export.
    arms: Mapped[list[str]] = mapped_column(JSON)
    #: When the block was drawn (UTC).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        UniqueConstraint("stratum", "number"),
        CheckConstraint("size IN (3, 6)", name="size"),
    )


class Allocation(db.Model):
    """One allocation to an arm: a randomized slot in a block, or an admin's override."""

    __tablename__ = "allocations"

    #: Surrogate key; the latest row of a therapist is their allocated arm.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The therapist allocated.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: self_paced, workshop or control; open when an admin took the person out of the trial.
    arm: Mapped[str] = mapped_column(String(20))
    #: The therapist's stratum when allocated.
    stratum: Mapped[str] = mapped_column(String(200))
    #: The block the slot came from; None for an override.
    block_id: Mapped[int | None] = mapped_column(ForeignKey("allocation_blocks.id"))
    #: The block's number within its stratum (copied for the trial statistician).
    block_number: Mapped[int | None] = mapped_column(Integer)
    #: The block's size.
    block_size: Mapped[int | None] = mapped_column(Integer)
    #: 1-based slot within the block.
    block_position: Mapped[int | None] = mapped_column(Integer)
    #: Who randomized or overrode (None for a command-line or seeded allocation).
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: When (UTC).
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: Why an admin set the arm by hand; None for a randomized slot.
    override_reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        CheckConstraint(_ARM_CHECK, name="arm"),
        # A slot is either a full block position or an override with a reason.
        CheckConstraint(
            "(override_reason IS NULL AND block_id IS NOT NULL AND block_number IS NOT NULL"
            " AND block_size IS NOT NULL AND block_position IS NOT NULL"
            " AND block_position >= 1 AND block_position <= block_size)"
            " OR (override_reason IS NOT NULL AND block_id IS NULL)",
            name="slot",
        ),
        # Two randomizations at once cannot use one slot or randomize one person twice.
        UniqueConstraint("block_id", "block_position"),
        Index(
            "uq_allocations_randomized_user",
            "user_id",
            unique=True,
            sqlite_where=text("override_reason IS NULL"),
            postgresql_where=text("override_reason IS NULL"),
        ),
    )


class ApiToken(db.Model):
    """A named bearer token for the research API; only its sha256 is stored."""

    __tablename__ = "api_tokens"

    #: Internal key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: A name the researcher chose, e.g. "REDCap nightly pull".
    name: Mapped[str] = mapped_column(String(80))
    #: sha256 of the token; the token itself is shown once and never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: The researcher who created it; the token acts as them.
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: Creation time (UTC).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: Last successful use (UTC).
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Set when revoked; a revoked token never works again.
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Who revoked it.
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    @property
    def status(self) -> str:
        """active or revoked."""
        return "revoked" if self.revoked_at else "active"


def _append_only(table: Any) -> None:
    """Make the database refuse UPDATE and DELETE on ``table`` (SQLite and PostgreSQL)."""
    name = table.name
    for verb in ("UPDATE", "DELETE"):
        event.listen(
            table,
            "after_create",
            DDL(
                f"CREATE TRIGGER {name}_no_{verb.lower()} BEFORE {verb} ON {name} "
                f"BEGIN SELECT RAISE(ABORT, '{name} is append-only'); END"
            ).execute_if(dialect="sqlite"),
        )
    function = (
        f"CREATE OR REPLACE FUNCTION {name}_append_only() RETURNS trigger AS $$ "
        f"BEGIN RAISE EXCEPTION '{name} is append-only'; END; $$ LANGUAGE plpgsql"
    )
    trigger = (
        f"CREATE TRIGGER {name}_append_only BEFORE UPDATE OR DELETE ON {name} "
        f"FOR EACH ROW EXECUTE FUNCTION {name}_append_only()"
    )
    for statement in (function, trigger):
        event.listen(table, "after_create", DDL(statement).execute_if(dialect="postgresql"))


for _model in (ConsentRecord, ConsentCopy, AllocationBlock, Allocation):
    _append_only(_model.__table__)


#: users.arm may change only to the arm of the person's newest allocation, so the arm the
#: gates read and the allocation the exports read cannot disagree. Clearing it (a role
#: that has no arm) needs no allocation.
ARM_FOLLOWS_ALLOCATION_SQLITE = (
    "CREATE TRIGGER users_arm_follows_allocation BEFORE UPDATE OF arm ON users "
    "WHEN NEW.arm IS NOT NULL AND NEW.arm IS NOT OLD.arm AND NEW.arm IS NOT "
    "(SELECT arm FROM allocations WHERE user_id = NEW.id ORDER BY id DESC LIMIT 1) "
    "BEGIN SELECT RAISE(ABORT, 'users.arm changes only through an allocation'); END"
)
ARM_FOLLOWS_ALLOCATION_POSTGRESQL = (
    "CREATE OR REPLACE FUNCTION users_arm_follows_allocation() RETURNS trigger AS $$ "
    "BEGIN IF NEW.arm IS NOT NULL AND NEW.arm IS DISTINCT FROM OLD.arm AND NEW.arm IS "
    "DISTINCT FROM (SELECT arm FROM allocations WHERE user_id = NEW.id ORDER BY id DESC "
    "LIMIT 1) THEN RAISE EXCEPTION 'users.arm changes only through an allocation'; END IF; "
    "RETURN NEW; END; $$ LANGUAGE plpgsql",
    "CREATE TRIGGER users_arm_follows_allocation BEFORE UPDATE OF arm ON users "
    "FOR EACH ROW EXECUTE FUNCTION users_arm_follows_allocation()",
)
event.listen(
    Allocation.__table__,
    "after_create",
    DDL(ARM_FOLLOWS_ALLOCATION_SQLITE).execute_if(dialect="sqlite"),
)
for _statement in ARM_FOLLOWS_ALLOCATION_POSTGRESQL:
    event.listen(
        Allocation.__table__,
        "after_create",
        DDL(_statement).execute_if(dialect="postgresql"),
    )
