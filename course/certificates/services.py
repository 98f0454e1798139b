"""Issuing, storing, revoking and reissuing certificates."""

from __future__ import annotations

import hashlib
import os
import tempfile
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from course import clock
from course.audit.services import record
from course.certificates.models import Certificate
from course.certificates.pdf import (
    CODE_RE,
    CertificateData,
    generate_code,
    normalize_code,
    render_certificate,
)
from course.certificates.rules import (
    CertificateStatus,
    Missing,
    certificate_rule_status,
    certificate_status,
    completion_date,
    latest_certificate,
)
from course.errors import DomainError
from course.extensions import db
from course.web.links import external_url

__all__ = [
    "CertificateError",
    "CertificateStatus",
    "Missing",
    "Verified",
    "certificate_rule_status",
    "certificate_status",
    "confirm_name",
    "find_certificate",
    "issue_certificate",
    "reissue_certificate",
    "revoke_certificate",
    "stored_pdf",
    "verify",
]
MAX_NAME = 120
MAX_REASON = 500


class CertificateError(DomainError):
    """The certificate action cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class Verified:
    """What the public verification page may show about a certificate."""

    code: str
    holder_name: str
    course_title: str
    provider: str
    ce_hours: float
    completed_on: date
    issued_at: datetime
    revoked_at: datetime | None
    replaced: bool


def confirm_name(text: str | None) -> str:
    """The name as it will be printed (spaces tidied), or CertificateError saying what is wrong."""
    name = unicodedata.normalize("NFC", " ".join((text or "").split()))
    if not name:
        raise CertificateError(_("Enter your name as it should appear on the certificate."))
    if len(name) > MAX_NAME:
        raise CertificateError(_("The name may be at most %(n)d characters long.", n=MAX_NAME))
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        raise CertificateError(_("The name contains characters that cannot be printed."))
    if not any(ch.isalpha() for ch in name):
        raise CertificateError(_("The name must contain letters."))
    return name


def issue_certificate(user, course_view, holder_name: str) -> Certificate:
    """Issue the therapist's certificate under the name they confirmed, once the rule holds."""
    name = confirm_name(holder_name)
    existing = latest_certificate(user.id)
    if existing is not None and existing.valid:
        raise CertificateError(_("Your certificate has already been issued."), 409)
    if existing is not None:
        raise CertificateError(
            _(
                "Your certificate was revoked. Please contact the course team: an "
                "administrator can reissue it."
            ),
            409,
        )
    if missing := certificate_rule_status(user, course_view):
        todo = " ".join(m.text for m in missing)
        raise CertificateError(
            _("Your certificate is not ready yet. Still needed: %(todo)s", todo=todo), 409
        )
    spec = course_view.spec
    certificate = Certificate(
        user_id=user.id,
        holder_name=name,
        course_title=spec.title or course_view.title,
        provider=spec.provider or course_view.provider,
        ce_hours=float(spec.ce_hours),
        completed_on=completion_date(user, course_view),
    )
    _insert(certificate, _("Your certificate has already been issued."))
    record("certificate.issued", actor=user, target=f"certificate:{certificate.code}")
    return certificate


def revoke_certificate(admin, certificate: Certificate, reason: str | None) -> None:
    """Revoke a certificate with a reason (audit-logged); the public page then says so."""
    reason = _reason(reason, _("Give a reason for revoking the certificate."))
    if certificate.revoked_at is not None:
        when = certificate.revoked_at.date().isoformat()
        raise CertificateError(
            _("This certificate was already revoked on %(date)s.", date=when), 409
        )
    _revoke(admin, certificate, reason)
    record(
        "certificate.revoked",
        actor=admin,
        target=f"certificate:{certificate.code}",
        user_id=certificate.user_id,
        reason=reason,
    )


def reissue_certificate(
    admin, certificate: Certificate, holder_name: str | None, reason: str | None
) -> Certificate:
    """Replace a certificate with a new code (and the name corrected, if given)."""
    reason = _reason(reason, _("Give a reason for reissuing the certificate."))
    name = confirm_name(holder_name or certificate.holder_name)
    if certificate.replaced_by_id is not None:
        newer = db.session.get(Certificate, certificate.replaced_by_id)
        raise CertificateError(
            _(
                "This certificate was already replaced by %(code)s; reissue that one instead.",
                code=newer.code,
            ),
            409,
        )
    other = latest_certificate(certificate.user_id)
    if other is not None and other.valid and other.id != certificate.id:
        raise CertificateError(
            _(
                "This therapist already holds a valid certificate, %(code)s; reissue that one.",
                code=other.code,
            ),
            409,
        )
    if certificate.revoked_at is None:
        _revoke(admin, certificate, f"Reissued: {reason}")
    replacement = Certificate(
        user_id=certificate.user_id,
        holder_name=name,
        course_title=certificate.course_title,
        provider=certificate.provider,
        ce_hours=certificate.ce_hours,
        completed_on=certificate.completed_on,
    )
    _insert(replacement, _("This therapist already holds a valid certificate."))
    certificate.replaced_by_id = replacement.id
    db.session.flush()
    record(
        "certificate.reissued",
        actor=admin,
        target=f"certificate:{certificate.code}",
        user_id=certificate.user_id,
        new_code=replacement.code,
        name_changed=name != certificate.holder_name,
        reason=reason,
    )
    return replacement


