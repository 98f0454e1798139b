"""Fixtures shared by the whole suite: app, client, runner, users, login, mail sink.

The backend is SQLite unless COURSE_TEST_DATABASE_URL names a PostgreSQL database;
``make test`` runs the suite once on each. Every test gets a fresh database.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from flask.testing import FlaskClient

from course import create_app
from course.extensions import db

PG_URL = os.environ.get("COURSE_TEST_DATABASE_URL")
IN_CI = os.environ.get("CI", "").lower() == "true"
PASSWORD = "correct horse battery staple"
BACKEND = "postgresql" if PG_URL else "sqlite"


def pytest_report_header(config) -> str:
    """Say which database this pass uses."""
    return f"database backend: {BACKEND}" + (" (CI: nothing may skip)" if IN_CI else "")


def pytest_collection_modifyitems(config, items) -> None:
    """PostgreSQL-only tests (concurrency) belong to the PostgreSQL pass, not this one."""
    if PG_URL:
        return
    kept = [i for i in items if i.get_closest_marker("postgres_only") is None]
    deselected = [i for i in items if i.get_closest_marker("postgres_only") is not None]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


def unavailable(reason: str) -> None:
    """Skip locally; fail under CI=true, where every test must really run."""
    if IN_CI:
        pytest.fail(f"CI=true and this test cannot run: {reason}", pytrace=False)
    pytest.skip(reason)


# --- databases ------------------------------------------------------------------------


@dataclass
class SQLiteTemplate:
    """A migrated-schema SQLite file copied for each test."""

    path: Path

    def location(self, folder: Path) -> tuple[str, dict]:
        """The URL and engine options of the test database in ``folder``."""
        return f"sqlite:///{folder / 'test.db'}", {}

    def fresh(self, folder: Path) -> None:
        """Put a copy of the template in place (a new file: old connections keep the old)."""
        staging = folder / "test.db.new"
        shutil.copyfile(self.path, staging)
        os.replace(staging, folder / "test.db")

    def cleanup(self) -> None:
        """Nothing to do: files live in pytest's temporary folder."""


@dataclass
class PostgresSchema:
    """One schema per test session, emptied between tests by DELETE (not TRUNCATE).

    TRUNCATE makes new files for 30 tables each time (about 80 ms); DELETE on tables a test
    barely touched takes about 5 ms. Triggers are off while emptying (the audit log's
    append-only trigger refuses deletes), and the sequences restart so ids start at 1.
    """

    url: str
    schema: str
    engine: sa.Engine = field(repr=False)
    sequences: list[str] = field(default_factory=list)

    def options(self) -> dict:
        # synchronous_commit=off: a test database need not wait for the disk on each commit.
        options = f"-csearch_path={self.schema} -csynchronous_commit=off"
        return {"connect_args": {"options": options}, "pool_pre_ping": True}

    def location(self, folder: Path) -> tuple[str, dict]:
        """The URL and engine options of the session's schema."""
        return self.url, self.options()

    def fresh(self, folder: Path) -> None:
        """Empty every table and restart the sequences."""
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        with self.engine.begin() as conn:
            conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
            conn.execute(sa.text(";".join(f'DELETE FROM "{name}"' for name in tables)))
            if not self.sequences:
                self.sequences = list(
                    conn.scalars(
                        sa.text("SELECT sequencename FROM pg_sequences WHERE schemaname = :s"),
                        {"s": self.schema},
                    )
                )
            restarts = ";".join(f'ALTER SEQUENCE "{name}" RESTART' for name in self.sequences)
            if restarts:
                conn.execute(sa.text(restarts))

    def cleanup(self) -> None:
        with self.engine.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE"))
        self.engine.dispose()


def _build_schema(url: str, options: dict) -> None:
    app = create_app(_settings(url, options, mail_port=25))
    with app.app_context():
        db.create_all()
        db.engine.dispose()


@pytest.fixture(scope="session")
def database(tmp_path_factory) -> Iterator[SQLiteTemplate | PostgresSchema]:
    """The session's database template (SQLite) or schema (PostgreSQL)."""
    if PG_URL:
        schema = f"t_{uuid.uuid4().hex[:12]}"
        engine = sa.create_engine(PG_URL)
        try:
            with engine.begin() as conn:
                conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
        except sa.exc.OperationalError as exc:
            pytest.exit(f"COURSE_TEST_DATABASE_URL is set but unreachable: {exc}", returncode=3)
        engine.dispose()
        options = f"-csearch_path={schema} -csynchronous_commit=off"
        path_engine = sa.create_engine(PG_URL, connect_args={"options": options})
        store = PostgresSchema(PG_URL, schema, path_engine)
        _build_schema(PG_URL, store.options())
    else:
        path = tmp_path_factory.mktemp("template") / "template.db"
        _build_schema(f"sqlite:///{path}", {})
        store = SQLiteTemplate(path)
    yield store
    store.cleanup()


# --- mail -----------------------------------------------------------------------------


