"""Admin certificate pages: find a certificate, revoke it with a reason, reissue it."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from course.auth.models import User
from course.certificates import services
from course.certificates.forms import ReissueForm, RevokeForm
from course.certificates.models import Certificate
from course.certificates.pdf import normalize_code
from course.certificates.views import bp
from course.extensions import db
from course.web.access import roles
from course.web.errors import show_refusal

PER_PAGE = 50


@bp.route("/certificates/admin/")
@roles("admin")
def admin_list():
    """Every certificate, newest first; search by name, e-mail or code."""
    q = request.args.get("q", "").strip()[:200]
    query = (
        select(Certificate)
        .options(selectinload(Certificate.user))
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    )
    if q:
        like = f"%{q.lower()}%"
        query = query.where(
            or_(
                Certificate.holder_name.ilike(like),
                Certificate.code == normalize_code(q),
                Certificate.user_id.in_(select(User.id).where(User.email.like(like))),
            )
        )
    page = db.paginate(query, per_page=PER_PAGE, error_out=False)
    return render_template("certificates/admin_list.html", page=page, q=q)


@bp.route("/certificates/admin/<int:certificate_id>")
@roles("admin")
def admin_detail(certificate_id: int):
    """One certificate: facts, history, and the revoke and reissue forms."""
    certificate = db.get_or_404(Certificate, certificate_id)
    return _detail(certificate, RevokeForm(prefix="revoke"), _reissue_form(certificate))


@bp.route("/certificates/admin/<int:certificate_id>/revoke", methods=["POST"])
@roles("admin")
def admin_revoke(certificate_id: int):
    """Revoke with a reason (audit-logged); the verification page then says revoked."""
    certificate = db.get_or_404(Certificate, certificate_id)
    form = RevokeForm(prefix="revoke")
    if not form.validate_on_submit():
        return _detail(certificate, form, _reissue_form(certificate), 400)
    try:
        services.revoke_certificate(current_user, certificate, form.reason.data)
    except services.CertificateError as exc:
        show_refusal(exc)
        return redirect(url_for("certificates.admin_detail", certificate_id=certificate_id))
    db.session.commit()
    flash(_("Certificate %(code)s was revoked.", code=certificate.code), "success")
    return redirect(url_for("certificates.admin_detail", certificate_id=certificate.id))


@bp.route("/certificates/admin/<int:certificate_id>/reissue", methods=["POST"])
@roles("admin")
def admin_reissue(certificate_id: int):
    """Issue a replacement with a new code (name corrected if need be); the old one is revoked."""
    certificate = db.get_or_404(Certificate, certificate_id)
    form = ReissueForm(prefix="reissue")
    if not form.validate_on_submit():
        return _detail(certificate, RevokeForm(prefix="revoke"), form, 400)
    try:
        replacement = services.reissue_certificate(
            current_user, certificate, form.holder_name.data, form.reason.data
        )
    except services.CertificateError as exc:
        show_refusal(exc)
        return redirect(url_for("certificates.admin_detail", certificate_id=certificate_id))
    db.session.commit()
    flash(
        _(
            "Certificate %(new)s was issued in place of %(old)s.",
            new=replacement.code,
            old=certificate.code,
        ),
        "success",
    )
    return redirect(url_for("certificates.admin_detail", certificate_id=replacement.id))


def _reissue_form(certificate: Certificate) -> ReissueForm:
    form = ReissueForm(prefix="reissue")
    if request.method == "GET":
        form.holder_name.data = certificate.holder_name
    return form


def _detail(certificate: Certificate, revoke: RevokeForm, reissue: ReissueForm, status=200):
    replaced = db.session.scalars(
        select(Certificate).where(Certificate.replaced_by_id == certificate.id)
    ).all()
    replacement = (
        db.session.get(Certificate, certificate.replaced_by_id)
        if certificate.replaced_by_id
        else None
    )
    revoked_by = (
        db.session.get(User, certificate.revoked_by_id) if certificate.revoked_by_id else None
    )
    return render_template(
        "certificates/admin_detail.html",
        certificate=certificate,
        holder=certificate.user,
        replaced=replaced,
        replacement=replacement,
        revoked_by=revoked_by,
        revoke_form=revoke,
        reissue_form=reissue,
    ), status
