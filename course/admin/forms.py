"""Admin forms: filters, account changes, invitations."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

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


#: The years the audit log's date filter accepts, as the research export's dates.
AUDIT_YEARS = (2000, 2100)


class AuditFilterForm(FlaskForm):
    """Filter the audit log (GET); dates are days in the viewer's time zone."""

    class Meta:
        csrf = False

    action = SelectField("Action", validators=[Optional()])
    actor = StringField("Actor e-mail or study ID", validators=[Optional(), Length(max=254)])
    target = StringField(
        "Target",
        description="One target, such as user:12, or all of a kind, such as session:",
        validators=[Optional(), Length(max=120)],
    )
    since = DateField("From (date)", validators=[Optional()])
    until = DateField("To (date, inclusive)", validators=[Optional()])

    def validate_since(self, field) -> None:
        """Dates stay within the years the platform can hold."""
        if field.data and not AUDIT_YEARS[0] <= field.data.year <= AUDIT_YEARS[1]:
            raise ValidationError("Choose a date between 2000 and 2100.")

    def validate_until(self, field) -> None:
        """The range must not run backwards."""
        self.validate_since(field)
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError("The end date is before the start date.")
