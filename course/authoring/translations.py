"""Course files in other languages: storing them at import, reading them back for export,
and telling an editor whether readers of each language see a translation.

A translation is stored for the English text it was checked against
(``course.catalog.translations``); export writes the newest one of each published English
text back beside its English file.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from course.authoring.revisions import write_translation
from course.catalog.translations import Translation, stored_translation, translation_states
from course.content import (
    CourseBundle,
    DrillSetSource,
    ModuleSource,
    QuizSource,
    ScenarioSource,
    TranslatedFiles,
    parse_course,
    parse_drills,
    parse_module,
    parse_quiz,
    parse_scenario,
)
from course.extensions import db
from course.web.i18n import language_name


def import_translations(bundle: CourseBundle, report, *, actor) -> None:
    """Store each translated file not yet stored for its English file's text; name each
    file in ``report`` (an ImportReport) as published or unchanged."""
    english = {
        "course": {"course": bundle.course.content_hash},
        "module": {m.slug: m.content_hash for m in bundle.modules},
        "quiz": {slug: q.content_hash for slug, q in bundle.quizzes.items()},
        "scenario": {slug: s.content_hash for slug, s in bundle.scenarios.items()},
        "drills": {slug: d.content_hash for slug, d in bundle.drills.items()},
    }
    for language, files in bundle.translations.items():
        sources = {
            "course": {"course": files.course} if files.course else {},
            "module": files.modules,
            "quiz": files.quizzes,
            "scenario": files.scenarios,
            "drills": files.drills,
        }
        for kind, by_slug in sources.items():
            for slug, source in by_slug.items():
                english_hash = english[kind].get(slug)
                if english_hash is None:
                    continue  # the check reports a translation without its English file
                if stored_translation(kind, slug, language, english_hash, source.content_hash):
                    report.unchanged.append(source.filename)
                else:
                    write_translation(kind, source, english_hash, language, actor=actor)
                    report.published.append(source.filename)


_PARSERS = {
    "course": parse_course,
    "module": parse_module,
    "quiz": parse_quiz,
    "scenario": parse_scenario,
    "drills": parse_drills,
}


def published_translations(
    course_hash: str,
    modules: tuple[ModuleSource, ...],
    quizzes: dict[str, QuizSource],
    scenarios: dict[str, ScenarioSource],
    drills: dict[str, DrillSetSource],
) -> dict[str, TranslatedFiles]:
    """The newest translation of each published English text, parsed, by language (for
    ``content export``, which writes them into their ``fr`` folders)."""
    english = {
        "course": {"course": (course_hash, "modules/{}/course.yaml")},
        "module": {
            m.slug: (m.content_hash, f"modules/{{}}/{PurePosixPath(m.filename).name}")
            for m in modules
        },
        "quiz": {
            slug: (q.content_hash, f"quizzes/{{}}/{slug}.yaml") for slug, q in quizzes.items()
        },
        "scenario": {
            slug: (x.content_hash, f"scenarios/{{}}/{slug}.yaml") for slug, x in scenarios.items()
        },
        "drills": {
            slug: (x.content_hash, f"drills/{{}}/{slug}.yaml") for slug, x in drills.items()
        },
    }
    newest: dict[tuple[str, str, str], Translation] = {}
    hashes = {
        content_hash for by_slug in english.values() for content_hash, _name in by_slug.values()
    }
    rows = db.session.scalars(
        db.select(Translation).where(Translation.english_hash.in_(hashes)).order_by(Translation.id)
    )
    for row in rows:
        expected = english.get(row.kind, {}).get(row.slug)
        if expected is not None and expected[0] == row.english_hash:
            newest[(row.language, row.kind, row.slug)] = row
    found: dict[str, dict[str, dict]] = {}
    for (language, kind, slug), row in sorted(newest.items()):
        name = english[kind][slug][1].format(language)
        found.setdefault(language, {}).setdefault(kind, {})[slug] = _PARSERS[kind](row.source, name)
    return {
        language: TranslatedFiles(
            language,
            kinds.get("course", {}).get("course"),
            kinds.get("module", {}),
            kinds.get("quiz", {}),
            kinds.get("scenario", {}),
            kinds.get("drills", {}),
        )
        for language, kinds in found.items()
    }


def translation_notes(kind: str, slug: str, published) -> list[tuple[str, bool]]:
    """(language name, shown) for each language with a stored translation of ``slug``:
    shown when one was written for the ``published`` revision's text (nothing when
    nothing is published)."""
    if published is None:
        return []
    states = translation_states(kind, slug, published.content_hash)
    return [(language_name(code), shown) for code, shown in states.items()]
