"""Certificate forms: the therapist confirms their name; admins revoke and reissue."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from course.certificates.services import MAX_NAME, MAX_REASON

_REASON_LENGTH = _l("The reason may be at most %(n)d characters long.", n=MAX_REASON)
_NAME_LENGTH = _l("The name may be at most %(n)d characters long.", n=MAX_NAME)


class NameForm(FlaskForm):
    """The name to print, confirmed by its owner before the first issue."""

    name = StringField(
        _l("Your name as it should appear on the certificate"),
        validators=[
            DataRequired(_l("Enter your name as it should appear on the certificate.")),
            Length(max=MAX_NAME, message=_NAME_LENGTH),
        ],
        description=_l(
            "Check the spelling, accents, capitals and hyphens. Add credentials only if "
            "they should be printed. You cannot change the name yourself after it is issued."
        ),
    )
    confirm = BooleanField(
        _l("I have checked: print my name exactly as written above."),
        validators=[
            DataRequired(_l("Tick the box to confirm that your name is spelled correctly."))
        ],
    )


class RevokeForm(FlaskForm):
    """Revoke a certificate (admin)."""

    reason = TextAreaField(
        _l("Reason for revoking"),
        validators=[
            DataRequired(_l("Give a reason for revoking.")),
            Length(max=MAX_REASON, message=_REASON_LENGTH),
        ],
        description=_l(
            "Kept in the audit log. The public page shows only that it was revoked, and when."
        ),
    )


class ReissueForm(FlaskForm):
    """Replace a certificate with a new code, optionally with the name corrected (admin)."""

    holder_name = StringField(
        _l("Name to print on the new certificate"),
        validators=[
            DataRequired(_l("Enter the name to print.")),
            Length(max=MAX_NAME, message=_NAME_LENGTH),
        ],
        description=_l("Correct the spelling here if that is why it is reissued."),
    )
    reason = TextAreaField(
        _l("Reason for reissuing"),
        validators=[
            DataRequired(_l("Give a reason for reissuing.")),
            Length(max=MAX_REASON, message=_REASON_LENGTH),
        ],
        description=_l("Kept in the audit log. The old code then shows as revoked."),
    )
