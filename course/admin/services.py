"""Account changes from the admin Users page: role and access, and the arm through allocation."""

from __future__ import annotations

from flask_babel import gettext as _

from course.auth import services as accounts
from course.auth.models import User
from course.research import allocation


def update_account(
    actor: User, user: User, *, role: str, arm: str | None, active: bool, reason: str
) -> list[str]:
    """Apply the page's changes; the arm goes through the allocation service. Flushes only."""
    if role != "therapist" and arm:
        raise accounts.AuthError(_("Only therapists have a trial arm."))
    changed = accounts.change_account(actor, user, role=role, active=active, reason=reason)
    if user.role == "therapist" and arm and arm != user.arm:
        allocation.set_arm(actor, user, arm, reason)
        changed.append("arm")
    return changed
