"""Admin forms: filters, account changes, invitations."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from course.auth.forms import choices
from course.auth.models import ARMS
from course.roles import ROLES
from course.web.i18n import DEFAULT as DEFAULT_LOCALE
from course.web.i18n import LOCALES

#: Each role and each arm as the forms name them.
ROLE_LABELS = {
    "therapist": _l("Therapist"),
    "trainer": _l("Trainer"),
    "researcher": _l("Researcher"),
    "admin": _l("Admin"),
}
ARM_LABELS = {
    "self_paced": _l("self-paced"),
    "workshop": _l("workshop"),
    "control": _l("control"),
    "open": _l("open"),
}
ROLE_PAIRS = [(r, ROLE_LABELS.get(r, r.title())) for r in ROLES]
ARM_PAIRS = [(a, ARM_LABELS.get(a, a.replace("_", "-"))) for a in ARMS]


class UserFilterForm(FlaskForm):
    """Search and filter the user list (GET, so no CSRF token)."""

    class Meta:
        csrf = False

    q = StringField(_l("Search name, e-mail or study ID"), validators=[Optional(), Length(max=200)])
    role = SelectField(
        _l("Role"), choices=choices([("", _l("Any role")), *ROLE_PAIRS]), validators=[Optional()]
    )
    arm = SelectField(
        _l("Arm"), choices=choices([("", _l("Any arm")), *ARM_PAIRS]), validators=[Optional()]
    )


class AccountForm(FlaskForm):
    """Change a user's role, arm or active flag."""

    role = SelectField(_l("Role"), choices=choices(ROLE_PAIRS))
    arm = SelectField(
        _l("Trial arm"),
        choices=choices([("", _l("No arm (not a therapist)")), *ARM_PAIRS]),
        validators=[Optional()],
    )
    active = BooleanField(_l("Account active (can sign in)"))
    reason = StringField(
        _l("Reason for the change (kept in the audit log)"),
        validators=[DataRequired(), Length(max=300)],
    )


class InviteForm(FlaskForm):
    """Invite one person by e-mail."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    role = SelectField(_l("Role"), choices=choices(ROLE_PAIRS), default="therapist")
    arm = SelectField(
        _l("Trial arm (therapists only)"),
        choices=choices([("", _l("No arm (not a therapist)")), *ARM_PAIRS]),
        default="open",
        validators=[Optional()],
        description=_l(
            "The arm the account starts in. Invite trial recruits with control, the "
            "holding arm, until they are randomized. Once the account exists, its arm changes "
            "only through an allocation (Randomization, or the Users page)."
        ),
    )
    #: The language of the invitation e-mail (the person has no account to say so yet).
    language = SelectField(
        _l("Language of the invitation e-mail"),
        choices=choices(LOCALES.items()),
        default=DEFAULT_LOCALE,
    )


#: The years the audit log's date filter accepts, as the research export's dates.
AUDIT_YEARS = (2000, 2100)


class AuditFilterForm(FlaskForm):
    """Filter the audit log (GET); dates are days in the viewer's time zone."""

    class Meta:
        csrf = False

    action = SelectField(_l("Action"), validators=[Optional()])
    actor = StringField(_l("Actor e-mail or study ID"), validators=[Optional(), Length(max=254)])
    target = StringField(
        _l("Target"),
        description=_l("One target, such as user:12, or all of a kind, such as session:"),
        validators=[Optional(), Length(max=120)],
    )
    since = DateField(_l("From (date)"), validators=[Optional()])
    until = DateField(_l("To (date, inclusive)"), validators=[Optional()])

    def validate_since(self, field) -> None:
        """Dates stay within the years the platform can hold."""
        if field.data and not AUDIT_YEARS[0] <= field.data.year <= AUDIT_YEARS[1]:
            raise ValidationError(
                _(
                    "Choose a date between %(first)d and %(last)d.",
                    first=AUDIT_YEARS[0],
                    last=AUDIT_YEARS[1],
                )
            )

    def validate_until(self, field) -> None:
        """The range must not run backwards."""
        self.validate_since(field)
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_("The end date is before the start date."))
