"""Every route declares who may call it; the server enforces it before the view runs."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import abort, current_app, request
from flask_login import current_user

from course.extensions import login_manager
from course.roles import ROLES

PUBLIC = frozenset({"public"})
SIGNED_IN = frozenset(ROLES)

F = TypeVar("F", bound=Callable[..., object])


def roles(*allowed: str) -> Callable[[F], F]:
    """Allow only signed-in users holding one of ``allowed`` roles."""
    unknown = set(allowed) - set(ROLES)
    if unknown or not allowed:
        raise ValueError(f"unknown roles {sorted(unknown)}")

    def mark(view: F) -> F:
        view.access = frozenset(allowed)  # type: ignore[attr-defined]
        return view

    return mark


def public(view: F) -> F:
    """Allow anyone, signed in or not."""
    view.access = PUBLIC  # type: ignore[attr-defined]
    return view


def signed_in(view: F) -> F:
    """Allow any signed-in user, whatever the role."""
    view.access = SIGNED_IN  # type: ignore[attr-defined]
    return view


def access_of(endpoint: str) -> frozenset[str] | None:
    """The declared access of an endpoint, or None when it declares nothing."""
    if endpoint == "static":  # Flask's own route for static/, public like the files
        return PUBLIC
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "access", None)


def enforce() -> object | None:
    """before_request: refuse a request the endpoint's declaration does not allow."""
    if request.endpoint is None:
        return None  # routing failed; the 404/405 handler answers
    access = access_of(request.endpoint)
    if access is None:
        current_app.logger.error("route %s declares no roles; refused", request.endpoint)
        abort(403)
    if access == PUBLIC:
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.role not in access:
        abort(403)
    return None
