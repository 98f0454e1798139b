"""Dates and numbers in the page's language, for the staff pages' templates and tables.

Times are stored in UTC and shown in the viewer's zone. Each format is a CLDR pattern
given per language, written by Babel (``babel.dates.format_datetime``, the function
Flask-Babel's ``format_datetime`` wraps; it is called directly because Flask-Babel's own
converts to one application zone, not to each person's). Outside a request the language
is English, so commands and tests without a request get what they always got.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_date
from babel.dates import format_datetime as babel_datetime
from babel.numbers import format_decimal as babel_decimal
from babel.numbers import format_percent as babel_percent
from flask import Flask
from flask_babel import get_locale
from flask_login import current_user

#: Date and time patterns by language (the primary tag of the locale): the English ones
#: are the platform's ISO-like forms; the French ones follow Canadian French (24-hour
#: clock, "14 h 05" where the time stands alone, abbreviated months).
PATTERNS = {
    "en": {
        "datetime": "yyyy-MM-dd HH:mm z",
        "seconds": "d MMM y, HH:mm:ss z",
        "utc": "yyyy-MM-dd HH:mm",
        "date": "yyyy-MM-dd",
    },
    "fr": {
        "datetime": "yyyy-MM-dd HH 'h' mm z",
        "seconds": "d MMM y, HH 'h' mm 'min' ss 's' z",
        "utc": "yyyy-MM-dd HH 'h' mm",
        "date": "yyyy-MM-dd",
    },
}


def locale() -> str:
    """The page's Babel locale (``en`` or ``fr_CA``); English outside a request."""
    return str(get_locale() or "en")


def _patterns() -> dict[str, str]:
    return PATTERNS.get(locale().split("_", 1)[0], PATTERNS["en"])


def _zone(zone: str | None) -> ZoneInfo:
    if zone is None:
        authenticated = getattr(current_user, "is_authenticated", False)
        zone = current_user.timezone if authenticated else "UTC"
    return ZoneInfo(zone or "UTC")


def datetime_text(value: datetime | None, style: str = "datetime", zone: str | None = None) -> str:
    """A stored UTC time in the viewer's zone (``zone`` when given), in the page's
    language. ``style``: ``datetime`` (to the minute, with the zone), ``seconds`` (with
    the month in words and the seconds), ``utc`` (in UTC, without a zone name)."""
    if value is None:
        return ""
    pattern = _patterns()[style]
    tzinfo = ZoneInfo("UTC") if style == "utc" else _zone(zone)
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo("UTC"))
    return babel_datetime(value, pattern, tzinfo=tzinfo, locale=locale())


def date_text(value: date | None) -> str:
    """A calendar date in the page's language."""
    if value is None:
        return ""
    return babel_date(value, _patterns()["date"], locale=locale())


def decimal_text(value: float | int | None, pattern: str = "#,##0.##", empty: str = "—") -> str:
    """A number in the page's language (decimal comma in French); ``empty`` for None."""
    if value is None:
        return empty
    return babel_decimal(value, pattern, locale=locale())


def percent_text(value: float | None, empty: str = "—") -> str:
    """A percentage (0 to 100, not a fraction) rounded to a whole number: ``45%`` in
    English, ``45 %`` in French."""
    if value is None:
        return empty
    return babel_percent(value / 100, locale=locale())


def register(app: Flask) -> None:
    """The template filters: ``datetime_text``, ``date_text``, ``decimal_text``,
    ``percent_text``."""
    for function in (datetime_text, date_text, decimal_text, percent_text):
        app.add_template_filter(function, function.__name__)
