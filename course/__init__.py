"""The Alliance Training Platform: a Flask application factory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from course import config

ROOT = Path(__file__).resolve().parent.parent


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the application; ``overrides`` replace settings (tests use them)."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.update(config.load(Path(app.instance_path), overrides=overrides))
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    from course.web import access, guard

    # Access is decided before anything else (CSRF included): a stranger gets 302/403.
    app.before_request(access.enforce)
    guard.register(app)  # bounded ids, deep JSON and NUL bytes refused; before any route
    _init_extensions(app)
    _register_blueprints(app)
    _install_hooks(app)
    from course import cli

    cli.register(app)
    if app.config["PROXY_FIX"]:
        # Behind exactly one proxy (nginx): believe its X-Forwarded-* and nothing further
        # out. Outermost, so every other WSGI layer sees the corrected request.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]
    return app


def _init_extensions(app: Flask) -> None:
    from course import mail
    from course.extensions import csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"))
    csrf.init_app(app)
    mail.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.login_message_category = "info"


#: Each feature's blueprint lives in course/<feature>/views.py as ``bp``.
FEATURES = (
    "auth",
    "admin",
    "notices",
    "learning",
    "search",
    "assessments",
    "practice",
    "discussion",
    "feedback",
    "media",
    "authoring",
    "surveys",
    "certificates",
    "research",
    "consultations",
)


def _register_blueprints(app: Flask) -> None:
    from importlib import import_module

    from course.web.home import bp as home

    app.register_blueprint(home)
    for feature in FEATURES:
        app.register_blueprint(import_module(f"course.{feature}.views").bp)


def _install_hooks(app: Flask) -> None:
    from course import demo
    from course.web import errors, i18n, ops, security, templating

    app.after_request(lambda response: security.add_headers(app, response))
    errors.register(app)
    templating.register(app)
    i18n.init_app(app)
    ops.register(app)
    demo.init_app(app)
