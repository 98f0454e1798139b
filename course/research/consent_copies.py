"""The participant's copy of each acceptance: stored once, downloaded, checked by staff."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from course.content import render_markdown
from course.errors import DomainError
from course.extensions import db
from course.research.consent_pdf import ConsentStamp, render_consent_pdf
from course.research.consent_text import sha256_text
from course.research.models import ConsentCopy, ConsentRecord
from course.web.i18n import locale_for


def confirmation(language: str = "en") -> str:
    """What the participant confirmed, in words, in the language of the text agreed to."""
    with force_locale(locale_for(language)):
        return _(
            'The participant ticked "I have read this consent form and had the chance to ask '
            'questions" and typed "I agree" before choosing "I agree to take part".'
        )


class CopyNotFound(DomainError):
    """No consent copy answers this request."""

    status = 404


@dataclass(frozen=True)
class CopyCheck:
    """What a staff member sees for one copy: its stamp and whether its hashes hold."""

    id: int
    study_id: str
    version: str
    created_at: datetime
    text_sha256: str
    pdf_sha256: str
    text_matches: bool  # the stored text still hashes to the stamped value
    pdf_matches: bool  # the stored PDF still hashes to its recorded value


def store_copy(user, entry: ConsentRecord, text: str) -> ConsentCopy:
    """Render and keep the PDF copy of an acceptance of ``text`` (the filled consent)."""
    digest = sha256_text(text)
    language = entry.language
    stamp = ConsentStamp(
        entry.version, user.study_id, entry.at, digest, confirmation(language), language
    )
    static_dir = Path(current_app.static_folder or "static")
    pdf = render_consent_pdf(stamp, render_markdown(text), static_dir=static_dir)
    copy = ConsentCopy(
        consent_record_id=entry.id,
        user_id=user.id,
        study_id=user.study_id,
        version=entry.version,
        text=text,
        text_sha256=digest,
        pdf=pdf,
        pdf_sha256=hashlib.sha256(pdf).hexdigest(),
        created_at=entry.at,
    )
    db.session.add(copy)
    db.session.flush()
    return copy


def latest_copy(user) -> ConsentCopy | None:
    """The participant's most recent copy, if they ever accepted through the page."""
    return db.session.scalar(
        select(ConsentCopy).where(ConsentCopy.user_id == user.id).order_by(ConsentCopy.id.desc())
    )


def own_copy(user, copy_id: int) -> ConsentCopy:
    """One of the participant's own copies; CopyNotFound for anyone else's."""
    copy = db.session.get(ConsentCopy, copy_id)
    if copy is None or copy.user_id != user.id:
        raise CopyNotFound(_("There is no consent copy of yours at this address."))
    return copy


def any_copy(copy_id: int) -> ConsentCopy:
    """A copy by id, for staff."""
    copy = db.session.get(ConsentCopy, copy_id)
    if copy is None:
        raise CopyNotFound(_("There is no consent copy with this number."))
    return copy


def check(copy: ConsentCopy) -> CopyCheck:
    """Recompute both hashes of a stored copy."""
    return CopyCheck(
        copy.id,
        copy.study_id,
        copy.version,
        copy.created_at,
        copy.text_sha256,
        copy.pdf_sha256,
        sha256_text(copy.text) == copy.text_sha256,
        hashlib.sha256(copy.pdf).hexdigest() == copy.pdf_sha256,
    )


def find_copies(query: str = "", limit: int = 200) -> list[CopyCheck]:
    """Copies, newest first, matching a study ID or either SHA-256 (hex, whole or prefix)."""
    statement = select(ConsentCopy).order_by(ConsentCopy.id.desc()).limit(limit)
    term = query.strip()
    if term:
        upper, lower = term.upper(), term.lower()
        statement = statement.where(
            (ConsentCopy.study_id == upper)
            | ConsentCopy.text_sha256.startswith(lower, autoescape=True)
            | ConsentCopy.pdf_sha256.startswith(lower, autoescape=True)
        )
    return [check(copy) for copy in db.session.scalars(statement)]


def pdf_name(copy: ConsentCopy) -> str:
    """The download's file name: version and study ID, nothing else."""
    return f"consent-{copy.version}-{copy.study_id}.pdf"
