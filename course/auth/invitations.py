"""Invitations: the study team invites someone by e-mail, the link opens registration
once, and a pending invitation can be withdrawn.

Services flush but never commit; the view or CLI command that calls them commits.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from course import clock
from course.audit.services import record
from course.auth.models import Invitation, User
from course.auth.services import (
    AuthError,
    LinkProblem,
    check_email,
    check_role_arm,
    create_user,
    find_user,
    hash_token,
)
from course.extensions import db
from course.mail import queue_mail
from course.web.dates import format_moment
from course.web.i18n import DEFAULT as DEFAULT_LOCALE
from course.web.i18n import LOCALES
from course.web.links import external_url

#: An invitation's state as a refusal names it.
INVITATION_STATUSES = {
    "pending": _l("pending"),
    "used": _l("used"),
    "revoked": _l("revoked"),
    "expired": _l("expired"),
}


def invite(
    actor: User, email: str, role: str, arm: str | None, locale: str = DEFAULT_LOCALE
) -> tuple[Invitation, str]:
    """Create an invitation and e-mail its link, in ``locale`` (the inviter's choice for
    someone who has no account yet; English unless told); returns it with the one-time
    token."""
    if locale not in LOCALES:
        raise AuthError(_("Choose English or French."))
    email = check_email(email)
    if find_user(email):
        raise AuthError(_("%(email)s already has an account.", email=email))
    arm = check_role_arm(role, arm)
    token = secrets.token_urlsafe(32)
    now = clock.now_utc()
    invitation = Invitation(
        token_hash=hash_token(token),
        email=email,
        role=role,
        arm=arm,
        created_by_id=actor.id,
        created_at=now,
        expires_at=now + timedelta(days=current_app.config["INVITATION_DAYS"]),
    )
    db.session.add(invitation)
    db.session.flush()
    record("admin.invited", actor=actor, target=f"invitation:{invitation.id}", role=role, arm=arm)
    link = external_url("auth.register", token=token)
    expires = format_moment(invitation.expires_at, "UTC", locale)
    queue_mail(
        email,
        _l("Your invitation to the Alliance Training Platform"),
        "invitation",
        locale=locale,
        link=link,
        role=role,
        expires=expires,
    )
    return invitation, token


def open_invitation(token: str) -> Invitation:
    """The pending invitation behind a token, or an AuthError saying why it cannot be used."""
    invitation = db.session.scalar(
        db.select(Invitation).where(Invitation.token_hash == hash_token(token))
    )
    if invitation is None:
        raise LinkProblem(_("This invitation link is not valid. Check the link in your e-mail."))
    messages = {
        "used": _("This invitation was already used. Sign in instead."),
        "revoked": _("This invitation was withdrawn. Ask the study team for a new one."),
        "expired": _("This invitation has expired. Ask the study team for a new one."),
    }
    if invitation.status in messages:
        raise LinkProblem(messages[invitation.status])
    return invitation


def register(
    token: str,
    *,
    name: str,
    password: str,
    timezone: str,
    profession: str | None = None,
    region: str | None = None,
    locale: str | None = None,
) -> User:
    """Create the account an invitation allows, and use the invitation up. ``locale`` is
    the language the person registered in: kept on the account, so their e-mail is
    written in it too."""
    invitation = open_invitation(token)
    user = create_user(
        invitation.email,
        role=invitation.role,
        password=password,
        name=name,
        arm=invitation.arm,
        timezone=timezone,
        profession=profession,
        region=region,
    )
    if locale in LOCALES:
        user.locale = locale
    invitation.used_at = clock.now_utc()
    invitation.user_id = user.id
    db.session.flush()
    return user


def revoke_invitation(actor: User, invitation: Invitation) -> None:
    """Withdraw a pending invitation."""
    if invitation.status != "pending":
        raise AuthError(
            _(
                "This invitation is %(status)s; only pending ones can be revoked.",
                status=INVITATION_STATUSES.get(invitation.status, invitation.status),
            )
        )
    invitation.revoked_at = clock.now_utc()
    record("admin.invitation_revoked", actor=actor, target=f"invitation:{invitation.id}")
