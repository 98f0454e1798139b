"""Audit entries; the database itself refuses UPDATE and DELETE on them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DDL, JSON, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column

from course.dbtypes import UTCDateTime
from course.extensions import db


class AuditEntry(db.Model):
    """One recorded action. Rows are never changed or removed."""

    __tablename__ = "audit_log"

    #: Surrogate key; also the order of events.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: When it happened (UTC).
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    #: Who acted; None for anonymous actors such as a failed sign-in.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    #: What happened, a dotted verb such as ``auth.login`` or ``admin.arm_changed``.
    action: Mapped[str] = mapped_column(String(64))
    #: What it happened to, e.g. ``user:12`` or ``export``.
    target: Mapped[str | None] = mapped_column(String(120))
    #: Client address, kept for security review; never exported with research data.
    ip: Mapped[str | None] = mapped_column(String(64))
    #: Structured details (old and new values, filters, counts).
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    __table_args__ = (Index("ix_audit_log_action_at", "action", "at"),)


# The database refuses changes, so no code path (or psql session) can rewrite history.
_SQLITE_GUARDS = [
    DDL(
        f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
    ).execute_if(dialect="sqlite")
    for verb in ("UPDATE", "DELETE")
]
PG_FUNCTION = (
    "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'audit_log is append-only'; END; $$ LANGUAGE plpgsql"
)
PG_TRIGGER = (
    "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
)
for _ddl in (*_SQLITE_GUARDS, DDL(PG_FUNCTION).execute_if(dialect="postgresql")):
    event.listen(AuditEntry.__table__, "after_create", _ddl)
event.listen(AuditEntry.__table__, "after_create", DDL(PG_TRIGGER).execute_if(dialect="postgresql"))