class Sink:
    """aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append(message)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[tuple[Sink, int]]:
    """A real SMTP server on loopback for the whole session."""
    sink = Sink()
    port = _free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    yield sink, port
    controller.stop()


@pytest.fixture
def outbox(smtp_server) -> list:
    """The messages delivered over SMTP during this test."""
    sink, _ = smtp_server
    sink.messages.clear()
    return sink.messages


# --- app ------------------------------------------------------------------------------


def _settings(url: str, options: dict, mail_port: int, **extra) -> dict:
    return {
        "ENV": "testing",
        "SECRET_KEY": "test-secret-key-that-is-long-enough-for-production",
        "DATABASE_URL": url,
        "SQLALCHEMY_ENGINE_OPTIONS": options,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": mail_port,
        "MAIL_OUTBOX": None,
        "PASSWORD_HASH": "pbkdf2:sha256:1000",
        "BASE_URL": "http://localhost",
        "SETTINGS_FILE": "",  # never the developer's instance/course.env
        **extra,
    }


@pytest.fixture(scope="session")
def shared_root(tmp_path_factory) -> Path:
    """The folder of the session's shared database file (SQLite) and storage."""
    return tmp_path_factory.mktemp("shared")


@pytest.fixture
def settings(database, smtp_server, shared_root) -> dict:
    """The overrides the test app is built with; a test may change them before ``app``.

    The database is emptied (PostgreSQL) or copied afresh (SQLite) and the storage folder
    emptied for every test, at the same place each time, so tests that keep these settings
    share one application (see ``app``).
    """
    database.fresh(shared_root)
    shutil.rmtree(shared_root / "storage", ignore_errors=True)
    return _default_settings(database, smtp_server, shared_root)


def _default_settings(database, smtp_server, shared_root) -> dict:
    url, options = database.location(shared_root)
    return _settings(url, options, smtp_server[1], STORAGE_DIR=str(shared_root / "storage"))


@pytest.fixture(scope="session")
def default_settings(database, smtp_server, shared_root) -> dict:
    """What ``settings`` gives a test that changes nothing."""
    return _default_settings(database, smtp_server, shared_root)


class ClosingClient(FlaskClient):
    """A test client that closes each response, as a WSGI server does once it is sent.

    The outbox sends a request's e-mail when its response is closed; without this, mail
    would never leave during tests.
    """

    def open(self, *args, buffered: bool = True, **kwargs):
        return super().open(*args, buffered=buffered, **kwargs)


class SharedApp:
    """The one application built for tests that keep the default settings.

    Building an app compiles every URL rule (about 20 ms); most tests do not change a
    setting, so they share one. Between tests it is put back as built: its config, the
    rate limiter's counters and whatever its features keep in ``app.extensions``.
    """

    def __init__(self) -> None:
        self.app = None
        self.limiter: dict = {}
        self.settings: dict | None = None
        self.config: dict = {}
        self.extensions: dict = {}

    #: Flask-Limiter is one object for every app in the process, configured by the last
    #: create_app; a test that builds an app with Redis settings must not leave the shared
    #: app counting in that Redis.
    LIMITER_STATE = ("_storage", "_limiter", "_storage_uri", "_storage_options", "_key_prefix")

    def get(self, settings: dict):
        if self.app is None or settings != self.settings:
            return None
        from course.extensions import limiter

        for name, value in self.limiter.items():
            setattr(limiter, name, value)
        return self.app

    def keep(self, app, settings: dict) -> None:
        from course.extensions import limiter

        self.app, self.settings = app, dict(settings)
        self.config = dict(app.config)
        self.extensions = dict(app.extensions)
        self.limiter = {name: getattr(limiter, name) for name in self.LIMITER_STATE}

    def reset(self) -> None:
        from course.extensions import limiter

        app = self.app
        app.config.clear()
        app.config.update(self.config)
        for name in set(app.extensions) - set(self.extensions):
            del app.extensions[name]
        app.extensions.update(self.extensions)
        for name, extension in app.extensions.items():
            if name.startswith("course."):  # the platform's own per-process caches
                extension.clear()
        with app.app_context():
            limiter.reset()


@pytest.fixture(scope="session")
def shared_app() -> SharedApp:
    """The holder of the application shared by tests with default settings."""
    return SharedApp()


@pytest.fixture
def app(settings, outbox, shared_app, default_settings):
    """The application, on a fresh database.

    Tests whose settings are the defaults share one application (reset between tests);
    a test that changes a setting gets its own. No app context stays pushed: requests must
    not share ``g`` or the session with the test. Tests that touch the database open
    ``with app.app_context():`` themselves.
    """
    application = shared_app.get(settings)
    if application is None:
        application = create_app(settings)
        application.test_client_class = ClosingClient
        if shared_app.app is None and settings == default_settings:
            shared_app.keep(application, settings)
    yield application
    with application.app_context():
        db.engine.dispose()
    if application is shared_app.app:
        shared_app.reset()


