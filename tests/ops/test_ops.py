"""Operations: readiness, database outages, the JSON request log and production settings."""

from __future__ import annotations

import json
import logging
import re
import sys

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask import request
from flask_migrate import stamp
from werkzeug.middleware.proxy_fix import ProxyFix

from course import create_app
from course.config import ConfigError, json_logs, load
from course.extensions import db
from course.web.access import public
from course.web.ops import JsonFormatter

#: Nothing listens on port 1: connections are refused at once, on either test pass.
DEAD_DATABASE = "postgresql+psycopg://postgres@127.0.0.1:1/x"
HEX_ID = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def unstamped(app):
    """The test database without an alembic_version table, before and after the test."""

    def drop() -> None:
        with app.app_context():
            db.session.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
            db.session.commit()

    drop()  # PostgreSQL keeps one schema per session and empties only the models' tables
    yield
    drop()


def _scripts(app) -> ScriptDirectory:
    return ScriptDirectory(app.extensions["migrate"].directory)


def _request_lines(caplog) -> list[dict]:
    return [r.fields for r in caplog.records if r.name == "course.requests"]


# --- /readyz --------------------------------------------------------------------------


def test_readyz_reports_pending_migrations_on_an_unstamped_database(app, client, unstamped):
    head = _scripts(app).get_current_head()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["reason"] == f"migrations pending: current none, head {head}"


def test_readyz_reports_an_old_revision(app, client, unstamped):
    scripts = _scripts(app)
    base, head = scripts.get_bases()[0], scripts.get_current_head()
    assert base != head, "needs two migrations to tell old from new"
    with app.app_context():
        stamp(revision=base)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["reason"] == f"migrations pending: current {base}, head {head}"


def test_readyz_is_ready_once_the_database_is_at_head(app, client, unstamped):
    with app.app_context():
        stamp()
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json == {"status": "ready", "enrolment": "open"}


def test_readyz_stays_ready_but_says_enrolment_is_closed_without_study_settings(
    app, client, unstamped
):
    with app.app_context():
        stamp()
    app.config["ENV"] = "production"  # and no COURSE_STUDY_* set
    response = client.get("/readyz")
    assert response.status_code == 200
    # Closed, without naming the settings: the probe is unauthenticated.
    assert response.json["enrolment"] == "closed"
    assert "COURSE_STUDY_PI" not in response.get_data(as_text=True)


def test_readyz_says_when_the_database_is_unreachable(settings):
    client = create_app({**settings, "DATABASE_URL": DEAD_DATABASE}).test_client()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json == {"status": "unavailable", "reason": "database unreachable"}


# --- database outages -----------------------------------------------------------------


def test_a_database_outage_gets_the_friendly_page_and_retry_after(settings):
    client = create_app({**settings, "DATABASE_URL": DEAD_DATABASE}).test_client()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    page = response.get_data(as_text=True)
    assert "The platform is briefly unavailable. Please retry." in page
    assert "Traceback" not in page and "psycopg" not in page


def test_a_json_client_gets_json_during_an_outage(settings):
    client = create_app({**settings, "DATABASE_URL": DEAD_DATABASE}).test_client()
    response = client.get("/healthz", headers={"Accept": "application/json"})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.json["error"] == "Temporarily unavailable"


def test_a_signed_in_user_gets_the_friendly_page_during_an_outage(
    app, client, settings, make_user, login
):
    login(make_user("admin"))
    down = create_app({**settings, "DATABASE_URL": DEAD_DATABASE}).test_client()
    down.set_cookie("session", client.get_cookie("session").value, domain="localhost")
    response = down.get("/admin/users")  # loading the user is what fails
    assert response.status_code == 503
    assert "briefly unavailable" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (sa.exc.OperationalError("SELECT 1", {}, Exception("server closed")), 503),
        (sa.exc.TimeoutError("QueuePool limit of size 5 overflow 5 reached"), 503),
        (sa.exc.DBAPIError("SELECT 1", {}, Exception("gone"), connection_invalidated=True), 503),
        (sa.exc.IntegrityError("INSERT", {}, Exception("duplicate key")), 500),
    ],
    ids=["operational", "pool-timeout", "invalidated", "integrity"],
)
def test_only_unavailability_is_a_503(settings, error, status):
    def fail():
        raise error

    app = create_app(settings)  # its own: a route is added to it
    app.add_url_rule("/fail", "fail", public(fail))
    response = app.test_client().get("/fail")
    assert response.status_code == status
    assert ("Retry-After" in response.headers) == (status == 503)


# --- request log ----------------------------------------------------------------------


def test_each_request_logs_one_json_line_without_personal_data(client, make_user, login, caplog):
    admin = make_user("admin", email="dana.secret@example.org", name="Dana Secretname")
    login(admin)
    caplog.set_level(logging.INFO, logger="course.requests")
    caplog.clear()  # only the request below
    client.get(f"/admin/users/{admin.id}")
    [record] = [r for r in caplog.records if r.name == "course.requests"]
    line = json.loads(record.getMessage())
    assert line == record.fields
    assert line["route"] == "/admin/users/<int:user_id>"
    assert line["method"] == "GET" and line["status"] == 200
    assert line["study_id"] == admin.study_id
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert HEX_ID.fullmatch(line["request_id"])
    everything = json.dumps(vars(record), default=str)
    for personal in ("dana.secret", "example.org", "Secretname", "127.0.0.1"):
        assert personal not in everything


