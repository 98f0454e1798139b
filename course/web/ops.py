"""Operations: the readiness probe, one JSON log line per request, start-up warnings."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime
from functools import cache
from urllib.parse import urlsplit

import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, Flask, Response, current_app, g, has_request_context, request
from flask.logging import default_handler, wsgi_errors_stream
from sqlalchemy.exc import SQLAlchemyError

from course.config import enrolment_closed
from course.extensions import db
from course.web.access import public

bp = Blueprint("ops", __name__)
log = logging.getLogger("course.requests")

#: An incoming X-Request-ID is kept only when it is this tame: no header or log injection.
REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


@cache
def head_revisions(directory: str) -> tuple[str, ...]:
    """The migration scripts' head revision(s), read from disk once per process."""
    return tuple(sorted(ScriptDirectory(directory).get_heads()))


def _names(revisions: tuple[str, ...]) -> str:
    return ", ".join(revisions) or "none"


@bp.route("/readyz")
@public
def readyz():
    """Readiness: the database answers and its schema is at the code's migration head."""
    head = head_revisions(current_app.extensions["migrate"].directory)
    try:
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection)
            current = tuple(sorted(context.get_current_heads()))
    except SQLAlchemyError as error:
        # The class only: the text of a driver error can carry the URL or SQL parameters.
        current_app.logger.warning("readyz: database unreachable (%s)", type(error).__name__)
        return {"status": "unavailable", "reason": "database unreachable"}, 503
    if current != head:
        reason = f"migrations pending: current {_names(current)}, head {_names(head)}"
        return {"status": "unavailable", "reason": reason}, 503
    # Ready to serve either way; enrolment waiting for the study settings is said, not failed.
    closed = enrolment_closed(current_app.config)
    # Which settings are missing is for staff (their pages and the start-up log), not for
    # an unauthenticated probe.
    return {"status": "ready", "enrolment": "closed" if closed else "open"}


# --- request log --------------------------------------------------------------------------


def _start() -> None:
    """before_request, first of all: tag and time the request."""
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _note_user() -> None:
    """before_request, last: remember the study ID while the user's row is fresh."""
    # Flask-Login keeps the request's user in g._login_user once something has loaded it
    # (access.enforce does for every non-public route). Loading it here instead would add
    # a query to every public page, and after a commit its columns are expired.
    if g.get("study_id") is None:
        state = sa.inspect(g.get("_login_user"), raiseerr=False)
        g.study_id = state.dict.get("study_id") if state is not None else None


def _finish(response: Response) -> Response:
    """after_request: echo the request id and write the request's one log line."""
    request_id = g.get("request_id") or uuid.uuid4().hex
    response.headers["X-Request-ID"] = request_id
    started = g.get("request_started")
    _note_user()  # a public page may have loaded the user in the view
    # The URL rule, never the raw path: invitation and reset links carry their token there.
    # Nor the e-mail, name or address: the study ID is the only person-level field.
    fields = {
        "request_id": request_id,
        "method": request.method,
        "route": request.url_rule.rule if request.url_rule else None,
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
        "study_id": g.get("study_id"),
    }
    log.info(json.dumps(fields), extra={"fields": fields})
    return response


# --- log output ---------------------------------------------------------------------------


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, then the record's fields or message."""

    def format(self, record: logging.LogRecord) -> str:
        """Render ``record`` as one line of JSON."""
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line.update(fields)
        else:
            line["message"] = record.getMessage()
            if has_request_context() and g.get("request_id"):
                line["request_id"] = g.request_id  # ties an error to its request's line
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


def _configure_logging(app: Flask) -> None:
    """COURSE_LOG_JSON: the app's loggers (``course`` and below) write JSON to stderr."""
    if not app.config["LOG_JSON"]:
        return  # records are still emitted; the test suite's caplog sees them
    logger = logging.getLogger(app.import_name)  # app.logger's name; parent of course.requests
    if any(isinstance(handler.formatter, JsonFormatter) for handler in logger.handlers):
        return  # one handler per process, however many apps it builds
    logger.removeHandler(default_handler)  # or every line would also go out as plain text
    # wsgi_errors_stream: the server's error stream during a request (gunicorn's errorlog,
    # stderr by default), sys.stderr otherwise.
    handler = logging.StreamHandler(wsgi_errors_stream)
    handler.setFormatter(JsonFormatter())
    logger.addHandler(handler)
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.INFO)


def _warn_about_settings(app: Flask) -> None:
    """Say at start which production settings leave the platform weaker than it could be."""
    if app.config["REDIS_URL"]:
        address = urlsplit(app.config["REDIS_URL"])
        app.logger.info(
            "rate limits shared through Redis at %s%s", address.hostname, address.path or ""
        )
    elif app.config["ENV"] == "production":
        app.logger.warning("COURSE_REDIS_URL unset: rate limits are per process (memory)")
    if closed := enrolment_closed(app.config):
        app.logger.warning("%s", closed)


def register(app: Flask) -> None:
    """Install /readyz, the request-log hooks and, when asked, the JSON log handler."""
    _configure_logging(app)
    app.register_blueprint(bp)
    # Ahead of access.enforce, so refused requests (302, 403) get an id and a time too.
    app.before_request_funcs.setdefault(None, []).insert(0, _start)
    app.before_request(_note_user)
    app.after_request(_finish)
    _warn_about_settings(app)
