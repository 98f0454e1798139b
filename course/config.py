"""Settings: the one place that reads the environment (prefix ``COURSE_``)."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PREFIX = "COURSE_"
ENVIRONMENTS = ("production", "development", "testing")
DEFAULT_SECRET = "change-me"  # noqa: S105 - the value we refuse in production


class ConfigError(RuntimeError):
    """A setting is missing or unsafe; the message says which and how to fix it."""


@dataclass(frozen=True)
class Setting:
    """One ``COURSE_`` variable: its Flask config key, default, parser and meaning."""

    name: str
    default: Any
    parse: Any = str
    help: str = ""


def _bool(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"expected true or false, got {value!r}")


def _int_at_least(minimum: int, maximum: int | None = None) -> Callable[[str], int]:
    def parse(value: str) -> int:
        number = int(value)
        if number < minimum:
            raise ValueError(f"expected a whole number of at least {minimum}, got {value!r}")
        if maximum is not None and number > maximum:
            raise ValueError(f"expected a whole number of at most {maximum}, got {value!r}")
        return number

    return parse


_positive_int = _int_at_least(1)
_whole_number = _int_at_least(0)


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        raise ValueError(f"expected a date as YYYY-MM-DD, got {value!r}") from exc


def _names(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown IANA time zone {value!r}") from exc
    return value


#: Every setting the platform reads. docs/deploy.md mirrors this table.
SETTINGS: tuple[Setting, ...] = (
    Setting("ENV", "production", str, "production, development or testing"),
    Setting("SECRET_KEY", None, str, "signs sessions and tokens; required outside development"),
    Setting("DATABASE_URL", None, str, "SQLAlchemy URL; default SQLite under instance/"),
    Setting("BASE_URL", "http://127.0.0.1:5000", str, "public address used in e-mails and QR"),
    Setting("REDIS_URL", None, str, "shared rate-limit storage; memory when unset"),
    Setting("STORAGE_DIR", None, str, "certificates and uploads; default instance/storage"),
    Setting("MAIL_SERVER", "localhost", str, "SMTP host"),
    Setting("MAIL_PORT", 25, int, "SMTP port"),
    Setting("MAIL_USE_TLS", False, _bool, "STARTTLS"),
    Setting("MAIL_USE_SSL", False, _bool, "SMTP over TLS"),
    Setting("MAIL_USERNAME", None, str, "SMTP user"),
    Setting("MAIL_PASSWORD", None, str, "SMTP password"),
    Setting("MAIL_SENDER", "Alliance Training <no-reply@localhost>", str, "From address"),
    Setting("MAIL_OUTBOX", None, str, "development: write mail to this folder, not SMTP"),
    Setting("MAIL_TIMEOUT", 10, _positive_int, "seconds to wait for the mail server"),
    Setting("DEFAULT_TIMEZONE", "America/Toronto", _timezone, "zone for new accounts"),
    Setting("INVITATION_DAYS", 14, int, "days an invitation link stays valid"),
    Setting("RESET_MINUTES", 60, int, "minutes a password-reset link stays valid"),
    Setting("REMEMBER_DAYS", 30, _int_at_least(1, 365), 'days a "keep me signed in" cookie lasts'),
    Setting(
        "SESSION_DAYS",
        30,
        _int_at_least(1, 365),
        "days a sign-in without 'keep me signed in' lasts at most, while the browser is open",
    ),
    Setting("LOGIN_LIMIT", "5 per 15 minutes", str, "failed sign-ins per account and address"),
    Setting("LOGIN_ADDRESS_LIMIT", "50 per 15 minutes", str, "failed sign-ins per address"),
    Setting("PASSWORD_HASH", "scrypt", str, "werkzeug password hash method"),
    Setting("LOG_JSON", None, _bool, "JSON logs on stderr; default on in production only"),
    Setting("POOL_SIZE", 5, _positive_int, "database connections kept per process (not SQLite)"),
    Setting("POOL_TIMEOUT", 10, _positive_int, "seconds to wait for a free connection, then 503"),
    Setting(
        "FRAGMENT_CACHE_MB", 8, _whole_number, "MB of rendered module articles per process; 0: off"
    ),
    Setting("PROXY_FIX", False, _bool, "trust one proxy hop's X-Forwarded-For/-Proto/-Host"),
    Setting("TRIAL_END", None, _date, "trial end date; the control arm's course opens after it"),
    Setting("CANCEL_CUTOFF_HOURS", 24, _positive_int, "hours before a session to cancel by"),
    Setting("MAX_INDIVIDUAL_SLOTS", 2, _positive_int, "individual sessions a therapist may hold"),
    Setting("REMINDER_HOURS", 24, _positive_int, "hours before a session to send its reminder"),
    Setting(
        "NUDGE_AFTER_DAYS",
        7,
        _whole_number,
        "days without course activity before a learner's reminder e-mail; 0: never",
    ),
    Setting(
        "STRATIFY_BY",
        ("region", "profession"),
        _names,
        "comma-separated user fields that define randomization strata",
    ),
    Setting("VERIFY_LIMIT", "30 per minute", str, "certificate verification lookups per address"),
    Setting("DISCUSSION_EDIT_MINUTES", 30, _positive_int, "minutes an author may edit their post"),
    Setting(
        "QUESTION_FLAG_WORKING_DAYS",
        2,
        _positive_int,
        "working days after which an unanswered question is flagged in the faculty queue",
    ),
    Setting(
        "FLAG_MIN_ATTEMPTS",
        10,
        _positive_int,
        "answers a quiz question needs before the research dashboard flags its wording",
    ),
    # The study's facts that the consent text shows ({{ study.<name> }} in
    # course/research/consent/*.md). In production the consent page does not accept
    # enrolment until every one is set (missing_study_settings below).
    Setting("STUDY_PI", None, str, "principal investigator: name, degrees and institution"),
    Setting("STUDY_EMAIL", None, str, "the study team's e-mail address for participants"),
    Setting("STUDY_PHONE", None, str, "the study team's telephone number"),
    Setting("STUDY_ETHICS_OFFICE", None, str, "the research ethics office participants may call"),
    Setting("STUDY_ETHICS_EMAIL", None, str, "that ethics office's e-mail address"),
    Setting("STUDY_ETHICS_PHONE", None, str, "that ethics office's telephone number"),
    Setting("STUDY_FUNDER", None, str, "who funds the study (the consent text names it)"),
    Setting("STUDY_CONFLICTS", None, str, "the investigators' conflicts of interest, or none"),
    Setting("STUDY_TIME_COMMITMENT", None, str, "total time asked of a participant, all told"),
    Setting(
        "STUDY_COMPENSATION", None, str, "payment or other compensation, or that there is none"
    ),
    Setting("STUDY_CE_CREDIT", None, str, "the continuing-education credit offered, and by whom"),
    Setting("STUDY_DATA_LOCATION", None, str, "where research data and the platform are stored"),
    Setting("STUDY_RETENTION", None, str, "how long data are kept, and how they are destroyed"),
    Setting(
        "SETTINGS_FILE",
        "instance/course.env",
        str,
        "a file of COURSE_ settings, one NAME=value a line, under the environment; empty: none",
    ),
)


def _default_database(instance_path: Path) -> str:
    return f"sqlite:///{instance_path / 'course.db'}"


def _engine_options(url: str, pool_size: int, pool_timeout: int) -> dict[str, Any]:
    # SQLite needs no pool tuning: its connections are files, not sockets to a server.
    if url.startswith("sqlite"):
        return {"pool_pre_ping": True}
    return {
        "pool_pre_ping": True,  # drop connections the server closed (restart, failover)
        "pool_size": pool_size,
        "max_overflow": pool_size,  # bursts may double the pool, never more
        "pool_timeout": pool_timeout,  # then 503 (errors.py) rather than a hung worker
        "pool_recycle": 1800,  # under the idle cut-off of firewalls and PgBouncer
    }


def json_logs(environ: Mapping[str, str]) -> bool:
    """COURSE_LOG_JSON, or its default (on in production); gunicorn.conf.py asks too."""
    raw = environ.get(PREFIX + "LOG_JSON")
    if raw is None:
        return environ.get(PREFIX + "ENV", "production") == "production"
    return _bool(raw)


def settings_file(
    instance_path: Path, environ: Mapping[str, str], overrides: Mapping[str, Any]
) -> Path | None:
    """The settings file in use: the override, COURSE_SETTINGS_FILE, or instance/course.env."""
    if "SETTINGS_FILE" in overrides:
        named = overrides["SETTINGS_FILE"]
    else:
        named = environ.get(PREFIX + "SETTINGS_FILE")
    if named is None:
        return instance_path / "course.env"
    if not str(named).strip():
        return None
    path = Path(named)
    return path if path.is_absolute() else instance_path.parent / path


def read_settings_file(path: Path) -> dict[str, str]:
    """``COURSE_NAME=value`` lines (``#`` comments, blank lines); a bad line is an error."""
    values: dict[str, str] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return values
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read ({exc}).") from exc
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        name, equals, value = text.partition("=")
        name = name.strip()
        if not equals or not name.startswith(PREFIX):
            raise ConfigError(f"{path}:{number}: expected {PREFIX}NAME=value, got {text!r}.")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[name] = value
    return values


def environment(
    instance_path: Path,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> dict[str, str]:
    """The COURSE_ variables in force: the environment over the settings file."""
    environ = os.environ if environ is None else environ
    path = settings_file(instance_path, environ, overrides or {})
    from_file = read_settings_file(path) if path is not None else {}
    return {**from_file, **{k: v for k, v in environ.items() if k.startswith(PREFIX)}}


def load(
    instance_path: Path,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Read, parse and validate the settings; return Flask config keys."""
    environ = environment(instance_path, environ, overrides)
    values: dict[str, Any] = {}
    errors: list[str] = []
    for setting in SETTINGS:
        raw = environ.get(PREFIX + setting.name)
        if raw is None:
            values[setting.name] = setting.default
            continue
        try:
            values[setting.name] = setting.parse(raw)
        except ValueError as exc:
            errors.append(f"{PREFIX}{setting.name}: {exc}")
    overrides = dict(overrides or {})
    names = {setting.name for setting in SETTINGS}
    values.update({k: v for k, v in overrides.items() if k in names})
    if errors:
        raise ConfigError("Invalid settings:\n  " + "\n  ".join(errors))
    config = _finish(values, instance_path)
    config.update({k: v for k, v in overrides.items() if k not in names})
    return config


def _finish(values: dict[str, Any], instance_path: Path) -> dict[str, Any]:
    env = values["ENV"]
    if env not in ENVIRONMENTS:
        raise ConfigError(f"{PREFIX}ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}.")
    secret = values["SECRET_KEY"]
    if env == "production" and (not secret or secret == DEFAULT_SECRET or len(secret) < 32):
        raise ConfigError(
            f"{PREFIX}SECRET_KEY is missing, default or shorter than 32 characters. "
            "Set it to a long random value, e.g. "
            '`python -c "import secrets; print(secrets.token_urlsafe(48))"`, '
            f"or set {PREFIX}ENV=development for local use."
        )
    production = env == "production"
    database = values["DATABASE_URL"] or _default_database(instance_path)
    config: dict[str, Any] = {
        **values,
        "SECRET_KEY": secret or DEFAULT_SECRET,
        "TESTING": env == "testing",
        "SQLALCHEMY_DATABASE_URI": database,
        "SQLALCHEMY_ENGINE_OPTIONS": _engine_options(
            database, values["POOL_SIZE"], values["POOL_TIMEOUT"]
        ),
        "LOG_JSON": production if values["LOG_JSON"] is None else values["LOG_JSON"],
        "STORAGE_DIR": values["STORAGE_DIR"] or str(instance_path / "storage"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_DURATION": timedelta(days=values["REMEMBER_DAYS"]),
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "MAX_CONTENT_LENGTH": 64 * 1024 * 1024,
        "WTF_CSRF_TIME_LIMIT": None,
        "RATELIMIT_STORAGE_URI": values["REDIS_URL"] or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        # If Redis stops answering, each process counts in its own memory until it is back
        # (Flask-Limiter retries Redis), rather than every request failing.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": bool(values["REDIS_URL"]),
    }
    if env == "development" and not values["MAIL_OUTBOX"]:
        config["MAIL_OUTBOX"] = str(instance_path / "mail")
    return config


#: The STUDY_ settings, each shown in the consent text as {{ study.<lower-case name> }}.
STUDY_SETTINGS = tuple(s.name for s in SETTINGS if s.name.startswith("STUDY_"))


def missing_study_settings(config: Mapping[str, Any]) -> list[str]:
    """The COURSE_STUDY_ variables still unset or blank, in the order of SETTINGS."""
    return [PREFIX + name for name in STUDY_SETTINGS if not str(config.get(name) or "").strip()]


def enrolment_closed(config: Mapping[str, Any]) -> str | None:
    """Why enrolment is closed (production with study settings unset), or None when open."""
    missing = missing_study_settings(config)
    if config.get("ENV") != "production" or not missing:
        return None
    return (
        "Enrolment is closed: the consent text needs the study's details, and "
        f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not set "
        "(docs/deploy.md, Study settings)."
    )
