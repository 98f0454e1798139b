"""Admin pages: users, invitations (the audit log and the outbox have their own modules)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import or_

from course.admin import services
from course.admin.forms import ARM_LABELS, AccountForm, InviteForm, UserFilterForm
from course.auth import invitations as invites
from course.auth import services as accounts
from course.auth.models import Invitation, User
from course.errors import DomainError
from course.extensions import db
from course.web.access import roles
from course.web.errors import show_refusal
from course.web.i18n import DEFAULT as DEFAULT_LOCALE
from course.web.links import external_url

bp = Blueprint("admin", __name__, url_prefix="/admin")
PER_PAGE = 50
#: What an account change touched, as the confirmation names it.
CHANGED = {"role": _l("role"), "active": _l("access"), "arm": _l("arm")}


@bp.route("/users")
@roles("admin")
def users():
    """List users with search and filters."""
    form = UserFilterForm(request.args)
    query = db.select(User).order_by(User.role, User.email)
    if form.validate():
        if form.q.data:
            like = f"%{form.q.data.strip().lower()}%"
            query = query.where(
                or_(User.email.like(like), User.name.ilike(like), User.study_id.ilike(like))
            )
        if form.role.data:
            query = query.where(User.role == form.role.data)
        if form.arm.data:
            query = query.where(User.arm == form.arm.data)
    page = db.paginate(query, per_page=PER_PAGE, error_out=False)
    return render_template("admin/users.html", form=form, page=page, arm_names=ARM_LABELS)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles("admin")
def user(user_id: int):
    """Change one user's role, arm or active flag (audit-logged, with a reason)."""
    person = db.get_or_404(User, user_id)
    form = AccountForm(obj=person if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            changed = services.update_account(
                current_user,
                person,
                role=form.role.data,
                arm=form.arm.data or None,
                active=form.active.data,
                reason=form.reason.data,
            )
        except DomainError as exc:
            show_refusal(exc, form)
        else:
            db.session.commit()
            if changed:
                what = ", ".join(str(CHANGED.get(name, name)) for name in changed)
                flash(_("Saved: %(changes)s.", changes=what), "success")
            else:
                flash(_("Nothing changed."), "success")
            return redirect(url_for("admin.user", user_id=person.id))
    return render_template("admin/user.html", person=person, form=form)


@bp.route("/invitations", methods=["GET", "POST"])
@roles("admin")
def invitations():
    """Create invitations and list them with their status."""
    form = InviteForm()
    new_link = None
    if form.validate_on_submit():
        try:
            invitation, token = invites.invite(
                current_user,
                form.email.data,
                form.role.data,
                form.arm.data or None,
                form.language.data or DEFAULT_LOCALE,
            )
        except DomainError as exc:
            show_refusal(exc, form)
        else:
            db.session.commit()
            new_link = external_url("auth.register", token=token)
            flash(_("Invitation sent to %(email)s.", email=invitation.email), "success")
            # The next invitation starts from the same role and arm; only the address clears.
            form = InviteForm(
                formdata=None,
                data={"role": form.role.data, "arm": form.arm.data, "language": form.language.data},
            )
    listing = db.session.scalars(
        db.select(Invitation).order_by(Invitation.created_at.desc()).limit(200)
    ).all()
    return render_template(
        "admin/invitations.html",
        form=form,
        invitations=listing,
        new_link=new_link,
        arm_names=ARM_LABELS,
    )


@bp.route("/invitations/<int:invitation_id>/revoke", methods=["POST"])
@roles("admin")
def revoke_invitation(invitation_id: int):
    """Withdraw a pending invitation."""
    invitation = db.get_or_404(Invitation, invitation_id)
    try:
        invites.revoke_invitation(current_user, invitation)
    except accounts.AuthError as exc:
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("The invitation for %(email)s was revoked.", email=invitation.email), "success")
    return redirect(url_for("admin.invitations"))


from course.admin import audit_views, outbox_views  # noqa: E402, F401  (routes on the same blueprint)
