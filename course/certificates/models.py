"""Certificates of completion: the facts printed, the stored PDF, revocation and reissue."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, Float, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course.dbtypes import UTCDateTime
from course.extensions import db

if TYPE_CHECKING:
    from course.auth.models import User


class Certificate(db.Model):
    """One issued certificate. Its facts never change; a correction is a reissue."""

    __tablename__ = "certificates"

    #: Internal key.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The therapist it was issued to.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: Public verification code, e.g. 7KQ2-M9XD-4HTB (Crockford base32, 60 random bits).
    code: Mapped[str] = mapped_column(String(14), unique=True)
    #: The name printed, as the therapist confirmed it (or an admin corrected it).
    holder_name: Mapped[str] = mapped_column(String(200))
    #: Course title at issue.
    course_title: Mapped[str] = mapped_column(String(300))
    #: Provider at issue.
    provider: Mapped[str] = mapped_column(String(300))
    #: Continuing-education hours at issue.
    ce_hours: Mapped[float] = mapped_column(Float)
    #: The day the certificate rule was met, in the therapist's time zone.
    completed_on: Mapped[date] = mapped_column(Date)
    #: When it was issued (UTC).
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: The stored PDF, relative to STORAGE_DIR (certificates/<code>.pdf).
    pdf_path: Mapped[str] = mapped_column(String(300))
    #: sha256 of the stored PDF, so a later download can be checked against the original.
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    #: When an admin revoked it (UTC); None while valid.
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The admin's reason (kept for the record; not shown on the public page).
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    #: The admin who revoked it.
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: The certificate issued in its place, when it was reissued.
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    __table_args__ = (
        CheckConstraint("ce_hours >= 0", name="ce_hours"),
        CheckConstraint(
            "(revoked_at IS NULL AND revoked_reason IS NULL)"
            " OR (revoked_at IS NOT NULL AND revoked_reason IS NOT NULL)",
            name="revoked_reason",
        ),
        CheckConstraint("replaced_by_id IS NULL OR revoked_at IS NOT NULL", name="replaced"),
        # At most one valid certificate per therapist, even when two requests race.
        Index(
            "uq_certificates_user_valid",
            "user_id",
            unique=True,
            postgresql_where=text("revoked_at IS NULL"),
            sqlite_where=text("revoked_at IS NULL"),
        ),
    )

    @property
    def valid(self) -> bool:
        """True unless revoked."""
        return self.revoked_at is None

    def __repr__(self) -> str:
        return f"<Certificate {self.code}>"
