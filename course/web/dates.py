"""Dates, times and numbers as a language writes them (Babel), in a person's time zone.

Every function takes the language (``en``, ``fr_CA``) and, for instants, the IANA zone
explicitly, so a mail, a calendar invitation or a PDF written for someone else can use
them; without a language they use the current one (the page's, or the one a mail forces
with ``flask_babel.force_locale``). The template filters that ``course.web.templating``
installs write in the page's language and the viewer's zone.

Stored times are UTC (naive from SQLite); dates (``datetime.date``) have no zone.
"""

from __future__ import annotations

from datetime import date, datetime

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from flask_babel import get_locale
from flask_login import current_user

from course.clock import local

#: The language when none is current (outside a request and any forced language).
DEFAULT = "en"
#: Babel's named lengths; anything else is a CLDR skeleton such as ``yMMMEd`` or ``MMMd``.
LENGTHS = ("short", "medium", "long", "full")


def current_locale(locale: str | None = None) -> str:
    """``locale`` if given, else the current language, else English."""
    return str(locale or get_locale() or DEFAULT)


def format_day(day: date, format: str = "long", locale: str | None = None) -> str:
    """A date: ``long`` is 'December 4, 2026' or '4 décembre 2026'; a CLDR skeleton such as
    ``yMMMEd`` gives 'Fri, Dec 4, 2026' or 'ven. 4 déc. 2026'; anything else is a CLDR
    pattern (``EEEE``: 'Friday', 'vendredi')."""
    language = current_locale(locale)
    if format in LENGTHS:
        return babel_dates.format_date(day, format, locale=language)
    if format in Locale.parse(language).datetime_skeletons:
        moment = datetime(day.year, day.month, day.day)
        return babel_dates.format_skeleton(format, moment, locale=language)
    return babel_dates.format_date(day, format, locale=language)  # a pattern: EEEE


def format_clock(value: datetime, zone: str, locale: str | None = None, *, zone_name=False) -> str:
    """The time of day in ``zone``: '2:30 PM' or '14 h 30', with 'EST' or 'HNE' if asked."""
    language = current_locale(locale)
    moment = local(value, zone)
    text = babel_dates.format_time(moment, "short", tzinfo=moment.tzinfo, locale=language)
    return f"{text} {zone_abbreviation(value, zone, language)}" if zone_name else text


def zone_abbreviation(value: datetime, zone: str, locale: str | None = None) -> str:
    """The zone's short name at that instant in the language: 'EST', 'HNE', 'UTC'."""
    moment = local(value, zone)
    return babel_dates.format_time(moment, "z", tzinfo=moment.tzinfo, locale=current_locale(locale))


def format_moment(
    value: datetime,
    zone: str,
    locale: str | None = None,
    *,
    date_format: str = "medium",
    zone_name: bool = True,
) -> str:
    """A stored instant in ``zone``: 'Dec 4, 2026, 2:30 PM EST' or '4 déc. 2026, 14 h 30 HNE'."""
    language = current_locale(locale)
    moment = local(value, zone)
    pattern = babel_dates.get_datetime_format("medium", locale=language).replace("'", "")
    text = pattern.format(
        format_clock(value, zone, language), format_day(moment.date(), date_format, language)
    )
    return f"{text} {zone_abbreviation(value, zone, language)}" if zone_name else text


def local_day(value: datetime, zone: str, format: str = "medium", locale: str | None = None) -> str:
    """The date a stored instant falls on in ``zone``, written as ``format_day`` does."""
    return format_day(local(value, zone).date(), format, locale)


def format_number(value: float | int, locale: str | None = None, digits: int | None = None) -> str:
    """'1,234.5' or '1 234,5'; with ``digits``, exactly that many after the separator."""
    pattern = None if digits is None else "#,##0" + ("." + "0" * digits if digits else "")
    return babel_numbers.format_decimal(value, format=pattern, locale=current_locale(locale))


def format_share(value: float, locale: str | None = None, digits: int = 0) -> str:
    """A share (0 to 1) as a percentage: '75%' or '75 %'."""
    language = current_locale(locale)
    pattern = Locale.parse(language).percent_formats[None].pattern
    if digits:  # the locale's pattern ('#,##0%', '#,##0 %') with that many decimals
        pattern = pattern.replace("0", "0." + "0" * digits, 1)
    return babel_numbers.format_percent(value, format=pattern, locale=language)


def viewer_zone() -> str:
    """The signed-in person's time zone (UTC when signed out or outside a request)."""
    return current_user.timezone if getattr(current_user, "is_authenticated", False) else "UTC"


# --- the staff pages' compact forms -----------------------------------------------------
# Researchers and admins read long tables of times: an ISO-like date and a 24-hour clock,
# in the page's language ("2026-12-04 14:05 EST", "2026-12-04 14 h 05 HNE").

#: CLDR patterns by language (the locale's primary tag).
STAMPS = {
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


def _stamps(language: str) -> dict[str, str]:
    return STAMPS.get(language.split("_", 1)[0], STAMPS["en"])


def datetime_text(value: datetime | None, style: str = "datetime", zone: str | None = None) -> str:
    """A stored UTC time in the viewer's zone (``zone`` when given), compact, in the page's
    language. ``style``: ``datetime`` (to the minute, with the zone), ``seconds`` (with the
    month in words and the seconds), ``utc`` (in UTC, without a zone name)."""
    if value is None:
        return ""
    language = current_locale()
    moment = local(value, "UTC" if style == "utc" else zone or viewer_zone())
    pattern = _stamps(language)[style]
    return babel_dates.format_datetime(moment, pattern, tzinfo=moment.tzinfo, locale=language)


def date_text(value: date | None) -> str:
    """A calendar date, compact (``2026-12-04``), in the page's language."""
    return "" if value is None else format_day(value, _stamps(current_locale())["date"])


def decimal_text(value: float | int | None, pattern: str = "#,##0.##", empty: str = "—") -> str:
    """A number in the page's language (decimal comma in French); ``empty`` for None."""
    if value is None:
        return empty
    return babel_numbers.format_decimal(value, pattern, locale=current_locale())


def percent_text(value: float | None, empty: str = "—") -> str:
    """A percentage given from 0 to 100 (not a fraction), whole: ``45%``, ``45 %``."""
    return empty if value is None else format_share(value / 100)
