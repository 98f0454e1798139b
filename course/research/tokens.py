"""API tokens for the research endpoints: created once, stored as a hash, revocable."""

from __future__ import annotations

import secrets

from flask_babel import gettext as _
from sqlalchemy import select

from course import clock
from course.audit.services import record
from course.auth.models import User
from course.auth.services import hash_token
from course.errors import DomainError
from course.extensions import db
from course.research.models import ApiToken

PREFIX = "atp_"
MAX_ACTIVE = 20


class TokenError(DomainError):
    """A token cannot be created or revoked; the message says why."""


def create_token(actor, name: str) -> tuple[ApiToken, str]:
    """Make a named token; returns it with the secret, which is never shown again."""
    name = (name or "").strip()
    if not 3 <= len(name) <= 80:
        raise TokenError(_("Give the token a name of 3 to 80 characters, e.g. 'REDCap nightly'."))
    active = db.session.scalars(
        select(ApiToken.name).where(
            ApiToken.created_by_id == actor.id, ApiToken.revoked_at.is_(None)
        )
    ).all()
    if name in active:
        raise TokenError(
            _("You already have an active token named %(name)r; pick another name.", name=name)
        )
    if len(active) >= MAX_ACTIVE:
        raise TokenError(
            _(
                "You have %(count)s active tokens; revoke one you no longer use.",
                count=MAX_ACTIVE,
            )
        )
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        name=name,
        token_hash=hash_token(secret),
        created_by_id=actor.id,
        created_at=clock.now_utc(),
    )
    db.session.add(token)
    db.session.flush()
    record("research.token_created", actor=actor, target=f"token:{token.id}", name=name)
    return token, secret


def revoke_token(actor, token_id: int) -> ApiToken:
    """Revoke a token at once; requests carrying it get 401 from then on. A researcher
    revokes only their own tokens; an admin any token."""
    token = db.session.get(ApiToken, token_id)
    if token is None or not _may_manage(actor, token):
        raise TokenError(_("There is no such token among yours."), 404)
    if token.revoked_at is not None:
        raise TokenError(_("The token %(name)r was already revoked.", name=token.name))
    token.revoked_at = clock.now_utc()
    token.revoked_by_id = actor.id
    db.session.flush()
    record("research.token_revoked", actor=actor, target=f"token:{token.id}", name=token.name)
    return token


def authenticate(header: str | None):
    """The researcher a ``Bearer`` header stands for, with the token; (None, None) if not.

    A token only works while it is not revoked and its owner is an active researcher.
    """
    scheme, _, secret = (header or "").partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret.startswith(PREFIX) or len(secret) > 200:
        return None, None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(secret)))
    if token is None or token.revoked_at is not None:
        return None, None
    owner = db.session.get(User, token.created_by_id)
    if owner is None or not owner.active or owner.role != "researcher":
        return None, None
    token.last_used_at = clock.now_utc()
    return owner, token


def _may_manage(actor, token: ApiToken) -> bool:
    return actor.role == "admin" or token.created_by_id == actor.id


def list_tokens(viewer):
    """The tokens ``viewer`` may see and revoke (a researcher: their own; an admin: all),
    with each creator's study ID, newest first."""
    query = (
        select(ApiToken, User.study_id)
        .join(User, User.id == ApiToken.created_by_id)
        .order_by(ApiToken.id.desc())
        .limit(200)
    )
    if viewer.role != "admin":
        query = query.where(ApiToken.created_by_id == viewer.id)
    return db.session.execute(query).all()
