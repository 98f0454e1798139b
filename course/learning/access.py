"""What each trial arm may reach: the course, the workshop page, or (control) a page that
says when the course opens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app

from course import clock


@dataclass(frozen=True)
class CourseAccess:
    """``kind`` is course, workshop or waitlist; ``message`` explains anything but course."""

    kind: str
    message: str = ""
    opens_on: date | None = None

    @property
    def has_course(self) -> bool:
        """True when the modules are open to this person."""
        return self.kind == "course"


def trial_end() -> date | None:
    """The trial's end date (a setting), or None while it is not set."""
    return current_app.config.get("TRIAL_END")


def trial_over() -> bool:
    """True once the trial end date has passed."""
    end = trial_end()
    return end is not None and clock.now_utc().date() > end


def course_access(user) -> CourseAccess:
    """Decide from the therapist's arm whether they see the course now."""
    if user.arm in ("self_paced", "open"):
        return CourseAccess("course")
    if user.arm == "control":
        if trial_over():
            return CourseAccess("course")  # the course opens to the control arm afterwards
        return CourseAccess(
            "waitlist",
            "You are in the study's comparison group, which does not take the training "
            "while the trial runs. The course opens for you here when the trial ends.",
            trial_end(),
        )
    return CourseAccess(
        "workshop",
        "You are in the workshop group of the study: your training is a live video "
        "workshop with the trainers. After the workshop, consultation groups open for you.",
    )
