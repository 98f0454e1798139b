"""The one error the consultation services raise: a message a person can act on."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from course.errors import DomainError


class ConsultationError(DomainError):
    """Refused: ``status`` is the HTTP answer, ``field`` the form field at fault, if any."""

    status = 409
    template = "consultations/refused.html"

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        field: str | None = None,
        missing: tuple[str, ...] = (),
        waitlist_series_id: int | None = None,
    ) -> None:
        super().__init__(message, status, field=field)
        #: What the therapist still has to do before booking (a closed gate).
        self.missing = missing
        #: Set when the group is full and its waiting list is open to this therapist.
        self.waitlist_series_id = waitlist_series_id

    def context(self) -> dict[str, Any]:
        """What is missing, and the waiting list to join, for the refusal page."""
        return {"missing": self.missing, "waitlist_series_id": self.waitlist_series_id}


def not_found(what: str = "session") -> ConsultationError:
    """The refusal for an id that names nothing (or nothing this person may use):
    ``what`` is "session", "group" or "workshop day"."""
    messages = {
        "group": _("There is no such consultation group."),
        "workshop day": _("There is no such consultation workshop day."),
    }
    return ConsultationError(
        messages.get(what) or _("There is no such consultation session."), status=404
    )
