"""Sign-in, sign-out, registration from an invitation, and password reset."""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user
from sqlalchemy import bindparam, select

from course.auth import services
from course.auth.forms import ForgotForm, LoginForm, RegisterForm, ResetForm
from course.auth.models import User
from course.extensions import db, limiter, login_manager
from course.web.access import public, signed_in
from course.web.errors import show_refusal

bp = Blueprint("auth", __name__, url_prefix="/auth")


# Built once: every signed-in request runs it (a prepared statement is a third cheaper
# than session.get, which builds its query each time).
_USER = select(User).where(User.id == bindparam("id"))


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Flask-Login: the signed-in user, or None if gone or deactivated."""
    if not user_id.isdigit() or len(user_id) > 18:
        return None
    user = db.session.execute(_USER, {"id": int(user_id)}).scalar_one_or_none()
    return user if user is not None and user.active else None


def safe_next(target: str | None) -> str | None:
    """Return ``target`` only when it is a path on this site (no open redirect)."""
    if not target or "\\" in target or any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _account_and_address() -> str:
    email = services.normalize_email(request.form.get("email", ""))
    digest = hashlib.sha256(email.encode()).hexdigest()[:16]
    return f"login:{digest}:{get_remote_address()}"


def _login_failed(response) -> bool:
    return bool(g.get("login_failed"))


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT"],
    key_func=_account_and_address,
    methods=["POST"],
    deduct_when=_login_failed,
)
@limiter.limit(
    lambda: current_app.config["LOGIN_ADDRESS_LIMIT"], methods=["POST"], deduct_when=_login_failed
)
def login():
    """Sign in with e-mail and password."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        db.session.commit()
        if user is not None:
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next")) or url_for("home.index"))
        g.login_failed = True
        form.password.errors.append("The e-mail or password is not right.")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@signed_in
def logout():
    """Sign out (POST, so a link on another site cannot sign you out)."""
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/register/<token>", methods=["GET", "POST"])
@public
def register(token: str):
    """Create an account from an invitation link."""
    invitation = services.open_invitation(token)
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = services.register(
                token,
                name=form.name.data,
                password=form.password.data,
                timezone=form.timezone.data,
                profession=form.profession.data,
                region=form.region.data,
            )
        except services.AuthError as exc:
            show_refusal(exc, form)
        else:
            db.session.commit()
            login_user(user)
            flash("Welcome! Your account is ready.", "success")
            return redirect(url_for("home.index"))
    return render_template("auth/register.html", form=form, invitation=invitation)


@bp.route("/forgot", methods=["GET", "POST"])
@public
@limiter.limit("5 per 15 minutes", methods=["POST"])
def forgot_password():
    """Ask for a password-reset link by e-mail."""
    form = ForgotForm()
    if form.validate_on_submit():
        services.request_reset(form.email.data)
        db.session.commit()
        flash("If that address has an account, a reset link is on its way.", "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    """Choose a new password through an e-mailed link."""
    services.open_reset(token)  # a LinkProblem (410) says why the link cannot be used
    form = ResetForm()
    if form.validate_on_submit():
        services.reset_password(token, form.password.data)
        db.session.commit()
        flash("Your password was changed. Sign in with the new one.", "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form)
