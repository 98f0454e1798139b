"""Friendly error pages (HTML) and JSON errors for the API and JSON endpoints."""

from __future__ import annotations

from contextlib import suppress

from flask import Flask, current_app, flash, g, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException

from course import clock
from course.errors import DomainError
from course.extensions import db, limiter, login_manager

#: Seconds a client is asked to wait when the database is briefly out of reach.
DATABASE_RETRY_SECONDS = 5

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood.")),
    401: (_l("Sign-in required"), _l("This needs a valid sign-in or token.")),
    403: (_l("Not allowed"), _l("Your account does not have access to this page.")),
    404: (_l("Not found"), _l("There is no page at this address.")),
    405: (_l("Method not allowed"), _l("This address does not accept that kind of request.")),
    409: (_l("Conflict"), _l("This cannot be done in the current state.")),
    410: (_l("No longer valid"), _l("This link can no longer be used.")),
    413: (_l("Too large"), _l("What you sent is larger than this page accepts.")),
    415: (_l("Wrong kind of content"), _l("This address does not accept that kind of content.")),
    422: (_l("Cannot be accepted"), _l("Something in what you sent needs correcting.")),
    429: (_l("Too many attempts"), _l("Please wait before trying again.")),
    500: (_l("Something went wrong"), _l("The error was logged. Please try again in a moment.")),
    503: (_l("Temporarily unavailable"), _l("The platform is briefly unavailable. Please retry.")),
}


def speaks_json(view):
    """Mark a view that answers only JSON (a beacon's form post included), so its
    refusals are JSON too."""
    view.speaks_json = True
    return view


def wants_json() -> bool:
    """True for API and JSON clients, which get JSON errors instead of pages."""
    view = current_app.view_functions.get(request.endpoint or "")
    return (
        request.path.startswith("/api/")
        or getattr(view, "speaks_json", False)
        or request.accept_mimetypes.best == "application/json"
        or request.is_json
    )


def _render(status: int, detail: str | None = None, retry_after: int | None = None):
    title, message = (str(text) for text in MESSAGES.get(status, MESSAGES[500]))
    detail = str(detail) if detail is not None else None
    if wants_json():
        body = {"error": title, "message": detail or message}
        response = jsonify(body)
        response.status_code = status
        return response
    html = render_template(
        "errors/error.html",
        status=status,
        title=title,
        message=detail or message,
        retry_after=retry_after,
    )
    return html, status


def same_site_referrer() -> str | None:
    """The page the request came from, when it is on this site (for a "Go back" link)."""
    referrer = request.referrer or ""
    host = request.host_url
    return referrer if referrer.startswith(host) else None


def show_refusal(error: DomainError, form=None) -> None:
    """Undo what the refused service flushed, and show its message on the page the person
    is on: beside the form field at fault, else at the top, keeping what they typed."""
    db.session.rollback()
    field = getattr(form, error.field, None) if form is not None and error.field else None
    if field is not None:
        field.errors = [*field.errors, str(error)]
    else:
        flash(str(error), "error")


def _retry_after_seconds() -> int | None:
    current = limiter.current_limit
    if current is None:
        return None
    return max(1, int(current.reset_at - clock.now_utc().timestamp()))


def register(app: Flask) -> None:
    """Install the handlers."""

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return _render(400, _("The form expired or was not sent from this site. Reload and retry."))

    @app.errorhandler(RateLimitExceeded)
    def rate_limited(error: RateLimitExceeded):
        retry = _retry_after_seconds()
        minutes = max(1, round((retry or 60) / 60))
        detail = ngettext(
            "Too many attempts from this account or address. "
            "Please try again in about %(num)d minute.",
            "Too many attempts from this account or address. "
            "Please try again in about %(num)d minutes.",
            minutes,
        )
        response = app.make_response(_render(429, detail, retry))
        if retry:
            response.headers["Retry-After"] = str(retry)
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        # A view's own message (abort(403, "...")) is shown; the generic ones are not.
        detail = error.description if error.description != type(error).description else None
        return _render(error.code or 500, detail)

    @app.errorhandler(OperationalError)
    @app.errorhandler(PoolTimeoutError)
    def database_unavailable(error: SQLAlchemyError):
        with suppress(SQLAlchemyError):  # the connection may already be gone
            db.session.rollback()
        # The class only: the text can carry SQL parameters, such as an e-mail address.
        cause = type(getattr(error, "orig", None) or error).__name__
        app.logger.warning("database unavailable on %s (%s)", request.endpoint, cause)
        # The user cannot be loaded (or reloaded after the rollback) now, so the page is
        # drawn as for a visitor and touches no database.
        g._login_user = login_manager.anonymous_user()
        response = app.make_response(_render(503, retry_after=DATABASE_RETRY_SECONDS))
        response.headers["Retry-After"] = str(DATABASE_RETRY_SECONDS)
        return response

    @app.errorhandler(DBAPIError)
    def database_error(error: DBAPIError):
        if error.connection_invalidated:  # a disconnect the driver reported another way
            return database_unavailable(error)
        return unexpected(error)

    @app.errorhandler(DataError)
    @app.errorhandler(OverflowError)
    def out_of_range(error: Exception):
        # A backstop: input is bounded where it enters (ids, numbers, dates), so this is a
        # gap in that checking. Logged with its trace to be closed, answered as bad input.
        with suppress(SQLAlchemyError):
            db.session.rollback()
        app.logger.warning("out-of-range input on %s", request.path, exc_info=error)
        return _render(400, _("A number, date or text in the request is out of range."))

    @app.errorhandler(DomainError)
    def refused(error: DomainError):
        # Whatever the service flushed before it refused goes with the refusal.
        db.session.rollback()
        if wants_json():
            title = MESSAGES.get(error.status, (_l("Refused"),))[0]
            body = {"error": str(title), "message": str(error)}
            return jsonify(body), error.status
        page = render_template(
            error.template, message=str(error), error=error, back=same_site_referrer(),
            **error.context(),
        )  # fmt: skip
        return page, error.status

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        db.session.rollback()
        app.logger.exception("unhandled error on %s", request.path)
        return _render(500)
