"""What every template can use: the role's navigation and time formatting."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, current_app, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from course.clock import local
from course.web.access import access_of

#: (endpoint, label) in menu order; an entry shows when it exists and the role may open it.
NAVIGATION = (
    ("learning.home", _l("My course")),
    ("search.index", _l("Search")),
    ("practice.index", _l("Practice")),
    ("consultations.index", _l("Consultations")),
    ("certificates.mine", _l("Certificate")),
    ("research.consent", _l("Study consent")),
    ("authoring.index", _l("Course content")),
    ("discussion.queue", _l("Questions waiting")),
    ("feedback.queue", _l("Practice to review")),
    ("research.dashboard", _l("Research dashboard")),
    ("research.exports", _l("Exports")),
    ("research.randomization", _l("Randomization")),
    ("surveys.schedule", _l("Surveys")),
    ("notices.index", _l("Notices")),
    ("admin.users", _l("Users")),
    ("admin.invitations", _l("Invitations")),
    ("admin.audit_log", _l("Audit log")),
    ("admin.outbox", _l("Outbox")),
    ("certificates.admin_list", _l("Certificates")),
)


def navigation() -> tuple[tuple[str, str, bool], ...]:
    """Menu entries for the signed-in user: (url, label, is_current).

    The menu depends only on the role, the page and the app's routes, which never change
    once the app is built, so each combination is worked out once per process.
    """
    if not current_user.is_authenticated:
        return ()
    key = (current_user.role, request.endpoint, request.script_root)
    menus = current_app.extensions.setdefault("navigation", {})
    if key not in menus:
        menus[key] = tuple(
            (url_for(endpoint), label, request.endpoint == endpoint)
            for endpoint, label in NAVIGATION
            if endpoint in current_app.view_functions and key[0] in (access_of(endpoint) or ())
        )
    return menus[key]


def localtime(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M %Z") -> str:
    """Format a stored UTC time in the viewer's zone (UTC when signed out)."""
    if value is None:
        return ""
    zone = current_user.timezone if current_user.is_authenticated else "UTC"
    return local(value, zone).strftime(fmt)


#: Each role as the interface names it.
ROLE_NAMES = {
    "therapist": _l("therapist"),
    "trainer": _l("trainer"),
    "researcher": _l("researcher"),
    "admin": _l("admin"),
}


def role_name(role: str) -> str:
    """A role's name in the page's language."""
    return str(ROLE_NAMES.get(role, role))


def register(app: Flask) -> None:
    """Install the context processor and filters."""
    app.context_processor(lambda: {"navigation": navigation, "role_name": role_name})
    app.add_template_filter(localtime, "localtime")
