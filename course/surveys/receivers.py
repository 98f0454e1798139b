"""What surveys do when other features record facts: e-mail a survey that fell due."""

from __future__ import annotations

from course import signals
from course.catalog import published_course
from course.surveys.services import notify_due


@signals.module_completed.connect
def module_completed(user, **_) -> None:
    """A completed module may make an after-module or after-course survey due."""
    plan = published_course().spec.surveys
    if plan.after_course or plan.after_module:
        notify_due(user)


@signals.attendance_recorded.connect
def attendance_recorded(user, *, status: str, **_) -> None:
    """Attending a session may make an after-consultations survey due."""
    if status == "attended" and published_course().spec.surveys.after_consultations:
        notify_due(user)
