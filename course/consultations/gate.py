"""Who may book consultations now, and what is missing otherwise.

- ``self_paced`` and ``open``: once the modules in ``consultation_gate`` are complete.
- ``workshop``: once trainers have recorded attendance at one workshop day or more
  (``WORKSHOP_DAYS_REQUIRED``). Consultations support practice after the training; a
  therapist who missed one day of the three is still trained and should not lose them.
- ``control``: not during the trial; afterwards, like ``self_paced``.
- A recruit who declined before randomization (``course.learning.access.declined_study``):
  not during the trial; afterwards, like ``self_paced``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, select

from course.consultations.models import WorkshopAttendance
from course.extensions import db
from course.learning.access import declined_study, trial_over
from course.learning.overview import course_view

#: Workshop days a workshop-arm therapist must have attended before booking.
WORKSHOP_DAYS_REQUIRED = 1


@dataclass(frozen=True)
class Gate:
    """``open`` when booking is allowed; ``missing`` lists what to do; ``reason`` says why."""

    open: bool
    missing: list[str] = field(default_factory=list)
    reason: str = ""


def workshop_days_attended(user_id: int) -> int:
    """Workshop days the trainers recorded this therapist as attending."""
    query = select(func.count(WorkshopAttendance.id)).where(WorkshopAttendance.user_id == user_id)
    return db.session.scalar(query) or 0


def booking_gate(user, course=None) -> Gate:
    """Decide whether ``user`` may book; ``course`` (a CourseView) saves rebuilding it."""
    if getattr(user, "role", None) != "therapist":
        return Gate(False, [], _("Only therapists book consultations."))
    if declined_study(user):
        if not trial_over():
            return Gate(
                False,
                [_("Wait for the end of the trial")],
                _(
                    "You chose not to take part in the study: consultations open for you when "
                    "the trial ends, with the course."
                ),
            )
    elif user.arm == "control" and not trial_over():
        return Gate(
            False,
            [_("Wait for the end of the trial")],
            _(
                "You are in the study's comparison group: consultations open for you when the "
                "trial ends."
            ),
        )
    elif user.arm == "workshop":
        if workshop_days_attended(user.id) >= WORKSHOP_DAYS_REQUIRED:
            return Gate(True, [], _("Your workshop attendance is recorded: you may book."))
        return Gate(
            False,
            [_("Attend a workshop day (the trainers record your attendance)")],
            _(
                "Consultations open once the trainers have recorded that you attended at least "
                "one workshop day."
            ),
        )
    if course is None:
        course = course_view(user)
    missing = course.incomplete(course.spec.consultation_gate)
    if missing:
        return Gate(
            False,
            [_("Complete “%(title)s”", title=title) for title in missing],
            _("Consultations open once you complete: %(titles)s.", titles=", ".join(missing)),
        )
    return Gate(True, [], _("You have completed the modules needed: you may book."))
