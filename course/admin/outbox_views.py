"""Admin pages: the outbox of e-mails (queued, sent, failed) and retrying failed ones."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from course import mail
from course.admin.views import PER_PAGE, bp
from course.extensions import db
from course.mail.models import STATUSES
from course.web.access import roles


@bp.route("/outbox")
@roles("admin")
def outbox():
    """Every e-mail the platform queued, newest first, with its delivery state."""
    status = request.args.get("status") or None
    if status is not None and status not in STATUSES:
        abort(
            400,
            _(
                "Unknown status %(status)r; choose one of %(statuses)s.",
                status=status,
                statuses=", ".join(STATUSES),
            ),
        )
    page = db.paginate(mail.listing(status), per_page=PER_PAGE, error_out=False)
    return render_template(
        "admin/outbox.html",
        page=page,
        counts=mail.status_counts(),
        status=status,
        statuses=STATUSES,
        max_attempts=mail.MAX_ATTEMPTS,
    )


@bp.route("/outbox/retry", methods=["POST"])
@roles("admin")
def outbox_retry():
    """Put failed (or waiting) messages back in line now; they are sent after the commit."""
    ids = [
        int(i)
        for i in request.form.getlist("message")
        if i.isascii() and i.isdigit() and len(i) < 10
    ]
    changed = mail.retry(ids)
    db.session.commit()
    if changed:
        flash(
            ngettext(
                "%(num)d e-mail put back in line; it is being sent now.",
                "%(num)d e-mails put back in line; they are being sent now.",
                changed,
            ),
            "success",
        )
    else:
        flash(_("Nothing to retry: choose a queued or failed e-mail."), "error")
    return redirect(url_for("admin.outbox", status=request.form.get("status") or None))
