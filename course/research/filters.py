"""Export and dashboard filters, parsed the same way for the web, the API and the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask_babel import gettext as _

from course import clock
from course.errors import DomainError
from course.research.models import TRIAL_ARMS


class FilterError(DomainError):
    """A filter value is not usable; the message says which and how to write it."""


@dataclass(frozen=True)
class Filters:
    """Arm, an inclusive UTC date range, an incremental 'since', and the free-text choice."""

    arm: str | None = None
    start: date | None = None
    end: date | None = None
    since: datetime | None = None
    include_free_text: bool = False

    @property
    def start_at(self) -> datetime | None:
        """The range's first instant (UTC midnight)."""
        return datetime.combine(self.start, time(), UTC) if self.start else None

    @property
    def end_before(self) -> datetime | None:
        """The instant after the range (the range's last day is included)."""
        return datetime.combine(self.end, time(), UTC) + timedelta(days=1) if self.end else None

    def as_dict(self) -> dict[str, Any]:
        """Plain values for the audit log and the manifest."""
        return {
            "arm": self.arm,
            "from": self.start.isoformat() if self.start else None,
            "to": self.end.isoformat() if self.end else None,
            "since": self.since.strftime("%Y-%m-%dT%H:%M:%SZ") if self.since else None,
            "include_free_text": self.include_free_text,
        }

    def in_range(self, column):
        """SQL conditions keeping ``column`` inside the date range."""
        conditions = []
        if self.start_at is not None:
            conditions.append(column >= self.start_at)
        if self.end_before is not None:
            conditions.append(column < self.end_before)
        return conditions


#: Dates outside these are typing slips (and would overflow date arithmetic near year 9999).
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


def _in_bounds(day: date, label: str) -> date:
    if not EARLIEST <= day <= LATEST:
        raise FilterError(
            _(
                "%(label)s: give a date between %(first)s and %(last)s, not %(day)s.",
                label=label,
                first=EARLIEST.isoformat(),
                last=LATEST.isoformat(),
                day=day.isoformat(),
            )
        )
    return day


def _date(value: Any, label: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return _in_bounds(value, label)
    try:
        day = date.fromisoformat(str(value).strip())
    except ValueError:
        raise FilterError(
            _("%(label)s: write the date as YYYY-MM-DD, not %(value)r.", label=label, value=value)
        ) from None
    return _in_bounds(day, label)


def _instant(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        text = str(value).strip().replace("Z", "+00:00")
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise FilterError(
                _(
                    "since: write a UTC time such as 2026-03-01T08:00:00Z, not %(value)r.",
                    value=value,
                )
            ) from None
    if moment.date() < EARLIEST:  # checked before converting: year 1 at +14:00 overflows
        _in_bounds(moment.date(), "since")
    if moment.date() > LATEST:
        raise FilterError(_("since: that time is in the future, so nothing could have changed."))
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    if moment > clock.now_utc():
        raise FilterError(_("since: that time is in the future, so nothing could have changed."))
    return moment


def parse_filters(
    arm: Any = None,
    start: Any = None,
    end: Any = None,
    since: Any = None,
    include_free_text: Any = False,
) -> Filters:
    """Check raw values (strings from a form, query or command line) and build Filters."""
    arm = str(arm or "").strip() or None
    if arm is not None and arm not in TRIAL_ARMS:
        raise FilterError(
            _(
                "arm: choose one of %(arms)s, not %(arm)r.",
                arms=", ".join(TRIAL_ARMS),
                arm=arm,
            )
        )
    first, last = _date(start, "from"), _date(end, "to")
    if first and last and first > last:
        raise FilterError(_("The 'from' date is after the 'to' date; swap them."))
    if isinstance(include_free_text, str):
        include_free_text = include_free_text.strip().lower() in ("1", "true", "yes", "on", "y")
    return Filters(arm, first, last, _instant(since), bool(include_free_text))
