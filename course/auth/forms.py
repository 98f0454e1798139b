"""Sign-in, registration and password forms."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from zoneinfo import available_timezones

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from course.auth.services import MIN_PASSWORD

#: Offered first, since the trial's therapists are in North America.
COMMON_ZONES = (
    "America/St_Johns", "America/Halifax", "America/Toronto", "America/Winnipeg",
    "America/Regina", "America/Edmonton", "America/Vancouver", "America/Whitehorse",
    "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles",
)  # fmt: skip
PROFESSIONS = (
    ("", _l("Prefer not to say")), ("psychologist", _l("Psychologist")),
    ("psychotherapist", _l("Psychotherapist")), ("social_worker", _l("Social worker")),
    ("counsellor", _l("Counsellor")), ("psychiatrist", _l("Psychiatrist")),
    ("other", _l("Other")),
)  # fmt: skip
REGIONS = (
    ("", _l("Prefer not to say")), ("AB", _l("Alberta")), ("BC", _l("British Columbia")),
    ("MB", _l("Manitoba")), ("NB", _l("New Brunswick")),
    ("NL", _l("Newfoundland and Labrador")), ("NS", _l("Nova Scotia")),
    ("NT", _l("Northwest Territories")), ("NU", _l("Nunavut")), ("ON", _l("Ontario")),
    ("PE", _l("Prince Edward Island")), ("QC", _l("Quebec")), ("SK", _l("Saskatchewan")),
    ("YT", _l("Yukon")), ("US", _l("United States")), ("other", _l("Elsewhere")),
)  # fmt: skip


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select choices."""
    return [SelectChoice(value, label) for value, label in pairs]


@cache
def canonical_zones() -> tuple[str, ...]:
    """Each place's one IANA zone (tzdata's zone.tab), without the legacy aliases
    (US/Eastern, Canada/Pacific, America/Montreal...) that name the same clocks again."""
    table = files("tzdata.zoneinfo").joinpath("zone.tab").read_text(encoding="utf-8")
    rows = (line.split("\t") for line in table.splitlines() if line and line[0] != "#")
    return tuple(sorted({row[2] for row in rows if len(row) > 2}))


def timezone_choices(keep: str | None = None) -> list[SelectChoice]:
    """Time zones for a select, each once: common North American ones first, then the
    others by region, then UTC. ``keep`` adds a stored zone the list does not offer (a
    legacy alias), so saving a form again does not refuse or change it."""
    offered = [SelectChoice(z, _label(z), optgroup=_("North America")) for z in COMMON_ZONES]
    for zone in canonical_zones():
        if zone not in COMMON_ZONES:
            offered.append(SelectChoice(zone, _label(zone), optgroup=zone.split("/")[0]))
    offered.append(SelectChoice("UTC", "UTC", optgroup=_("Other")))
    if keep and keep not in {choice.value for choice in offered} and keep in available_timezones():
        label = _("%(zone)s (as saved)", zone=_label(keep))
        offered.insert(0, SelectChoice(keep, label, optgroup=_("Saved")))
    return offered


def _label(zone: str) -> str:
    return zone.replace("_", " ")


def _password(label) -> PasswordField:
    return PasswordField(
        label,
        validators=[
            DataRequired(),
            Length(
                min=MIN_PASSWORD,
                max=200,
                message=_l("Use a password of at least %(min)d characters (at most %(max)d)."),
            ),
        ],
        description=_l("At least %(num)d characters.", num=MIN_PASSWORD),
        render_kw={"autocomplete": "new-password"},
    )


class LoginForm(FlaskForm):
    """E-mail and password."""

    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Keep me signed in on this device"))


class RegisterForm(FlaskForm):
    """The details a new account needs; the e-mail comes from the invitation."""

    name = StringField(
        _l("Full name (as it should appear on your certificate)"),
        validators=[DataRequired(), Length(max=200)],
        render_kw={"autocomplete": "name"},
    )
    password = _password(_l("Choose a password"))
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", _l("The passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )
    timezone = SelectField(
        _l("Your time zone"), choices=timezone_choices, default="America/Toronto"
    )
    profession = SelectField(
        _l("Profession"), choices=choices(PROFESSIONS), validators=[Optional()]
    )
    region = SelectField(_l("Province or state"), choices=choices(REGIONS), validators=[Optional()])


class ForgotForm(FlaskForm):
    """Ask for a reset link."""

    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(), Email(), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )


class ResetForm(FlaskForm):
    """Choose a new password."""

    password = _password(_l("New password"))
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", _l("The passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


class ChangePasswordForm(FlaskForm):
    """Change the password while signed in: the current one first."""

    current = PasswordField(
        _l("Current password"),
        validators=[DataRequired(), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
    password = _password(_l("New password"))
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", _l("The passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )
