"""Users and their one-time links (invitations, password resets)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, event, inspect
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course import clock
from course.dbtypes import UTCDateTime
from course.extensions import db

ARMS = ("self_paced", "workshop", "control", "open")

_ROLE_CHECK = "role IN ('therapist', 'trainer', 'researcher', 'admin')"
# Only therapists carry an arm, and every therapist has one.
_ARM_CHECK = (
    "(role = 'therapist' AND arm IN ('self_paced', 'workshop', 'control', 'open'))"
    " OR (role <> 'therapist' AND arm IS NULL)"
)


class User(UserMixin, db.Model):
    """A person with one role. E-mail is stored lower-cased, so unique means case-insensitive."""

    __tablename__ = "users"

    #: Internal key; never shown to researchers.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: Lower-cased e-mail address; unique.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    #: Full name as printed on certificates.
    name: Mapped[str] = mapped_column(String(200))
    #: werkzeug password hash.
    password_hash: Mapped[str] = mapped_column(String(255))
    #: therapist, trainer, researcher or admin.
    role: Mapped[str] = mapped_column(String(20), index=True)
    #: IANA time zone used to show times.
    timezone: Mapped[str] = mapped_column(String(64))
    #: Random pseudonym for research data; never derived from name or e-mail.
    study_id: Mapped[str] = mapped_column(String(16), unique=True)
    #: Trial arm (therapists only).
    arm: Mapped[str | None] = mapped_column(String(20), index=True)
    #: Profession, a stratification field (e.g. psychologist, social worker).
    profession: Mapped[str | None] = mapped_column(String(80))
    #: Province or state, a stratification field.
    region: Mapped[str | None] = mapped_column(String(80))
    #: Deactivated accounts cannot sign in.
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Account creation time (UTC).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now_utc)
    #: Last successful sign-in (UTC).
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Interface language chosen (``en`` or ``fr_CA``); None follows the browser.
    locale: Mapped[str | None] = mapped_column(String(10))

    __table_args__ = (
        CheckConstraint(_ROLE_CHECK, name="role"),
        CheckConstraint(_ARM_CHECK, name="arm"),
        CheckConstraint("locale IN ('en', 'fr_CA')", name="locale"),
    )

    #: The sign-in session this request was loaded through (set by ``course.auth.sessions``;
    #: not a column). Flask-Login stores ``get_id()`` in the session and the remember cookie.
    session_token = None

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        """``<user id>:<session token>``: a cookie names one session, which can be ended."""
        if not self.session_token:
            raise RuntimeError("start a session (course.auth.sessions.start) before login_user")
        return f"{self.id}:{self.session_token}"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


#: Set only while ``course.research.allocation`` assigns an arm: the one writer of the arm.
_arm_writer: ContextVar[bool] = ContextVar("arm_writer", default=False)


class ArmWriteRefused(RuntimeError):
    """Code other than the allocation service tried to change a therapist's arm."""


@contextmanager
def writing_arm() -> Iterator[None]:
    """Let the allocation service (and only it) assign ``User.arm`` on an existing account.

    The database checks the same rule: ``users.arm`` may change only to the arm of the
    person's newest allocation (a trigger, see ``course.research.models``).
    """
    token = _arm_writer.set(True)
    try:
        yield
    finally:
        _arm_writer.reset(token)


@event.listens_for(User.arm, "set")
def _refuse_other_arm_writers(target: User, value, old, _initiator) -> None:
    # A new account gets its first arm when it is created; after that, only allocation.
    changed = value != old and value is not None
    if changed and inspect(target).has_identity and not _arm_writer.get():
        raise ArmWriteRefused(
            "A therapist's arm changes only through course.research.allocation "
            "(an allocation row, a reason and an audit entry)."
        )


class Invitation(db.Model):
    """An expiring, single-use link that lets one person register with a given role."""

    __tablename__ = "invitations"

    #: Internal key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: sha256 of the token in the link; the token itself is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: Lower-cased address the invitation was sent to.
    email: Mapped[str] = mapped_column(String(254), index=True)
    #: Role the new account gets.
    role: Mapped[str] = mapped_column(String(20))
    #: Arm for a therapist invitation.
    arm: Mapped[str | None] = mapped_column(String(20))
    #: Admin who created it.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: Creation time (UTC).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now_utc)
    #: After this the link no longer works.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: Set when the link was used to register.
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Set when an admin withdrew the invitation.
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Account created from it.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    __table_args__ = (
        CheckConstraint(_ROLE_CHECK, name="role"),
        CheckConstraint(_ARM_CHECK, name="arm"),
    )

    @property
    def status(self) -> str:
        """pending, used, revoked or expired."""
        if self.used_at:
            return "used"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= clock.now_utc():
            return "expired"
        return "pending"


class PasswordReset(db.Model):
    """An expiring, single-use password-reset link."""

    __tablename__ = "password_resets"

    #: Internal key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: sha256 of the token in the link.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: Whose password it resets.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: Creation time (UTC).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now_utc)
    #: After this the link no longer works.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: Set when used; a used link never works again.
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class UserSession(db.Model):
    """One sign-in: a browser session, or a "keep me signed in" cookie, that can be ended.

    Sign-out ends it; a password reset or change, and "sign out everywhere", end all of a
    person's sessions. The cookie holds a random token; only its sha256 is stored.
    """

    __tablename__ = "user_sessions"

    #: Internal key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: Whose session.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: sha256 of the token in the cookie.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: True for "keep me signed in" (a cookie that outlives the browser session).
    remember: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Sign-in time (UTC); a rotated cookie's session keeps the original sign-in time.
    signed_in_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: When this token was issued (UTC).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: After this the token no longer works.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: When it was ended; None while it is live.
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: signed_out, signed_out_everywhere, password_reset, password_changed or rotated.
    end_reason: Mapped[str | None] = mapped_column(String(24))

    __table_args__ = (
        CheckConstraint(
            "end_reason IS NULL OR end_reason IN ('signed_out', 'signed_out_everywhere', "
            "'password_reset', 'password_changed', 'rotated')",
            name="end_reason",
        ),
        CheckConstraint("(ended_at IS NULL) = (end_reason IS NULL)", name="ended"),
    )
