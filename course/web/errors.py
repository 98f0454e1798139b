"""Friendly error pages (HTML) and JSON errors for the API and JSON endpoints."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from course import clock
from course.extensions import db, limiter

MESSAGES = {
    400: ("Bad request", "The request could not be understood."),
    401: ("Sign-in required", "This needs a valid sign-in or token."),
    403: ("Not allowed", "Your account does not have access to this page."),
    404: ("Not found", "There is no page at this address."),
    405: ("Method not allowed", "This address does not accept that kind of request."),
    413: ("Too large", "What you sent is larger than this page accepts."),
    429: ("Too many attempts", "Please wait before trying again."),
    500: ("Something went wrong", "The error was logged. Please try again in a moment."),
    503: ("Temporarily unavailable", "The platform is briefly unavailable. Please retry."),
}


def wants_json() -> bool:
    """True for API and JSON clients, which get JSON errors instead of pages."""
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best == "application/json" or request.is_json
    )


def _render(status: int, detail: str | None = None, retry_after: int | None = None):
    title, message = MESSAGES.get(status, MESSAGES[500])
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


def _retry_after_seconds() -> int | None:
    current = limiter.current_limit
    if current is None:
        return None
    return max(1, int(current.reset_at - clock.now_utc().timestamp()))


def register(app: Flask) -> None:
    """Install the handlers."""

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return _render(400, "The form expired or was not sent from this site. Reload and retry.")

    @app.errorhandler(RateLimitExceeded)
    def rate_limited(error: RateLimitExceeded):
        retry = _retry_after_seconds()
        minutes = max(1, round((retry or 60) / 60))
        detail = (
            "Too many attempts from this account or address. "
            f"Please try again in about {minutes} minute{'s' if minutes != 1 else ''}."
        )
        response = app.make_response(_render(429, detail, retry))
        if retry:
            response.headers["Retry-After"] = str(retry)
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        detail = error.description if error.code in (400, 413) and _is_custom(error) else None
        return _render(error.code or 500, detail)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        db.session.rollback()
        app.logger.exception("unhandled error on %s", request.path)
        return _render(500)


def _is_custom(error: HTTPException) -> bool:
    return error.description != type(error).description and error.description != (
        InternalServerError.description
    )
