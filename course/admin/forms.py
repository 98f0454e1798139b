"""Admin forms: filters, account changes, invitations."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from course.auth.forms import choices
from course.auth.models import ARMS
from course.roles import ROLES

ROLE_PAIRS = [(r, r.title()) for r in ROLES]
ARM_PAIRS = [(a, a.replace("_", "-")) for a in ARMS]


class UserFilterForm(FlaskForm):
    """Search and filter the user list (GET, so no CSRF token)."""

    class Meta:
        csrf = False

    q = StringField("Search name, e-mail or study ID", validators=[Optional(), Length(max=200)])
    role = SelectField(
        "Role", choices=choices([("", "Any role"), *ROLE_PAIRS]), validators=[Optional()]
    )
    arm = SelectField(
        "Arm", choices=choices([("", "Any arm"), *ARM_PAIRS]), validators=[Optional()]
    )


class AccountForm(FlaskForm):
    """Change a user's role, arm or active flag."""

    role = SelectField("Role", choices=choices(ROLE_PAIRS))
    arm = SelectField(
        "Trial arm",
        choices=choices([("", "No arm (not a therapist)"), *ARM_PAIRS]),
        validators=[Optional()],
    )
    active = BooleanField("Account active (can sign in)")
    reason = StringField(
        "Reason for the change (kept in the audit log)",
        validators=[DataRequired(), Length(max=300)],
    )


class InviteForm(FlaskForm):
    """Invite one person by e-mail."""

    email = EmailField("E-mail", validators=[DataRequired(), Email(), Length(max=254)])
    role = SelectField("Role", choices=choices(ROLE_PAIRS), default="therapist")
    arm = SelectField(
        "Trial arm (therapists only)",
        choices=choices([("", "No arm (not a therapist)"), *ARM_PAIRS]),
        default="open",
        validators=[Optional()],
        description="The arm the account starts in. Invite trial recruits with control, the "
        "holding arm, until they are randomized. Once the account exists, its arm changes "
        "only through an allocation (Randomization, or the Users page).",
    )


class AuditFilterForm(FlaskForm):
    """Filter the audit log (GET)."""

    class Meta:
        csrf = False

    action = StringField("Action starts with", validators=[Optional(), Length(max=64)])
    actor = StringField("Actor e-mail or study ID", validators=[Optional(), Length(max=254)])
    since = DateField("From (UTC date)", validators=[Optional()])
    until = DateField("To (UTC date, inclusive)", validators=[Optional()])
