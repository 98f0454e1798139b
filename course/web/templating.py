"""What every template can use: the role's navigation and time formatting."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, current_app, request, url_for
from flask_login import current_user

from course.clock import local
from course.web.access import access_of

#: (endpoint, label) in menu order; an entry shows when it exists and the role may open it.
NAVIGATION = (
    ("learning.home", "My course"),
    ("search.index", "Search"),
    ("practice.index", "Practice"),
    ("consultations.index", "Consultations"),
    ("certificates.mine", "Certificate"),
    ("research.consent", "Study consent"),
    ("authoring.index", "Course content"),
    ("discussion.queue", "Questions waiting"),
    ("feedback.queue", "Practice to review"),
    ("research.dashboard", "Research dashboard"),
    ("research.exports", "Exports"),
    ("research.randomization", "Randomization"),
    ("surveys.schedule", "Surveys"),
    ("notices.index", "Notices"),
    ("admin.users", "Users"),
    ("admin.invitations", "Invitations"),
    ("admin.audit_log", "Audit log"),
    ("admin.outbox", "Outbox"),
    ("certificates.admin_list", "Certificates"),
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


def register(app: Flask) -> None:
    """Install the context processor and filters."""
    app.context_processor(lambda: {"navigation": navigation})
    app.add_template_filter(localtime, "localtime")
