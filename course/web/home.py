"""The front door (each role's home) and the health check."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, send_from_directory, url_for
from flask_login import current_user
from sqlalchemy import text

from course.extensions import db
from course.web.access import public

bp = Blueprint("home", __name__)

#: Where each role lands after sign-in, once that feature's blueprint exists.
ROLE_HOMES = {
    "therapist": "learning.home",
    "trainer": "authoring.index",
    "researcher": "research.dashboard",
    "admin": "admin.users",
}


@bp.route("/")
@public
def index():
    """Send a visitor to sign-in, and a signed-in user to their role's home."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    endpoint = ROLE_HOMES.get(current_user.role)
    if endpoint in current_app.view_functions:
        return redirect(url_for(endpoint))
    return render_template("home/index.html")


@bp.route("/healthz")
@public
def healthz():
    """Liveness: answers at once with one trivial query."""
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}


@bp.route("/favicon.ico")
@public
def favicon():
    """The site's icon where browsers look for it unasked (pages link the SVG too)."""
    return send_from_directory(
        current_app.static_folder,
        "favicon.ico",
        mimetype="image/vnd.microsoft.icon",
        max_age=86400,
    )
