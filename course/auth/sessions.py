"""Sign-in sessions that end: on sign-out, on a password reset or change, everywhere.

Flask-Login keeps ``User.get_id()`` in the signed session cookie and in the "keep me
signed in" cookie. Here that id is ``<user id>:<token>``, where the token names one
``UserSession`` row (only its sha256 is stored). Loading the user checks the row in the
same single query, so ending the row ends every copy of either cookie at once.

The remember cookie rotates: each time it restores a session, its row is ended and a new
token is issued. A request racing the rotation with the old cookie is still let in for
``ROTATION_GRACE``, so two tabs opening at once do not sign each other out.

Everything here flushes and never commits; the caller decides.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, session
from sqlalchemy import bindparam, delete, select, update

from course import clock
from course.auth.models import User, UserSession
from course.extensions import db

#: How long a token replaced by rotation is still accepted (racing requests).
ROTATION_GRACE = timedelta(seconds=60)

#: How long an ended or expired session's row is kept (for looking into an incident).
KEEP_ENDED = timedelta(days=30)

# Built once: every signed-in request runs it.
_LOAD = (
    select(User, UserSession.end_reason)
    .join(UserSession, UserSession.user_id == User.id)
    .where(User.id == bindparam("id"), UserSession.token_hash == bindparam("hash"))
    .where(UserSession.expires_at > bindparam("now"))
    .where(
        (UserSession.ended_at.is_(None))
        | ((UserSession.end_reason == "rotated") & (UserSession.ended_at > bindparam("grace")))
    )
)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _lifetime(remember: bool) -> timedelta:
    config = current_app.config
    if remember:
        return timedelta(days=config["REMEMBER_DAYS"])
    return timedelta(days=config["SESSION_DAYS"])


def start(user: User, *, remember: bool, signed_in_at=None) -> str:
    """Open a session for ``user`` (before ``login_user``); returns its token."""
    token = secrets.token_urlsafe(32)
    now = clock.now_utc()
    db.session.add(
        UserSession(
            user_id=user.id,
            token_hash=_hash(token),
            remember=remember,
            signed_in_at=signed_in_at or now,
            created_at=now,
            expires_at=now + _lifetime(remember),
        )
    )
    db.session.flush()
    user.session_token = token
    return token


def load(value: str) -> User | None:
    """The active user a cookie's id names, while its session is live; else None."""
    user_id, _, token = value.partition(":")
    if (
        not (user_id.isascii() and user_id.isdigit())
        or len(user_id) > 9
        or not 20 <= len(token) <= 64
    ):
        return None
    now = clock.now_utc()
    row = db.session.execute(
        _LOAD, {"id": int(user_id), "hash": _hash(token), "now": now, "grace": now - ROTATION_GRACE}
    ).one_or_none()
    if row is None or not row[0].active:
        return None
    user, reason = row
    user.session_token = token
    user.session_rotated = reason == "rotated"
    return user


def rotate(user: User) -> None:
    """The remember cookie restored a session: replace its token (Flask-Login then sets
    the new cookie). A token already rotated (a racing request) is left as it is."""
    if getattr(user, "session_rotated", False) or not user.session_token:
        return
    old = db.session.scalar(
        select(UserSession).where(UserSession.token_hash == _hash(user.session_token))
    )
    if old is None or not old.remember:
        return
    _end([old.id], "rotated")
    start(user, remember=True, signed_in_at=old.signed_in_at)
    session["_user_id"] = user.get_id()
    session["_remember"] = "set"


def end_current(user: User) -> None:
    """Sign-out: end the session this request came in on."""
    if user.session_token:
        found = db.session.scalar(
            select(UserSession.id).where(UserSession.token_hash == _hash(user.session_token))
        )
        if found is not None:
            _end([found], "signed_out")


def end_all(user: User, reason: str) -> int:
    """End every live session of ``user`` (every browser, every remembered cookie)."""
    live = list(
        db.session.scalars(
            select(UserSession.id).where(
                UserSession.user_id == user.id, UserSession.ended_at.is_(None)
            )
        )
    )
    _end(live, reason)
    return len(live)


def live_sessions(user: User) -> list[UserSession]:
    """The person's sessions that still work, newest sign-in first."""
    return list(
        db.session.scalars(
            select(UserSession)
            .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
            .where(UserSession.expires_at > clock.now_utc())
            .order_by(UserSession.signed_in_at.desc(), UserSession.id.desc())
        )
    )


def is_current(user: User, row: UserSession) -> bool:
    """True when ``row`` is the session of this request."""
    return bool(user.session_token) and row.token_hash == _hash(user.session_token)


def _end(ids: list[int], reason: str) -> None:
    if ids:
        db.session.execute(
            update(UserSession)
            .where(UserSession.id.in_(ids), UserSession.ended_at.is_(None))
            .values(ended_at=clock.now_utc(), end_reason=reason)
            .execution_options(synchronize_session=False)
        )


def prune(now=None) -> int:
    """Delete the rows of sessions that ended or expired more than ``KEEP_ENDED`` ago (they
    can never sign anyone in again); returns how many. Run daily from cron."""
    cutoff = (now or clock.now_utc()) - KEEP_ENDED
    result = db.session.execute(
        delete(UserSession)
        .where((UserSession.ended_at < cutoff) | (UserSession.expires_at < cutoff))
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0
