"""Entry points the views and other features call: open a module, record a batch."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from course.catalog import PublishedModule, published_course
from course.errors import DomainError
from course.learning.access import course_access
from course.learning.events import Batch
from course.learning.overview import CourseView, ModuleCard, course_view, locked_by
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


def _locked(title: str, missing: tuple[str, ...]) -> ModuleUnavailable:
    return ModuleUnavailable(
        _(
            "“%(title)s” opens once you complete: %(modules)s.",
            title=title,
            modules=", ".join(missing),
        ),
        missing=missing,
    )


def _no_module() -> ModuleUnavailable:
    return ModuleUnavailable(_("There is no published module with this address."), 404)


def open_module(user, slug: str, language: str = "en") -> OpenModule:
    """Check arm, publication and ``requires`` on the server; raise ModuleUnavailable if not.

    The module comes in ``language`` where it is translated (its progress is the same)."""
    access = course_access(user)
    if not access.has_course:
        raise ModuleUnavailable(access.message)
    published = published_course(language)
    view = course_view(user, published, focus=slug)
    card = view.card(slug)
    if card is None:
        raise _no_module()
    if card.status == "locked":
        raise _locked(card.title, card.missing)
    return OpenModule(view, card, published.module(slug))


def record_events(user, batch: Batch) -> Recorded:
    """Store a batch for a module the user may open (locked modules record nothing).

    The same checks as ``open_module``, without measuring the whole course: a batch needs
    only to know that the module is open."""
    access = course_access(user)
    if not access.has_course:
        raise ModuleUnavailable(access.message)
    published = published_course()
    module = published.module(batch.module)
    if module is None:
        raise _no_module()
    missing = locked_by(user, published, batch.module)
    if missing:
        raise _locked(module.title, missing)
    return record_batch(user, batch)


def record_reading(user, slug: str, anchor) -> None:
    """Move the learner's reading position to a section of a module they may open."""
    opened = open_module(user, slug)
    record_position(user.id, opened.revision, anchor)
