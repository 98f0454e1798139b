"""Certificate pages: the therapist's certificate, its PDF, and the public verification page.

Issuing is automatic once the course's certificate rule holds, with one step by the
therapist first: confirming the name to print (certificates are official documents and
typos are common). Confirming issues the certificate at once.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user

from course.certificates import services
from course.certificates.forms import NameForm
from course.certificates.pdf import CODE_RE, FOR_LOCALE, LANGUAGES, normalize_code
from course.extensions import db, limiter
from course.learning.overview import course_view
from course.web import dates
from course.web.access import public, roles
from course.web.dates import viewer_zone
from course.web.i18n import locale_of

bp = Blueprint("certificates", __name__)


@bp.app_template_filter("long_date")
def long_date(day) -> str:
    """A date as 'November 23, 2026' or '23 novembre 2026' (the page's language)."""
    return dates.format_day(day, "long") if day else ""


@bp.app_template_filter("ce_hours")
def page_hours(hours: float) -> str:
    """The hours in the page's language: '1.5 CE hours' (the PDF keeps ``format_hours``)."""
    if hours == 1:
        return _("1 CE hour")
    return _("%(hours)s CE hours", hours=format_decimal(hours))


@bp.app_template_filter("local_long_date")
def local_long_date(value) -> str:
    """A stored UTC time as 'November 23, 2026' in the viewer's zone (UTC when signed out)."""
    return dates.local_day(value, viewer_zone(), "long") if value else ""


@bp.app_template_global()
def certificate_home(course) -> services.CertificateStatus:
    """The signed-in therapist's certificate state, for the home page."""
    return services.certificate_status(current_user, course)


@bp.route("/certificates/", methods=["GET", "POST"])
@roles("therapist")
def mine():
    """Status, what is missing, the name confirmation that issues it, and the download."""
    view = course_view(current_user)
    form = NameForm()
    if request.method == "GET":
        form.name.data = current_user.name
    status_code = 200
    if form.validate_on_submit():
        try:
            services.issue_certificate(current_user, view, form.name.data)
        except services.CertificateError as exc:
            db.session.rollback()
            if exc.status == 400:
                form.name.errors = [str(exc)]
            else:
                flash(str(exc), "error")
            status_code = exc.status
        else:
            db.session.commit()
            flash(_("Your certificate has been issued. You can download it below."), "success")
            return redirect(url_for("certificates.mine"))
    elif request.method == "POST":
        status_code = 400
    status = services.certificate_status(current_user, view)
    return render_template("certificates/mine.html", status=status, form=form), status_code


@bp.route("/certificates/<code>.pdf")
@roles("therapist", "admin")
def download(code: str):
    """The stored PDF: a therapist's own valid certificate, or any certificate for admins;
    ``?lang=en``, ``fr`` or ``both`` (English and French), else the holder's language."""
    certificate = services.find_certificate(code)
    own = certificate is not None and certificate.user_id == current_user.id
    if certificate is None or (current_user.role != "admin" and not own):
        abort(404, _("There is no certificate of yours with this code."))
    if current_user.role != "admin" and not certificate.valid:
        abort(410, _("This certificate was revoked, so it can no longer be downloaded."))
    language = request.args.get("lang") or FOR_LOCALE[locale_of(certificate.user)]
    if language not in LANGUAGES:
        abort(
            400, _("A certificate can be downloaded in English (en), French (fr) or both (both).")
        )
    path = services.stored_pdf(certificate, language)
    db.session.commit()  # changes something only when a lost file had to be rendered again
    suffix = "" if language == "en" else f"-{language}"
    response = send_file(
        path,
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"certificate-{certificate.code}{suffix}.pdf",
        etag=(certificate.pdf_sha256 if language == "en" else None) or True,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.route("/verify/")
@public
def verify_form():
    """Type a code from a printed certificate; goes to its verification page."""
    code = request.args.get("code", "").strip()
    if code:
        return redirect(url_for("certificates.verify", code=normalize_code(code)))
    return _no_index(render_template("certificates/verify_form.html"))


@bp.route("/verify/<code>")
@public
@limiter.limit(lambda: current_app.config["VERIFY_LIMIT"])
def verify(code: str):
    """Public: whose certificate this is and whether it is valid (rate-limited per address)."""
    canonical = normalize_code(code)
    if canonical != code and CODE_RE.match(canonical):
        return redirect(url_for("certificates.verify", code=canonical), 301)
    found = services.verify(canonical)
    if found is None:
        page = render_template("certificates/verify_unknown.html", code=code)
        return _no_index(current_app.make_response((page, 404)))
    return _no_index(render_template("certificates/verify.html", cert=found))


def _no_index(page):
    response = current_app.make_response(page)
    response.headers["X-Robots-Tag"] = "noindex"
    return response


from course.certificates import admin_views  # noqa: E402, F401  (routes on the same blueprint)
