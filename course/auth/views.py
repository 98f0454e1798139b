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
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user, user_loaded_from_cookie

from course.auth import invitations, services, sessions
from course.auth.forms import ChangePasswordForm, ForgotForm, LoginForm, RegisterForm, ResetForm
from course.auth.models import User
from course.extensions import db, limiter, login_manager
from course.web.access import public, signed_in
from course.web.errors import show_refusal
from course.web.i18n import COOKIE, LOCALES, choose_locale

bp = Blueprint("auth", __name__, url_prefix="/auth")


@login_manager.user_loader
def load_user(value: str) -> User | None:
    """Flask-Login: the signed-in user, or None if gone, deactivated or signed out."""
    return sessions.load(value)


@user_loaded_from_cookie.connect
def _rotate_remember_cookie(_app, user: User) -> None:
    """The "keep me signed in" cookie restored a session: it gets a new token now."""
    sessions.rotate(user)
    db.session.commit()


def _sign_in(user: User, *, remember: bool) -> None:
    """Open a session for ``user`` and commit it, then hand it to Flask-Login."""
    sessions.start(user, remember=remember)
    db.session.commit()
    login_user(user, remember=remember)


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
    refused = None
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            services.adopt_locale(user, choose_locale())
        db.session.commit()
        if user is not None:
            _sign_in(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next")) or url_for("home.index"))
        g.login_failed = True
        # Said once, for the form as a whole: it is not known which of the two is wrong.
        refused = _("The e-mail or password is not right.")
    return render_template("auth/login.html", form=form, refused=refused)


@bp.route("/logout", methods=["POST"])
@signed_in
def logout():
    """Sign out (POST, so a link on another site cannot sign you out): this session ends,
    so a copy of its cookies no longer works either."""
    sessions.end_current(current_user)
    db.session.commit()
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/logout-everywhere", methods=["POST"])
@signed_in
def logout_everywhere():
    """End every session of this account, on every device, including this one."""
    ended = sessions.end_all(current_user, "signed_out_everywhere")
    services.record_signed_out_everywhere(current_user, ended)
    db.session.commit()
    logout_user()
    flash(
        ngettext(
            "You are signed out everywhere (%(num)d session).",
            "You are signed out everywhere (%(num)d sessions).",
            ended,
        ),
        "info",
    )
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET", "POST"])
@signed_in
@limiter.limit("10 per 15 minutes", methods=["POST"])
def account():
    """Your sign-in sessions and your password."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current.data, form.password.data)
        except services.AuthError as exc:
            show_refusal(exc, form)
        else:
            user = current_user._get_current_object()
            _sign_in(user, remember=False)  # every other session ended with the old password
            flash(_("Your password was changed. Every other device was signed out."), "success")
            return redirect(url_for("auth.account"))
    live = sessions.live_sessions(current_user)
    return render_template(
        "auth/account.html",
        form=form,
        live=[(row, sessions.is_current(current_user, row)) for row in live],
    ), 400 if form.errors else 200


@bp.route("/language", methods=["POST"])
@public
def language():
    """Switch the interface language: kept on the account, and in a cookie for anyone."""
    locale = request.form.get("locale", "")
    back = safe_next(request.form.get("next")) or url_for("home.index")
    if locale not in LOCALES:
        flash(_("Choose English or French."), "error")
        return redirect(back)
    if current_user.is_authenticated:
        services.set_locale(current_user, locale)
        db.session.commit()
    response = redirect(back)
    response.set_cookie(
        COOKIE,
        locale,
        max_age=365 * 24 * 3600,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    return response


@bp.route("/register/<token>", methods=["GET", "POST"])
@public
def register(token: str):
    """Create an account from an invitation link."""
    invitation = invitations.open_invitation(token)
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = invitations.register(
                token,
                name=form.name.data,
                password=form.password.data,
                timezone=form.timezone.data,
                profession=form.profession.data,
                region=form.region.data,
                locale=str(get_locale()),
            )
        except services.AuthError as exc:
            show_refusal(exc, form)
        else:
            _sign_in(user, remember=False)
            flash(_("Welcome! Your account is ready."), "success")
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
        flash(_("If that address has an account, a reset link is on its way."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    """Choose a new password through an e-mailed link; every session of the account ends."""
    services.open_reset(token)  # a LinkProblem (410) says why the link cannot be used
    form = ResetForm()
    if form.validate_on_submit():
        services.reset_password(token, form.password.data)
        db.session.commit()
        flash(_("Your password was changed. Sign in with the new one."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form)
