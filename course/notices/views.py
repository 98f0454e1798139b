"""Each person's notices, and how they want them e-mailed."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from course.extensions import db
from course.notices import services
from course.notices.models import MODES
from course.web.access import signed_in

bp = Blueprint("notices", __name__, url_prefix="/notices")


@bp.route("/", methods=["GET", "POST"])
@signed_in
def index():
    """The latest notices (opening the page marks them read) and the e-mail choice."""
    if request.method == "POST":
        mode = request.form.get("mode", "")
        if mode not in MODES:
            flash(_("Choose one e-mail per notice, or one digest a day."), "error")
        else:
            services.set_mode(current_user.id, mode)
            db.session.commit()
            flash(_("Saved: how your notices are e-mailed."), "success")
        return redirect(url_for(".index"))
    notices = services.recent(current_user.id)
    unread = {n.id for n in notices if n.read_at is None}
    services.mark_all_read(current_user.id)
    db.session.commit()
    return render_template(
        "notices/index.html", notices=notices, unread=unread, mode=services.mode_of(current_user.id)
    )
