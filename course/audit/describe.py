"""Audit entries in words: what each action means, and its details as labelled values.

The entries store action names and detail keys, never words: the words are chosen here
when an entry is shown, in the reader's language (the tables hold the English, marked with
``N_`` for extraction, and each function translates what it returns).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask_babel import gettext


def N_(text: str) -> str:
    """Mark a string for the catalogue without translating it yet."""
    return text


#: Each recorded action, said as a person would; an unknown one falls back to its name.
ACTIONS = {
    "auth.login": N_("Signed in"),
    "auth.login_failed": N_("Failed sign-in"),
    "auth.user_created": N_("Account created"),
    "auth.reset_requested": N_("Password reset requested"),
    "auth.reset_unknown": N_("Password reset asked for an unknown address"),
    "auth.password_reset": N_("Password reset"),
    "auth.password_changed": N_("Password changed"),
    "auth.signed_out_everywhere": N_("Signed out everywhere"),
    "admin.invited": N_("Invitation sent"),
    "admin.invitation_revoked": N_("Invitation revoked"),
    "admin.role_changed": N_("Role changed"),
    "admin.active_changed": N_("Account activated or deactivated"),
    "admin.arm_changed": N_("Trial arm changed"),
    "admin.audit_exported": N_("Audit log downloaded"),
    "research.allocated": N_("Randomised to an arm"),
    "research.consent_accepted": N_("Agreed to take part in the study"),
    "research.consent_declined": N_("Declined to take part in the study"),
    "research.consent_withdrawn": N_("Consent withdrawn"),
    "research.exported": N_("Research data exported"),
    "research.token_created": N_("API token created"),
    "research.token_revoked": N_("API token revoked"),
    "content.published": N_("Content published"),
    "content.reordered": N_("Modules reordered"),
    "quiz.attempt_granted": N_("Quiz attempt granted"),
    "certificate.issued": N_("Certificate issued"),
    "certificate.revoked": N_("Certificate revoked"),
    "certificate.reissued": N_("Certificate reissued"),
    "consultations.slot_created": N_("Individual slot created"),
    "consultations.series_created": N_("Group series created"),
    "consultations.session_changed": N_("Session changed"),
    "consultations.session_cancelled": N_("Session cancelled"),
    "consultations.booked": N_("Booked"),
    "consultations.cancelled": N_("Booking cancelled"),
    "consultations.waitlisted": N_("Joined a waiting list"),
    "consultations.waitlist_left": N_("Left a waiting list"),
    "consultations.attendance_recorded": N_("Attendance recorded"),
    "consultations.workshop_day_created": N_("Workshop day created"),
    "consultations.workshop_attendance_recorded": N_("Workshop attendance recorded"),
    "discussion.post_hidden": N_("Discussion post hidden"),
    "discussion.post_first": N_("Discussion post pinned or unpinned"),
    "demo.seeded": N_("Demo trial created"),
    "demo.removed": N_("Demo trial removed"),
}

#: The families of actions (the part before the dot), for the filter.
KINDS = {
    "auth": N_("Accounts and sign-ins"),
    "admin": N_("Administration"),
    "research": N_("Research"),
    "content": N_("Content"),
    "quiz": N_("Quizzes"),
    "certificate": N_("Certificates"),
    "consultations": N_("Consultations"),
    "discussion": N_("Discussions"),
    "demo": N_("Demo data"),
}

#: Detail keys as labels; an unknown key is written out from its name.
LABELS = {
    "old": N_("Before"),
    "new": N_("After"),
    "arm": N_("Arm"),
    "role": N_("Role"),
    "reason": N_("Reason"),
    "via": N_("Through"),
    "token": N_("API token"),
    "name": N_("Name"),
    "filters": N_("Filters"),
    "rows": N_("Rows"),
    "from": N_("From"),
    "to": N_("To"),
    "since": N_("Changed since"),
    "include_free_text": N_("Free text included"),
    "hash": N_("Content hash"),
    "revision": N_("Revision"),
    "order": N_("New order"),
    "stratum": N_("Stratum"),
    "sessions": N_("Sessions"),
    "kind": N_("Kind"),
    "scope": N_("Scope"),
    "bookings": N_("Bookings"),
    "counts": N_("Counts"),
    "interval_days": N_("Days between sessions"),
    "capacity": N_("Seats"),
    "user": N_("Therapist"),
    "user_id": N_("Account"),
    "source": N_("Source"),
    "added": N_("Added"),
    "removed": N_("Removed"),
    "attended": N_("Attended"),
    "no_show": N_("No-show"),
    "excused": N_("Excused"),
    "quiz": N_("Quiz"),
    "attempts_used": N_("Attempts used"),
    "limit_before": N_("Limit before"),
    "new_code": N_("New code"),
    "name_changed": N_("Name changed"),
    "on": N_("Pinned"),
    "action": N_("Action"),
    "actor": N_("Actor"),
    "target": N_("Target"),
}

TARGETS = {
    "user": N_("Account"),
    "invitation": N_("Invitation"),
    "session": N_("Session"),
    "series": N_("Group series"),
    "workshop_day": N_("Workshop day"),
    "certificate": N_("Certificate"),
    "token": N_("API token"),
    "post": N_("Post"),
    "discussion": N_("Discussion"),
    "module": N_("Module"),
    "quiz": N_("Quiz"),
    "scenario": N_("Scenario"),
    "drill_set": N_("Drill set"),
    "course": N_("The course"),
    "export": N_("The research export"),
}

_INSTANT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)\Z")


def action_label(action: str) -> str:
    """A person's words for an action, in the reader's language (its name when it is not
    known)."""
    words = ACTIONS.get(action)
    return gettext(words) if words else action


def action_words_en(action: str) -> str:
    """The English words for an action, whatever the reader's language (the CSV's
    ``description`` column, which stays English like the other data files)."""
    return ACTIONS.get(action, action)


def kind_label(kind: str) -> str:
    """A family of actions in the reader's language."""
    words = KINDS.get(kind)
    return gettext(words) if words else kind


def kind_of(action: str) -> str:
    """The family an action belongs to (``auth`` for ``auth.login``)."""
    return action.split(".", 1)[0]


def label(key: str) -> str:
    """A detail key's label, in the reader's language (an unknown key written out)."""
    words = LABELS.get(key)
    return gettext(words) if words else key.replace("_", " ").capitalize()


def target_label(target: str | None) -> str:
    """``user:12`` as "Account 12"; other targets in words where known."""
    if not target:
        return ""
    kind, _, rest = target.partition(":")
    name = TARGETS.get(kind)
    if name is None:
        return target
    name = gettext(name)
    return f"{name} {rest}" if rest else name


def value_text(value: Any, when: Callable[[datetime], str]) -> str:
    """One value as text: yes/no, lists joined, instants through ``when`` (the viewer's
    zone), nested mappings as ``label: value`` pairs without the empty ones."""
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, str) and _INSTANT.match(value):
        try:
            return when(datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            return value
    if isinstance(value, list | tuple):
        joined = ", ".join(value_text(v, when) for v in value if v is not None)
        return joined or gettext("none")
    if isinstance(value, dict):
        pairs = details(value, when)
        return "; ".join(
            gettext("%(label)s: %(value)s", label=name, value=text) for name, text in pairs
        ) or gettext("none")
    return str(value)


def details(values: dict[str, Any] | None, when: Callable[[datetime], str]) -> list:
    """Label and text pairs for an entry's details, leaving out those with no value."""
    return [
        (label(key), value_text(value, when))
        for key, value in (values or {}).items()
        if value is not None and value != "" and value != {} and value != []
    ]
