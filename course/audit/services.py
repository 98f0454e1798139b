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


def search(
    *,
    action: str | None = None,
    actor_id: int | None = None,
    since=None,
    until=None,
    target: str | None = None,
):
    """Build the select for the admin page's filters, newest first.

    ``action`` is one action (``auth.login``) or, ending with a dot, a family
    (``auth.``); ``target`` is one target (``user:12``) or, ending with a colon, every
    target of a kind (``session:``).
    """
    query = db.select(AuditEntry).order_by(AuditEntry.id.desc())
    if action:
        family = action.endswith(".")
        column = AuditEntry.action
        query = query.where(
            column.startswith(action, autoescape=True) if family else column == action
        )
    if actor_id:
        query = query.where(AuditEntry.actor_id == actor_id)
    if since:
        query = query.where(AuditEntry.at >= since)
    if until:
        query = query.where(AuditEntry.at < until)
    if target:
        kind = target.endswith(":")
        column = AuditEntry.target
        query = query.where(
            column.startswith(target, autoescape=True) if kind else column == target
        )
    return query
