"""Who may search what, and results as a page shows them."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from course.catalog import published_course, search_sections
from course.catalog.search_index import MARK_END, MARK_START
from course.learning.access import course_access
from course.learning.overview import course_view


@dataclass(frozen=True)
class Result:
    """One matching section, ready to show."""

    slug: str
    module_title: str
    order: int
    anchor: str
    heading: str
    snippet: Markup


def searchable(user, language: str = "en") -> list | None:
    """The published modules ``user`` may search, or None when they may not search at all.

    Staff (trainers, admins) search every published module. A therapist searches only
    while the course is open to them, and only the modules they can open now: a locked
    module's text is not shown before its time.
    """
    published = published_course(language)
    if user.role != "therapist":
        return list(published.modules)
    if not course_access(user).has_course:
        return None
    view = course_view(user, published)
    open_now = {card.slug for card in view.modules if card.status != "locked"}
    return [m for m in published.modules if m.slug in open_now]


def marked(snippet: str) -> Markup:
    """The snippet escaped, with each match in <mark>; the marks always balance."""
    out, open_ = [], False
    for char in snippet:
        if char == MARK_START:
            if not open_:
                out.append(Markup("<mark>"))
                open_ = True
        elif char == MARK_END:
            if open_:
                out.append(Markup("</mark>"))
                open_ = False
        else:
            out.append(escape(char))
    if open_:
        out.append(Markup("</mark>"))
    return Markup("").join(out)


def search(modules: list, terms: tuple[str, ...], language: str = "en") -> list[Result]:
    """The best matching sections among ``modules`` for the words ``terms``, in the
    reader's ``language`` where a module is translated."""
    by_id = {m.module_id: m for m in modules}
    hits = search_sections(terms, list(by_id), language)
    return [
        Result(
            by_id[h.module_id].slug,
            by_id[h.module_id].title,
            by_id[h.module_id].order,
            h.anchor,
            h.heading,
            marked(h.snippet),
        )
        for h in hits
        if h.module_id in by_id
    ]
