"""Audit entries in words: what each action means, and its details as labelled values."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

#: Each recorded action, said as a person would; an unknown one falls back to its name.
ACTIONS = {
    "auth.login": "Signed in",
    "auth.login_failed": "Failed sign-in",
    "auth.user_created": "Account created",
    "auth.reset_requested": "Password reset requested",
    "auth.reset_unknown": "Password reset asked for an unknown address",
    "auth.password_reset": "Password reset",
    "auth.password_changed": "Password changed",
    "auth.signed_out_everywhere": "Signed out everywhere",
    "admin.invited": "Invitation sent",
    "admin.invitation_revoked": "Invitation revoked",
    "admin.role_changed": "Role changed",
    "admin.active_changed": "Account activated or deactivated",
    "admin.arm_changed": "Trial arm changed",
    "admin.audit_exported": "Audit log downloaded",
    "research.allocated": "Randomised to an arm",
    "research.consent_accepted": "Agreed to take part in the study",
    "research.consent_declined": "Declined to take part in the study",
    "research.consent_withdrawn": "Consent withdrawn",
    "research.exported": "Research data exported",
    "research.token_created": "API token created",
    "research.token_revoked": "API token revoked",
    "content.published": "Content published",
    "content.reordered": "Modules reordered",
    "quiz.attempt_granted": "Quiz attempt granted",
    "certificate.issued": "Certificate issued",
    "certificate.revoked": "Certificate revoked",
    "certificate.reissued": "Certificate reissued",
    "consultations.slot_created": "Individual slot created",
    "consultations.series_created": "Group series created",
    "consultations.session_changed": "Session changed",
    "consultations.session_cancelled": "Session cancelled",
    "consultations.booked": "Booked",
    "consultations.cancelled": "Booking cancelled",
    "consultations.waitlisted": "Joined a waiting list",
    "consultations.waitlist_left": "Left a waiting list",
    "consultations.attendance_recorded": "Attendance recorded",
    "consultations.workshop_day_created": "Workshop day created",
    "consultations.workshop_attendance_recorded": "Workshop attendance recorded",
    "discussion.post_hidden": "Discussion post hidden",
    "discussion.post_first": "Discussion post pinned or unpinned",
    "demo.seeded": "Demo trial created",
    "demo.removed": "Demo trial removed",
}

#: The families of actions (the part before the dot), for the filter.
KINDS = {
    "auth": "Accounts and sign-ins",
    "admin": "Administration",
    "research": "Research",
    "content": "Content",
    "quiz": "Quizzes",
    "certificate": "Certificates",
    "consultations": "Consultations",
    "discussion": "Discussions",
    "demo": "Demo data",
}

#: Detail keys as labels; an unknown key is written out from its name.
LABELS = {
    "old": "Before",
    "new": "After",
    "arm": "Arm",
    "role": "Role",
    "reason": "Reason",
    "via": "Through",
    "token": "API token",
    "name": "Name",
    "filters": "Filters",
    "rows": "Rows",
    "from": "From",
    "to": "To",
    "since": "Changed since",
    "include_free_text": "Free text included",
    "hash": "Content hash",
    "revision": "Revision",
    "order": "New order",
    "stratum": "Stratum",
    "sessions": "Sessions",
    "kind": "Kind",
    "scope": "Scope",
    "bookings": "Bookings",
    "counts": "Counts",
    "interval_days": "Days between sessions",
    "capacity": "Seats",
    "user": "Therapist",
    "user_id": "Account",
    "source": "Source",
    "added": "Added",
    "removed": "Removed",
    "attended": "Attended",
    "no_show": "No-show",
    "excused": "Excused",
    "quiz": "Quiz",
    "attempts_used": "Attempts used",
    "limit_before": "Limit before",
    "new_code": "New code",
    "name_changed": "Name changed",
    "on": "Pinned",
    "action": "Action",
    "actor": "Actor",
    "target": "Target",
}

TARGETS = {
    "user": "Account",
    "invitation": "Invitation",
    "session": "Session",
    "series": "Group series",
    "workshop_day": "Workshop day",
    "certificate": "Certificate",
    "token": "API token",
    "post": "Post",
    "discussion": "Discussion",
    "module": "Module",
    "quiz": "Quiz",
    "scenario": "Scenario",
    "drill_set": "Drill set",
    "course": "The course",
    "export": "The research export",
}

_INSTANT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)\Z")


def action_label(action: str) -> str:
    """A person's words for an action (its name when it is not known)."""
    return ACTIONS.get(action, action)


def kind_of(action: str) -> str:
    """The family an action belongs to (``auth`` for ``auth.login``)."""
    return action.split(".", 1)[0]


def label(key: str) -> str:
    """A detail key's label."""
    return LABELS.get(key) or key.replace("_", " ").capitalize()


def target_label(target: str | None) -> str:
    """``user:12`` as "Account 12"; other targets in words where known."""
    if not target:
        return ""
    kind, _, rest = target.partition(":")
    name = TARGETS.get(kind)
    if name is None:
        return target
    return f"{name} {rest}" if rest else name


def value_text(value: Any, when: Callable[[datetime], str]) -> str:
    """One value as text: yes/no, lists joined, instants through ``when`` (the viewer's
    zone), nested mappings as ``label: value`` pairs without the empty ones."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and _INSTANT.match(value):
        try:
            return when(datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            return value
    if isinstance(value, list | tuple):
        return ", ".join(value_text(v, when) for v in value if v is not None) or "none"
    if isinstance(value, dict):
        return "; ".join(f"{name}: {text}" for name, text in details(value, when)) or "none"
    return str(value)


def details(values: dict[str, Any] | None, when: Callable[[datetime], str]) -> list:
    """Label and text pairs for an entry's details, leaving out those with no value."""
    return [
        (label(key), value_text(value, when))
        for key, value in (values or {}).items()
        if value is not None and value != "" and value != {} and value != []
    ]
