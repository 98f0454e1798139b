"""The one base class of refusals: a rule said no, with a message a person can act on.

Services raise a subclass (one per feature) and never catch it; the web layer's one
handler (``course.web.errors``) rolls the transaction back and answers with the message
and the HTTP status: a page (the subclass may name its own template) or JSON for API and
JSON clients. The command line prints the message.
"""

from __future__ import annotations

from typing import Any, ClassVar


class DomainError(Exception):
    """Refused: ``message`` says why and what to do; ``status`` is the HTTP answer."""

    #: The HTTP status when a subclass does not give one.
    status: int = 400
    #: The page that shows the refusal; it receives ``message`` and ``error``.
    template: ClassVar[str] = "errors/refused.html"

    def __init__(self, message: str, status: int | None = None, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        #: The form field at fault, where there is one (forms show the message beside it).
        self.field = field

    def context(self) -> dict[str, Any]:
        """More values for the template (what is missing, where to go next)."""
        return {}

    def __str__(self) -> str:
        return self.message