@pytest.fixture
def client(app):
    """A test client."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner."""
    return app.test_cli_runner()


# --- people ---------------------------------------------------------------------------


@pytest.fixture
def make_user(app):
    """Factory: ``make_user(role="therapist", arm="open", email=None, consent=True, **fields)``.

    A therapist in a trial arm has accepted the current consent and holds that arm as an
    allocation, unless ``consent=False`` (a recruit who has not answered yet).
    """
    from course.auth.services import create_user
    from course.research.consent import seed_participant

    counter = iter(range(1, 10_000))

    def make(
        role: str = "therapist", *, email: str | None = None, password: str = PASSWORD, **fields
    ):
        if role == "therapist":
            fields.setdefault("arm", "open")
        email = email or f"{role}{next(counter)}@example.org"
        name = fields.pop("name", f"Test {role.title()}")
        active = fields.pop("active", True)
        consent = fields.pop("consent", True)
        with app.app_context():
            user = create_user(email, role=role, password=password, name=name, **fields)
            user.active = active
            if consent and role == "therapist" and user.arm != "open":
                seed_participant(user)
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)  # usable after the context closes, attributes loaded
        return user

    return make


_TOKEN = re.compile(r'name="csrf-token" content="([^"]+)"')


def csrf_token(client) -> str:
    """A CSRF token for this client's session, read from a page like a browser would."""
    page = client.get("/auth/forgot")
    match = _TOKEN.search(page.get_data(as_text=True))
    assert match, "no CSRF token on the page"
    return match.group(1)


@pytest.fixture
def csrf():
    """``csrf(client)`` gives a valid CSRF token for that client."""
    return csrf_token


@pytest.fixture
def login(client):
    """``login(user)`` signs in through the real form; returns the response."""

    def sign_in(user, password: str = PASSWORD, on=None):
        target = on or client
        return target.post(
            "/auth/login",
            data={"email": user.email, "password": password, "csrf_token": csrf_token(target)},
        )

    return sign_in


@pytest.fixture
def pg_url() -> str | None:
    """The PostgreSQL URL of this pass, or None on the SQLite pass."""
    return PG_URL


@pytest.fixture(scope="session")
def skip_or_fail():
    """``skip_or_fail(reason)``: skip locally, fail under CI=true."""
    return unavailable


# --- course content -------------------------------------------------------------------

FIXTURE_COURSE = Path(__file__).parent / "fixtures" / "course"
PROJECT_ROOT = Path(__file__).parent.parent


@pytest.fixture
def import_course(app):
    """``import_course(root=FIXTURE_COURSE)``: import a course directory and its media."""
    from course.authoring.services import import_bundle
    from course.content import load_dir

    def load(root: Path = FIXTURE_COURSE):
        media = root / "static" / "media"
        if root != PROJECT_ROOT and media.is_dir():
            uploads = Path(app.config["STORAGE_DIR"]) / "media"
            uploads.mkdir(parents=True, exist_ok=True)
            for path in media.iterdir():
                shutil.copyfile(path, uploads / path.name)
        with app.app_context():
            report = import_bundle(load_dir(root))
            db.session.commit()
        return report

    return load


@pytest.fixture
def complete_modules(app):
    """``complete_modules(user, *slugs, at=None)``: record modules complete, as finishing them
    (reading, video, quiz) would, against their published revisions."""
    from course import clock
    from course.catalog.models import Module
    from course.learning.models import ModuleProgress

    def complete(user, *slugs: str, at=None, active_seconds: float = 600.0) -> None:
        now = at or clock.now_utc()
        with app.app_context():
            modules = db.session.scalars(sa.select(Module).where(Module.slug.in_(slugs))).all()
            assert len(modules) == len(slugs), f"unknown module among {slugs}"
            for module in modules:
                db.session.add(
                    ModuleProgress(
                        user_id=user.id,
                        module_id=module.id,
                        started_at=now,
                        last_activity_at=now,
                        active_seconds=active_seconds,
                        completed_at=now,
                        completed_revision_id=module.published_revision_id,
                    )
                )
            db.session.commit()

    return complete


@pytest.fixture
def course(import_course):
    """The small test course (two modules, one quiz, one captioned video) imported."""
    return import_course()


@pytest.fixture
def count_queries(app):
    """``with count_queries() as n: ...`` then ``n()`` is the number of SQL statements run."""
    from contextlib import contextmanager

    from sqlalchemy import event

    @contextmanager
    def counting():
        with app.app_context():
            engine = db.engine
        seen = []

        def before(*args, **kwargs):
            seen.append(1)

        event.listen(engine, "before_cursor_execute", before)
        try:
            yield lambda: len(seen)
        finally:
            event.remove(engine, "before_cursor_execute", before)

    return counting


@pytest.fixture
def fixture_root() -> Path:
    """The small test course directory."""
    return FIXTURE_COURSE


@pytest.fixture
def project_root() -> Path:
    """The repository root, holding the shipped course."""
    return PROJECT_ROOT
