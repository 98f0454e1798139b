"""Who may practise what: the course's learners, once a module that uses it is open."""

from __future__ import annotations

from flask_babel import gettext as _

from course.catalog import published_course
from course.errors import DomainError
from course.learning.access import course_access
from course.learning.overview import course_view


class PracticeError(DomainError):
    """The practice action is refused; the message says why and what to do."""

    status = 409


def modules_using(key: str, slug: str) -> list[str]:
    """Slugs of the published modules whose completion rule names this practice.

    ``key`` is ``scenario`` or ``practice`` (a drill set).
    """
    found = []
    for module in published_course().modules:
        value = (module.completion or {}).get(key)
        named = value.get("set") if key == "practice" and isinstance(value, dict) else value
        if named == slug:
            found.append(module.slug)
    return found


def check_open(user, key: str, slug: str) -> None:
    """Refuse unless the learner has the course and a module using this practice is open.

    Practice that no module names is open to every learner of the course.
    """
    access = course_access(user)
    if not access.has_course:
        raise PracticeError(access.message, 403)
    using = modules_using(key, slug)
    if not using:
        return
    cards = [course_view(user).card(module) for module in using]
    if all(card is not None and card.status == "locked" for card in cards):
        titles = ", ".join(f"“{card.title}”" for card in cards if card)
        raise PracticeError(_("This practice opens with %(modules)s.", modules=titles), 403)
