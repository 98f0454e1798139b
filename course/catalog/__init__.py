"""The published course: module, quiz and course-file revisions, read through one interface.

``course.authoring`` writes revisions (import, the browser editor, history); every other
feature reads what is published through :func:`published_course` and the models here.
"""

from course.catalog.published import PublishedCourse, PublishedModule, published_course
from course.catalog.spec import EMPTY_SPEC, spec_from_data, spec_to_data

__all__ = [
    "EMPTY_SPEC",
    "PublishedCourse",
    "PublishedModule",
    "published_course",
    "spec_from_data",
    "spec_to_data",
]
