"""The one error the consultation services raise: a message a person can act on."""

from __future__ import annotations


class ConsultationError(Exception):
    """Refused: ``status`` is the HTTP answer, ``field`` the form field at fault, if any."""

    def __init__(
        self,
        message: str,
        *,
        status: int = 409,
        field: str | None = None,
        missing: tuple[str, ...] = (),
        waitlist_series_id: int | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.field = field
        #: What the therapist still has to do before booking (a closed gate).
        self.missing = missing
        #: Set when the group is full and its waiting list is open to this therapist.
        self.waitlist_series_id = waitlist_series_id


def not_found(what: str = "session") -> ConsultationError:
    """The refusal for an id that names nothing (or nothing this person may use)."""
    return ConsultationError(f"There is no such consultation {what}.", status=404)
