"""Entry points the views and other features call: open a module, record a batch."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from course.catalog import PublishedModule, published_course
from course.errors import DomainError
from course.learning.access import course_access
from course.learning.events import Batch
from course.learning.overview import CourseView, ModuleCard, course_view
from course.learning.progress import Recorded, record_batch
from course.learning.resume import record_position


class ModuleUnavailable(DomainError):
    """The therapist may not open this module now; the message says why and what to do."""

    status = 403
    template = "learning/unavailable.html"

    def __init__(
        self, message: str, status: int | None = None, missing: tuple[str, ...] = ()
    ) -> None:
        super().__init__(message, status)
        self.missing = missing

    def context(self) -> dict:
        """The modules to complete first."""
        return {"missing": self.missing}


@dataclass(frozen=True)
class OpenModule:
    """A module a therapist may work on: the course around it, its card and revision."""

    course: CourseView
    card: ModuleCard
    revision: PublishedModule


def open_module(user, slug: str) -> OpenModule:
    """Check arm, publication and ``requires`` on the server; raise ModuleUnavailable if not."""
    access = course_access(user)
    if not access.has_course:
        raise ModuleUnavailable(access.message)
    published = published_course()
    view = course_view(user, published, focus=slug)
    card = view.card(slug)
    if card is None:
        raise ModuleUnavailable(_("There is no published module with this address."), 404)
    if card.status == "locked":
        raise ModuleUnavailable(
            _(
                "“%(title)s” opens once you complete: %(modules)s.",
                title=card.title,
                modules=", ".join(card.missing),
            ),
            missing=card.missing,
        )
    return OpenModule(view, card, published.module(slug))


def record_events(user, batch: Batch) -> Recorded:
    """Store a batch for a module the user may open (locked modules record nothing)."""
    open_module(user, batch.module)
    return record_batch(user, batch)


def record_reading(user, slug: str, anchor) -> None:
    """Move the learner's reading position to a section of a module they may open."""
    opened = open_module(user, slug)
    record_position(user.id, opened.revision, anchor)
