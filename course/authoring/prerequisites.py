"""Prerequisite loops, found where a module is saved and told by module titles."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _

from course.content import ContentError, ModuleSource


def _path_back(graph: dict[str, tuple[str, ...]], start: str, goal: str) -> list[str] | None:
    """The modules from ``start`` to ``goal`` along ``requires``, or None when none leads."""
    trail: dict[str, str | None] = {start: None}
    queue = [start]
    while queue:
        slug = queue.pop(0)
        if slug == goal:
            path = [slug]
            while (before := trail[path[-1]]) is not None:
                path.append(before)
            return path[::-1]
        for target in graph.get(slug, ()):
            if target not in trail:
                trail[target] = slug
                queue.append(target)
    return None


def requires_loops(module: ModuleSource, others: Iterable[ModuleSource]) -> list[ContentError]:
    """One error per module ``module`` requires that (through others) requires it back."""
    course = {m.slug: m for m in others if m.slug != module.slug}
    course[module.slug] = module
    graph = {slug: m.requires for slug, m in course.items()}
    line = next(
        (n for n, text in enumerate(module.source.splitlines(), 1) if text.startswith("requires")),
        1,
    )
    errors = []
    for index, target in enumerate(module.requires):
        path = _path_back(graph, target, module.slug)
        if path is None:
            continue
        titles = " → ".join(f"“{course[slug].title}”" for slug in (module.slug, *path))
        if len(path) == 2:
            message = _(
                "“%(title)s” cannot be required here: it requires this module (%(titles)s), so "
                "neither could ever be opened. Remove one of the two requirements.",
                title=course[target].title,
                titles=titles,
            )
        else:
            message = _(
                "“%(title)s” cannot be required here: it leads back to this module "
                "(%(titles)s), so neither could ever be opened. Remove one of the two "
                "requirements.",
                title=course[target].title,
                titles=titles,
            )
        errors.append(ContentError(module.filename, line, message, f"requires[{index}]"))
    return errors
