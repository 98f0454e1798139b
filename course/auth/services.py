"""Account rules: creating users, signing in and password resets (invitations are in
course/auth/invitations.py).

Services flush but never commit; the view or CLI command that calls them commits.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

from course import clock
from course.audit.services import record
from course.auth import sessions
from course.auth.models import ARMS, PasswordReset, User
from course.errors import DomainError
from course.extensions import db
from course.mail import queue_mail
from course.roles import ROLES
from course.web.i18n import DEFAULT as DEFAULT_LOCALE
from course.web.i18n import LOCALES
from course.web.links import external_url

MIN_PASSWORD = 12
#: Crockford base32 without look-alikes, so study IDs survive being read aloud.
_STUDY_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


class AuthError(DomainError):
    """A rule was broken; the message tells the person what to do."""


class LinkProblem(AuthError):
    """An invitation or reset link cannot be used (invalid, used, expired or withdrawn)."""

    status = 410
    template = "auth/link_problem.html"


def normalize_email(email: str) -> str:
    """Trim and lower-case an address, so uniqueness is case-insensitive; an
    internationalized domain is written in its ASCII form (``xn--...``), as stored."""
    text = email.strip()
    try:
        found = validate_email(text, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        return text.lower()
    return found.ascii_email.lower()


def check_email(email: str) -> str:
    """A deliverable address in its stored form, or a refusal saying what is wrong.

    The mail path speaks plain SMTP, which carries an internationalized domain (as
    ``xn--...``) but not accented letters before the ``@``: such an address is refused
    with a message rather than accepted and never delivered.
    """
    text = (email or "").strip()
    try:
        validate_email(text, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as exc:
        if not text.partition("@")[0].isascii():
            raise AuthError(
                _(
                    "%(address)s has letters outside plain ASCII before the @, which our mail "
                    "server cannot deliver to. Give an address such as jose@example.org.",
                    address=text,
                ),
                field="email",
            ) from None
        raise AuthError(
            _("%(address)s is not a valid e-mail address: %(reason)s", address=text, reason=exc),
            field="email",
        ) from None
    return normalize_email(text)


def hash_token(token: str) -> str:
    """The stored form of a link token."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_study_id() -> str:
    """A random, stable pseudonym such as ``P-7KQ2M9XD``, unique among users."""
    while True:
        candidate = "P-" + "".join(secrets.choice(_STUDY_ALPHABET) for _ in range(8))
        if db.session.scalar(db.select(User.id).where(User.study_id == candidate)) is None:
            return candidate


def check_password(password: str) -> None:
    """Refuse a password that is too short."""
    if len(password) < MIN_PASSWORD:
        raise AuthError(_("Use a password of at least %(num)d characters.", num=MIN_PASSWORD))


def check_role_arm(role: str, arm: str | None) -> str | None:
    if role not in ROLES:
        raise AuthError(
            _("Unknown role %(role)r; choose one of %(roles)s.", role=role, roles=", ".join(ROLES))
        )
    if role != "therapist":
        if arm:
            raise AuthError(_("Only therapists have a trial arm."))
        return None
    arm = arm or "open"
    if arm not in ARMS:
        raise AuthError(
            _("Unknown arm %(arm)r; choose one of %(arms)s.", arm=arm, arms=", ".join(ARMS))
        )
    return arm


def _check_timezone(zone: str) -> str:
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise AuthError(
            _("Unknown time zone %(zone)r; use a name such as America/Toronto.", zone=zone)
        ) from exc
    return zone


def find_user(email: str) -> User | None:
    """The user with this address, whatever its case."""
    return db.session.scalar(db.select(User).where(User.email == normalize_email(email)))


def create_user(
    email: str,
    *,
    role: str,
    password: str,
    name: str = "",
    arm: str | None = None,
    timezone: str | None = None,
    profession: str | None = None,
    region: str | None = None,
    actor: User | None = None,
) -> User:
    """Create an account after checking every rule."""
    email = check_email(email)
    if find_user(email):
        raise AuthError(_("An account for %(email)s already exists.", email=email))
    arm = check_role_arm(role, arm)
    check_password(password)
    user = User(
        email=email,
        name=(name or email.split("@")[0]).strip(),
        password_hash=generate_password_hash(password, current_app.config["PASSWORD_HASH"]),
        role=role,
        arm=arm,
        timezone=_check_timezone(timezone or current_app.config["DEFAULT_TIMEZONE"]),
        study_id=new_study_id(),
        profession=profession or None,
        region=region or None,
        created_at=clock.now_utc(),
    )
    db.session.add(user)
    db.session.flush()
    record("auth.user_created", actor=actor, target=f"user:{user.id}", role=role, arm=arm)
    return user