def test_refused_and_unknown_requests_are_logged_too(client, caplog):
    caplog.set_level(logging.INFO, logger="course.requests")
    assert client.get("/admin/users").status_code == 302
    assert client.get("/no/such/page").status_code == 404
    refused, unknown = _request_lines(caplog)
    assert refused["route"] == "/admin/users" and refused["status"] == 302
    assert refused["study_id"] is None and refused["duration_ms"] is not None
    assert unknown["route"] is None and unknown["status"] == 404


def test_a_sane_request_id_is_echoed_and_logged(client, caplog):
    caplog.set_level(logging.INFO, logger="course.requests")
    response = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a.2_x"})
    assert response.headers["X-Request-ID"] == "lb-7f3a.2_x"
    assert _request_lines(caplog)[0]["request_id"] == "lb-7f3a.2_x"


@pytest.mark.parametrize(
    "sent",
    ["a" * 65, "two words", "<script>alert(1)</script>", 'x", "status": 200', "ümlaut", ""],
)
def test_an_unsafe_request_id_is_replaced(client, caplog, sent):
    caplog.set_level(logging.INFO, logger="course.requests")
    response = client.get("/healthz", headers={"X-Request-ID": sent})
    echoed = response.headers["X-Request-ID"]
    assert echoed != sent and HEX_ID.fullmatch(echoed)
    assert _request_lines(caplog)[0]["request_id"] == echoed


def test_json_formatter_writes_one_object_per_line():
    record = logging.LogRecord("course.requests", logging.INFO, __file__, 1, "m", (), None)
    record.fields = {"route": "/healthz", "status": 200}
    line = json.loads(JsonFormatter().format(record))
    assert line["route"] == "/healthz" and line["level"] == "INFO" and "time" in line
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        error = logging.LogRecord("course", logging.ERROR, __file__, 1, "x %s", ("y",), None)
        error.exc_info = sys.exc_info()
    formatted = JsonFormatter().format(error)
    assert "\n" not in formatted
    assert json.loads(formatted)["message"] == "x y" and "boom" in json.loads(formatted)["exc"]


# --- settings -------------------------------------------------------------------------


def test_a_server_database_gets_a_bounded_pool(tmp_path):
    config = load(
        tmp_path,
        environ={
            "COURSE_ENV": "development",
            "COURSE_DATABASE_URL": "postgresql+psycopg://course@db.internal/course",
            "COURSE_POOL_SIZE": "7",
            "COURSE_POOL_TIMEOUT": "3",
        },
    )
    assert config["SQLALCHEMY_ENGINE_OPTIONS"] == {
        "pool_pre_ping": True,
        "pool_size": 7,
        "max_overflow": 7,
        "pool_timeout": 3,
        "pool_recycle": 1800,
    }


def test_sqlite_keeps_only_pre_ping(tmp_path):
    config = load(tmp_path, environ={"COURSE_ENV": "development"})
    assert config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:")
    assert config["SQLALCHEMY_ENGINE_OPTIONS"] == {"pool_pre_ping": True}


@pytest.mark.parametrize("value", ["0", "-1", "five"])
def test_a_bad_pool_size_is_explained(tmp_path, value):
    with pytest.raises(ConfigError, match="COURSE_POOL_SIZE"):
        load(tmp_path, environ={"COURSE_ENV": "development", "COURSE_POOL_SIZE": value})


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"COURSE_ENV": "production"}, True),
        ({}, True),
        ({"COURSE_ENV": "development"}, False),
        ({"COURSE_ENV": "production", "COURSE_LOG_JSON": "off"}, False),
        ({"COURSE_ENV": "testing", "COURSE_LOG_JSON": "true"}, True),
    ],
)
def test_json_logs_default_to_production_only(tmp_path, environ, expected):
    environ = {"COURSE_SECRET_KEY": "k" * 40, **environ}
    assert load(tmp_path, environ=environ)["LOG_JSON"] is expected
    assert json_logs(environ) is expected  # what gunicorn.conf.py decides from


@pytest.mark.parametrize(
    ("overrides", "warned"),
    [
        ({"ENV": "production", "REDIS_URL": None}, True),
        ({"ENV": "production", "REDIS_URL": "redis://127.0.0.1:6379/0"}, False),
        ({"ENV": "development", "REDIS_URL": None}, False),
    ],
)
def test_production_without_redis_warns_once(settings, caplog, overrides, warned):
    caplog.set_level(logging.WARNING, logger="course")
    create_app({**settings, "LOG_JSON": False, **overrides})
    message = "COURSE_REDIS_URL unset: rate limits are per process (memory)"
    assert caplog.messages.count(message) == (1 if warned else 0)


def test_proxy_fix_only_when_asked(settings):
    assert not isinstance(create_app(settings).wsgi_app, ProxyFix)
    app = create_app({**settings, "PROXY_FIX": True})
    assert isinstance(app.wsgi_app, ProxyFix)
    seen = {}

    def where():
        seen.update(addr=request.remote_addr, scheme=request.scheme, host=request.host)
        return "ok"

    app.add_url_rule("/where", "where", public(where))
    headers = {
        "X-Forwarded-For": "203.0.113.9",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "course.example.org",
    }
    app.test_client().get("/where", headers=headers)
    assert seen == {"addr": "203.0.113.9", "scheme": "https", "host": "course.example.org"}
