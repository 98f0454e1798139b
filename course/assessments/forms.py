"""The trainer's form for another attempt (one per therapist on the page)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField

from course.assessments.grants import REASON_MAX


class GrantForm(FlaskForm):
    """Why this therapist gets another attempt (kept in the audit log)."""

    reason = StringField(
        _l("Reason"),
        description=_l("For example: talked it through at the consultation on 3 March."),
        render_kw={"maxlength": REASON_MAX, "autocomplete": "off"},
    )


def grant_form(user_id: int, **kwargs) -> GrantForm:
    """The form of one row: field ids carry the therapist so labels stay unique."""
    return GrantForm(prefix=f"grant-{user_id}", **kwargs)
