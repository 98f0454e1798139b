"""Wall-clock times in a zone to UTC and back, and how times are written for people."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import gettext as _

from course.clock import local
from course.consultations.errors import ConsultationError
from course.web.dates import format_clock, format_moment


def zone(name: str) -> ZoneInfo:
    """The IANA zone, or a clear refusal."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConsultationError(
            _("“%(name)s” is not a known time zone.", name=name), status=400, field="timezone"
        ) from None


def to_utc(
    day: date, at: time, zone_name: str, field: str = "start_time", fold: int | None = None
) -> datetime:
    """The UTC instant of a wall-clock time in a zone. Refuses times the clocks skip, and
    asks which one is meant when the clocks go back and the time happens twice (``fold``:
    0 the first, 1 the second)."""
    naive = datetime.combine(day, at)
    place = zone(zone_name)
    first = naive.replace(tzinfo=place, fold=0)
    second = naive.replace(tzinfo=place, fold=1)
    instant = first.astimezone(UTC)
    if instant.astimezone(place).replace(tzinfo=None) != naive:
        raise ConsultationError(
            _(
                "%(time)s does not exist in %(zone)s: the clocks go forward "
                "that night. Choose another time.",
                time=f"{naive:%Y-%m-%d %H:%M}",
                zone=zone_name,
            ),
            status=400,
            field=field,
        )
    if first.utcoffset() != second.utcoffset():  # the clocks go back: it happens twice
        if fold not in (0, 1):
            raise ConsultationError(
                _(
                    "%(time)s happens twice in %(zone)s: the clocks go back "
                    "that night. Choose the first (%(first)s) or the second (%(second)s) "
                    "under “If the time happens twice”.",
                    time=f"{naive:%Y-%m-%d %H:%M}",
                    zone=zone_name,
                    first=f"{first:%Z}",
                    second=f"{second:%Z}",
                ),
                status=400,
                field="occurrence",
            )
        instant = (second if fold else first).astimezone(UTC)
    return instant


def wall_clock(instant: datetime, zone_name: str) -> datetime:
    """The naive local date and time of a UTC instant in a zone."""
    return local(instant, zone_name).replace(tzinfo=None)


def span(starts_at: datetime, ends_at: datetime, zone_name: str) -> str:
    """E.g. "Tue, Nov 4, 2025, 6:00 AM to 7:00 AM PST" in the given zone, in the current
    language ("mar. 4 nov. 2025, 06 h 00 à 07 h 00 HNP")."""
    start = format_moment(starts_at, zone_name, date_format="yMMMEd", zone_name=False)
    if local(starts_at, zone_name).date() == local(ends_at, zone_name).date():
        end = format_clock(ends_at, zone_name, zone_name=True)
    else:
        end = format_moment(ends_at, zone_name, date_format="MMMEd")
    return _("%(start)s to %(end)s", start=start, end=end)


def differs(instant: datetime, viewer_zone: str, other_zone: str) -> bool:
    """True when two zones show a different wall clock at this instant."""
    return local(instant, viewer_zone).utcoffset() != local(instant, other_zone).utcoffset()


def describe(starts_at: datetime, ends_at: datetime, viewer_zone: str, trainer_zone: str) -> str:
    """The time in the viewer's zone, plus the trainer's where it differs."""
    text = span(starts_at, ends_at, viewer_zone)
    if differs(starts_at, viewer_zone, trainer_zone):
        text = _(
            "%(time)s (%(start)s to %(end)s for the trainer, %(zone)s)",
            time=text,
            start=format_clock(starts_at, trainer_zone),
            end=format_clock(ends_at, trainer_zone, zone_name=True),
            zone=trainer_zone,
        )
    return text