def authenticate(email: str, password: str) -> User | None:
    """Return the user when the address and password match an active account."""
    user = find_user(email)
    if user is None or not user.active or not check_password_hash(user.password_hash, password):
        record("auth.login_failed", actor=user, target=f"user:{user.id}" if user else None)
        return None
    user.last_login_at = clock.now_utc()
    record("auth.login", actor=user, target=f"user:{user.id}")
    return user


def set_password(user: User, password: str) -> None:
    """Replace a user's password."""
    check_password(password)
    user.password_hash = generate_password_hash(password, current_app.config["PASSWORD_HASH"])


def change_account(
    actor: User, user: User, *, role: str, active: bool, reason: str = ""
) -> list[str]:
    """Change role or active flag; each change is audit-logged. Returns what changed.

    The arm is not changed here: it belongs to ``course.research.allocation``. A
    therapist stays a therapist (a participant's record is never turned into a staff
    account, nor the other way round): such a person gets a second account.
    """
    check_role_arm(role, None)
    if user.id == actor.id and (role != user.role or not active):
        raise AuthError(_("You cannot change your own role or deactivate yourself."))
    if role != user.role and "therapist" in (role, user.role):
        raise AuthError(
            _(
                "Therapists and staff keep separate accounts: a therapist's role cannot change, "
                "and staff cannot become therapists. Invite the person again with the other role."
            )
        )
    changes: list[str] = []
    for field, new, action in (
        ("role", role, "admin.role_changed"),
        ("active", active, "admin.active_changed"),
    ):
        old = getattr(user, field)
        if old != new:
            setattr(user, field, new)
            record(action, actor=actor, target=f"user:{user.id}", old=old, new=new, reason=reason)
            changes.append(field)
    db.session.flush()
    return changes


def request_reset(email: str) -> None:
    """E-mail a reset link when the address has an active account; say nothing otherwise."""
    user = find_user(email)
    if user is None or not user.active:
        record("auth.reset_unknown")
        return
    token = secrets.token_urlsafe(32)
    now = clock.now_utc()
    reset = PasswordReset(
        token_hash=hash_token(token),
        user_id=user.id,
        created_at=now,
        expires_at=now + timedelta(minutes=current_app.config["RESET_MINUTES"]),
    )
    db.session.add(reset)
    record("auth.reset_requested", actor=user, target=f"user:{user.id}")
    link = external_url("auth.reset_password", token=token)
    queue_mail(
        user,
        _l("Reset your password"),
        "password_reset",
        link=link,
        minutes=current_app.config["RESET_MINUTES"],
    )


def open_reset(token: str) -> PasswordReset:
    """The usable reset behind a token, or an AuthError saying why not."""
    reset = db.session.scalar(
        db.select(PasswordReset).where(PasswordReset.token_hash == hash_token(token))
    )
    if reset is None or reset.used_at is not None:
        raise LinkProblem(_("This reset link is not valid or was already used. Ask for a new one."))
    if reset.expires_at <= clock.now_utc():
        raise LinkProblem(_("This reset link has expired. Ask for a new one."))
    return reset


def reset_password(token: str, password: str) -> User:
    """Set a new password through a reset link, which then stops working."""
    reset = open_reset(token)
    set_password(reset.user, password)
    reset.used_at = clock.now_utc()
    ended = sessions.end_all(reset.user, "password_reset")
    record("auth.password_reset", actor=reset.user, target=f"user:{reset.user_id}", sessions=ended)
    return reset.user


def change_password(user: User, current: str, new: str) -> int:
    """Change a signed-in person's password after checking the current one; every
    session of the account ends (the caller signs this browser in again)."""
    if not check_password_hash(user.password_hash, current):
        raise AuthError(_("Your current password is not right."), field="current")
    if current == new:
        raise AuthError(_("Choose a password different from the current one."), field="password")
    set_password(user, new)
    ended = sessions.end_all(user, "password_changed")
    record("auth.password_changed", actor=user, target=f"user:{user.id}", sessions=ended)
    return ended


def record_signed_out_everywhere(user: User, ended: int) -> None:
    """Audit-log "sign out everywhere"."""
    record("auth.signed_out_everywhere", actor=user, target=f"user:{user.id}", sessions=ended)


def adopt_locale(user: User, locale: str) -> None:
    """An account that never chose a language takes the one it signs in with when that
    is not English, so its e-mail is written in the language its owner reads the site in
    (flushes). English needs no keeping: it is what an account without a choice gets by
    e-mail, and its pages go on following the browser."""
    if user.locale is None and locale in LOCALES and locale != DEFAULT_LOCALE:
        user.locale = locale
        db.session.flush()


def set_locale(user: User, locale: str) -> None:
    """Keep the interface language the person chose (flushes)."""
    if locale not in LOCALES:
        raise AuthError(_("Choose English or French."))
    user.locale = locale
    db.session.flush()
