"""The published course: module, quiz and course-file revisions, read through one interface.

``course.authoring`` writes revisions (import, the browser editor, history); every other
feature reads what is published through :func:`published_course` and the models here.
"""

from course.catalog.practice import (
    DrillSet,
    DrillSetRevision,
    Scenario,
    ScenarioRevision,
    published_drills,
    published_practice,
    published_scenario,
)
from course.catalog.published import PublishedCourse, PublishedModule, published_course
from course.catalog.search_index import Hit, index_module, search_sections
from course.catalog.spec import EMPTY_SPEC, spec_from_data, spec_to_data
from course.catalog.translations import (
    Localized,
    Translation,
    localized,
    stored_translation,
    translation_parts,
)

__all__ = [
    "EMPTY_SPEC",
    "DrillSet",
    "DrillSetRevision",
    "Hit",
    "Localized",
    "PublishedCourse",
    "PublishedModule",
    "Scenario",
    "ScenarioRevision",
    "Translation",
    "index_module",
    "localized",
    "published_course",
    "published_drills",
    "published_practice",
    "published_scenario",
    "search_sections",
    "spec_from_data",
    "spec_to_data",
    "stored_translation",
    "translation_parts",
]
