"""Wall-clock times in a zone to UTC and back, and how times are written for people."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import gettext as _

from course.clock import local
from course.consultations.errors import ConsultationError


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
    """E.g. "Tue 4 Nov 2025, 06:00 to 07:00 PST" in the given zone."""
    start, end = local(starts_at, zone_name), local(ends_at, zone_name)
    text = f"{start:%a %-d %b %Y, %H:%M} to "
    text += f"{end:%H:%M %Z}" if start.date() == end.date() else f"{end:%a %-d %b %H:%M %Z}"
    return text


def differs(instant: datetime, viewer_zone: str, other_zone: str) -> bool:
    """True when two zones show a different wall clock at this instant."""
    return local(instant, viewer_zone).utcoffset() != local(instant, other_zone).utcoffset()


def describe(starts_at: datetime, ends_at: datetime, viewer_zone: str, trainer_zone: str) -> str:
    """The time in the viewer's zone, plus the trainer's where it differs."""
    text = span(starts_at, ends_at, viewer_zone)
    if differs(starts_at, viewer_zone, trainer_zone):
        start, end = local(starts_at, trainer_zone), local(ends_at, trainer_zone)
        text += f" ({start:%H:%M} to {end:%H:%M %Z} for the trainer, {trainer_zone})"
    return text
