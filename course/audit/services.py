"""Writing to the audit log; one function for every feature."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request

from course import clock
from course.audit.models import AuditEntry
from course.extensions import db


def record(action: str, *, actor=None, target: str | None = None, **details: Any) -> AuditEntry:
    """Append an audit entry (flushed, not committed: the caller commits)."""
    entry = AuditEntry(
        at=clock.now_utc(),
        actor_id=getattr(actor, "id", None),
        action=action,
        target=target,
        ip=request.remote_addr if has_request_context() else None,
        details=details,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def search(*, action: str | None = None, actor_id: int | None = None, since=None, until=None):
    """Build the select for the admin page's filters, newest first."""
    query = db.select(AuditEntry).order_by(AuditEntry.id.desc())
    if action:
        query = query.where(AuditEntry.action.startswith(action))
    if actor_id:
        query = query.where(AuditEntry.actor_id == actor_id)
    if since:
        query = query.where(AuditEntry.at >= since)
    if until:
        query = query.where(AuditEntry.at < until)
    return query
