"""Research forms: filters, exports, tokens, consent, randomization and overrides."""

from __future__ import annotations

from flask import flash
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from course.auth.forms import choices
from course.research.filters import FilterError, Filters, parse_filters
from course.research.models import TRIAL_ARMS

ARM_NAMES = {
    "self_paced": _l("Self-paced"),
    "workshop": _l("Workshop"),
    "control": _l("Control"),
}
ARM_PAIRS = [(arm, ARM_NAMES[arm]) for arm in TRIAL_ARMS]


class FilterForm(FlaskForm):
    """Dashboard filters (GET, so no CSRF token)."""

    class Meta:
        csrf = False

    arm = SelectField(
        _l("Arm"), choices=choices([("", _l("All arms")), *ARM_PAIRS]), validators=[Optional()]
    )
    start = DateField(_l("From (UTC date)"), validators=[Optional()])
    end = DateField(_l("To (UTC date, inclusive)"), validators=[Optional()])


def read_filters(args) -> tuple[FilterForm, Filters]:
    """The filter form from a query string and the filters it asks for (all data when it
    is empty or wrong; a range that makes no sense is flashed)."""
    form = FilterForm(args)
    if args and form.validate():
        try:
            return form, parse_filters(form.arm.data, form.start.data, form.end.data)
        except FilterError as exc:
            flash(str(exc), "error")
    return form, Filters()


class ExportForm(FlaskForm):
    """What to export."""

    arm = SelectField(
        _l("Arm"), choices=choices([("", _l("All arms")), *ARM_PAIRS]), validators=[Optional()]
    )
    start = DateField(_l("From (UTC date)"), validators=[Optional()])
    end = DateField(_l("To (UTC date, inclusive)"), validators=[Optional()])
    since = StringField(
        _l("Only what changed since (UTC time, optional)"),
        description=_l(
            "For incremental pulls, e.g. 2026-03-01T08:00:00Z. Leave empty for everything."
        ),
        validators=[Optional(), Length(max=40)],
    )
    include_free_text = BooleanField(
        _l("Include free text: survey answers, drill responses, discussion posts, review comments"),
        description=_l(
            "They may name people or places. Leave unticked unless your analysis needs them."
        ),
    )


class TokenForm(FlaskForm):
    """Create a named API token."""

    name = StringField(
        _l("Token name"),
        description=_l("What it is for, e.g. 'REDCap nightly pull'."),
        validators=[DataRequired(), Length(min=3, max=80)],
    )


class ConsentForm(FlaskForm):
    """Accept (read, confirmed) or decline the version shown; the service checks the rules."""

    version = HiddenField(validators=[DataRequired()])
    #: SHA-256 of the text the page showed: accepting another text is refused.
    text_sha256 = HiddenField(validators=[Optional(), Length(max=64)])
    #: The language of the text the page showed (en, fr): the one decided on.
    language = HiddenField(validators=[Optional(), Length(max=8)])
    read = BooleanField(_l("I have read this consent form and had the chance to ask questions."))
    typed = StringField(
        _l('To agree, type "I agree"'),
        description=_l("This confirms your choice, like a signature. Not needed to decline."),
        validators=[Optional(), Length(max=40)],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )


class CopySearchForm(FlaskForm):
    """Staff: find consent copies by study ID or hash (GET, so no CSRF token)."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Study ID or SHA-256"),
        description=_l("A study ID such as P-7KQ2M9XD, or the start of either hash on a copy."),
        validators=[Optional(), Length(max=64)],
    )


class WithdrawForm(FlaskForm):
    """Withdraw from the research."""

    confirm = BooleanField(
        _l("I understand that my data will be left out of every research export from now on."),
        validators=[DataRequired(_l("Tick the box to confirm that you want to withdraw."))],
    )


class OverrideForm(FlaskForm):
    """An admin sets one therapist's arm by hand."""

    study_id = StringField(_l("Study ID"), validators=[DataRequired(), Length(max=16)])
    arm = SelectField(_l("New arm"), choices=choices(ARM_PAIRS))
    reason = StringField(
        _l("Reason (kept in the audit log)"),
        validators=[DataRequired(), Length(min=10, max=300)],
    )