def _reason(text: str | None, missing: str) -> str:
    """The reason, tidied; ``missing`` is the message when there is none."""
    reason = " ".join((text or "").split())
    if not reason:
        raise CertificateError(missing)
    if len(reason) > MAX_REASON:
        raise CertificateError(_("The reason may be at most %(n)d characters long.", n=MAX_REASON))
    return reason


def _revoke(admin, certificate: Certificate, reason: str) -> None:
    certificate.revoked_at = clock.now_utc()
    certificate.revoked_reason = reason
    certificate.revoked_by_id = admin.id
    db.session.flush()


def _insert(certificate: Certificate, taken: str) -> None:
    """Add the row, then store its PDF. A lost race (two confirmations at once) meets the
    one-valid-certificate index and becomes a clear error; the caller rolls back."""
    certificate.code = generate_code()
    certificate.issued_at = clock.now_utc()
    certificate.pdf_path = f"certificates/{certificate.code}.pdf"
    certificate.pdf_sha256 = ""
    db.session.add(certificate)
    try:
        db.session.flush()
    except IntegrityError:
        raise CertificateError(taken, 409) from None
    _write_pdf(certificate)


def _path(certificate: Certificate, language: str) -> Path:
    """Where a certificate's PDF in a language is stored: the English one at ``pdf_path``
    (its hash kept), the French and bilingual ones beside it, made at their first download."""
    path = Path(current_app.config["STORAGE_DIR"]) / certificate.pdf_path
    return path if language == "en" else path.with_suffix(f".{language}.pdf")


def _write_pdf(certificate: Certificate, language: str = "en") -> Path:
    """Render the PDF and store it atomically (write a temporary file, then rename)."""
    data = CertificateData(
        holder_name=certificate.holder_name,
        course_title=certificate.course_title,
        provider=certificate.provider,
        ce_hours=certificate.ce_hours,
        completed_on=certificate.completed_on,
        code=certificate.code,
    )
    try:
        pdf = render_certificate(
            data,
            static_dir=Path(current_app.static_folder),
            verify_url=verify_url(certificate),
            language=language,
        )
    except ValueError as exc:
        current_app.logger.exception("certificate %s not rendered", certificate.code)
        raise CertificateError(
            _(
                "The certificate could not be generated. The error was logged; please try "
                "again later or contact the course team."
            ),
            500,
        ) from exc
    target = _path(certificate, language)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(pdf)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    if language == "en":
        certificate.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
        db.session.flush()
    return target


def verify_url(certificate: Certificate) -> str:
    """The public verification address printed on the certificate and in its QR code."""
    return external_url("certificates.verify", code=certificate.code)


def stored_pdf(certificate: Certificate, language: str = "en") -> Path:
    """The stored PDF in a language of ``pdf.LANGUAGES`` (en, fr, both). The English one is
    rendered again (and logged) only if the stored file was lost; the others are rendered
    at their first download and kept."""
    path = _path(certificate, language)
    if not path.is_file():
        if language == "en":
            current_app.logger.warning(
                "certificate %s PDF missing; rendering again", certificate.code
            )
        path = _write_pdf(certificate, language)
    return path


def find_certificate(code: str) -> Certificate | None:
    """The certificate with this code, however it was typed (case, dashes, O for 0)."""
    canonical = normalize_code(code)
    if not CODE_RE.match(canonical):
        return None
    return db.session.scalar(select(Certificate).where(Certificate.code == canonical))


def verify(code: str) -> Verified | None:
    """The public facts of the certificate with this code, or None when there is none."""
    certificate = find_certificate(code)
    if certificate is None:
        return None
    return Verified(
        certificate.code,
        certificate.holder_name,
        certificate.course_title,
        certificate.provider,
        certificate.ce_hours,
        certificate.completed_on,
        certificate.issued_at,
        certificate.revoked_at,
        certificate.replaced_by_id is not None,
    )
