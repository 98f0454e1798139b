"""What each trial arm may reach: the course, the workshop page, or (control) a page that
says when the course opens.

Trial recruits are invited into a holding arm (``control`` or ``workshop``) until they are
randomized. Someone who declines (or withdraws) before randomization keeps that holding
arm but belongs to no group of the study: the course opens for them when the trial ends,
as it does for the comparison group, so that declining is never a quicker way into the
training than taking part. Research owns consent and tells this module who they are
through :func:`register_not_taking_part` (it sits above learning, which cannot ask it).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import gettext as _

from course import clock

#: Finds, among some therapists' ids, those who declined or withdrew before randomization.
NotTakingPart = Callable[[Collection[int]], set[int]]

_finders: list[NotTakingPart] = []


def register_not_taking_part(finder: NotTakingPart) -> NotTakingPart:
    """Let ``finder`` say which therapists declined the study before being randomized."""
    if finder not in _finders:
        _finders.append(finder)
    return finder


def not_taking_part(user_ids: Collection[int]) -> set[int]:
    """The ids among ``user_ids`` of recruits who declined before randomization (one query)."""
    if not user_ids:
        return set()
    return set().union(*(finder(user_ids) for finder in _finders))


#: The holding arms: an invited recruit carries one of these until randomized.
HOLDING_ARMS = ("control", "workshop")


def declined_study(user) -> bool:
    """Whether this therapist holds an arm only as a recruit who then declined."""
    return user.arm in HOLDING_ARMS and user.id in not_taking_part([user.id])


@dataclass(frozen=True)
class CourseAccess:
    """``kind`` is course, workshop, waitlist or declined; ``message`` explains anything but
    course."""

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
    if declined_study(user):
        if trial_over():
            return CourseAccess("course")
        return CourseAccess(
            "declined",
            _(
                "You chose not to take part in the study, and nothing more will be asked of "
                "you. While the trial runs, the training is kept for its participants, so "
                "that taking part or not makes no difference to when you can train. The "
                "course opens for you here when the trial ends."
            ),
            trial_end(),
        )
    if user.arm == "control":
        if trial_over():
            return CourseAccess("course")  # the course opens to the control arm afterwards
        return CourseAccess(
            "waitlist",
            _(
                "You are in the study's comparison group, which does not take the training "
                "while the trial runs. The course opens for you here when the trial ends."
            ),
            trial_end(),
        )
    return CourseAccess(
        "workshop",
        _(
            "You are in the workshop group of the study: your training is a live video "
            "workshop with the trainers. After the workshop, consultation groups open for you."
        ),
    )
