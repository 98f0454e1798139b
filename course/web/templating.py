"""What every template can use: the role's navigation and time formatting."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, current_app, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from course.clock import local
from course.web import dates
from course.web.access import access_of
from course.web.dates import viewer_zone

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
    """Format a stored UTC time in the viewer's zone (UTC when signed out), with strftime:
    the same in every language. Pages in both languages use ``local_datetime`` and
    ``local_date`` instead."""
    if value is None:
        return ""
    return local(value, viewer_zone()).strftime(fmt)


# Dates, times and numbers in the page's language (course.web.dates, Babel):
#   {{ stored|local_datetime }}            Dec 4, 2026, 2:30 PM EST · 4 déc. 2026, 14 h 30 HNE
#   {{ stored|local_datetime(zone_name=false) }}  the same without the zone
#   {{ stored|local_date }}                Dec 4, 2026 · 4 déc. 2026 (the day in the viewer's zone)
#   {{ a_date|day }}                       December 4, 2026 · 4 décembre 2026
#   {{ a_date|day('yMMMEd') }}             Fri, Dec 4, 2026 · ven. 4 déc. 2026 (any CLDR skeleton)
#   {{ 1234.5|number }}, {{ x|number(2) }}  1,234.5 · 1 234,5; 0.46 · 0,46
#   {{ 0.75|percent }}                     75% · 75 %
# Each instant filter takes zone="America/Toronto" to write for someone other than the viewer.


def local_datetime(
    value: datetime | None, zone: str | None = None, zone_name: bool = True, date_format="medium"
) -> str:
    """A stored UTC time, date and time of day, in the viewer's zone and the page's language."""
    if value is None:
        return ""
    return dates.format_moment(
        value, zone or viewer_zone(), date_format=date_format, zone_name=zone_name
    )


def local_date(value: datetime | None, format: str = "medium", zone: str | None = None) -> str:
    """The day a stored UTC time falls on in the viewer's zone, in the page's language."""
    return "" if value is None else dates.local_day(value, zone or viewer_zone(), format)


def day(value, format: str = "long") -> str:
    """A date (no zone) in the page's language."""
    return "" if value is None else dates.format_day(value, format)


def number(value, digits: int | None = None) -> str:
    """A number in the page's language."""
    return "" if value is None else dates.format_number(value, digits=digits)


def percent(value, digits: int = 0) -> str:
    """A share (0 to 1) as a percentage in the page's language."""
    return "" if value is None else dates.format_share(value, digits=digits)


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
    for name, function in (
        ("local_datetime", local_datetime),
        ("local_date", local_date),
        ("day", day),
        ("number", number),
        ("percent", percent),
        # The staff pages' compact forms (ISO-like dates, 24-hour clock).
        ("datetime_text", dates.datetime_text),
        ("date_text", dates.date_text),
        ("decimal_text", dates.decimal_text),
        ("percent_text", dates.percent_text),
    ):
        app.add_template_filter(function, name)
