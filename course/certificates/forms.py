"""Certificate forms: the therapist confirms their name; admins revoke and reissue."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from course.certificates.services import MAX_NAME, MAX_REASON

_REASON_LENGTH = f"The reason may be at most {MAX_REASON} characters long."


class NameForm(FlaskForm):
    """The name to print, confirmed by its owner before the first issue."""

    name = StringField(
        "Your name as it should appear on the certificate",
        validators=[
            DataRequired("Enter your name as it should appear on the certificate."),
            Length(max=MAX_NAME, message=f"The name may be at most {MAX_NAME} characters long."),
        ],
        description=(
            "Check the spelling, accents, capitals and hyphens. Add credentials only if "
            "they should be printed. You cannot change the name yourself after it is issued."
        ),
    )
    confirm = BooleanField(
        "I have checked: print my name exactly as written above.",
        validators=[DataRequired("Tick the box to confirm that your name is spelled correctly.")],
    )


class RevokeForm(FlaskForm):
    """Revoke a certificate (admin)."""

    reason = TextAreaField(
        "Reason for revoking",
        validators=[
            DataRequired("Give a reason for revoking."),
            Length(max=MAX_REASON, message=_REASON_LENGTH),
        ],
        description=(
            "Kept in the audit log. The public page shows only that it was revoked, and when."
        ),
    )


class ReissueForm(FlaskForm):
    """Replace a certificate with a new code, optionally with the name corrected (admin)."""

    holder_name = StringField(
        "Name to print on the new certificate",
        validators=[
            DataRequired("Enter the name to print."),
            Length(max=MAX_NAME, message=f"The name may be at most {MAX_NAME} characters long."),
        ],
        description="Correct the spelling here if that is why it is reissued.",
    )
    reason = TextAreaField(
        "Reason for reissuing",
        validators=[
            DataRequired("Give a reason for reissuing."),
            Length(max=MAX_REASON, message=_REASON_LENGTH),
        ],
        description="Kept in the audit log. The old code then shows as revoked.",
    )
