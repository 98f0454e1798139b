"""The consent page (decide, see one's standing, withdraw) and the gate in front of it."""

from __future__ import annotations

from flask import current_app, flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from course.auth.views import safe_next
from course.config import enrolment_closed
from course.extensions import db
from course.research import consent, consent_copies, consent_text
from course.research.forms import ConsentForm, CopySearchForm, WithdrawForm
from course.research.views import bp
from course.web.access import PUBLIC, access_of, roles
from course.web.errors import show_refusal, wants_json
from course.web.i18n import CONTENT_LANGUAGES, LANGUAGE_TAGS, page_language

#: What a therapist may still reach before answering: this page, and signing out.
GATE_OPEN = frozenset(
    {"research.consent", "research.withdraw", "research.consent_copy", "auth.logout", "static"}
)


@bp.before_app_request
def consent_gate():
    """Send a trial therapist to the consent page until they answer (and are allocated)."""
    if not current_user.is_authenticated or not consent.in_trial(current_user):
        return None
    endpoint = request.endpoint
    if endpoint is None or endpoint in GATE_OPEN or access_of(endpoint) == PUBLIC:
        return None
    # Once a person has been allocated and has answered this version, the gate can never
    # close again for that version (allocations and consent records are append-only, and
    # withdrawing or declining later keeps the platform open), so the signed session
    # remembers it and later requests skip the query. Before allocation nothing is
    # remembered: someone who declined may still accept and must then wait.
    passed = [current_user.id, consent.current_version()]
    if session.get("consent_passed") == passed:
        return None
    standing = consent.standing(current_user)
    if not (standing.needs_decision or standing.awaiting_allocation):
        if standing.allocated:
            session["consent_passed"] = passed
        return None
    if wants_json():
        message = _(
            "Please answer the research consent form first (at %(path)s).", path="/research/consent"
        )
        return jsonify(error="Consent needed", message=message), 403
    target = request.full_path if request.method == "GET" else None
    return redirect(url_for("research.consent", next=target))


@bp.route("/consent", methods=["GET", "POST"], endpoint="consent")
@roles("therapist")
def consent_page():
    """Read the consent text and agree or decline; see one's standing afterwards."""
    form = ConsentForm()
    status = 200
    if form.validate_on_submit():
        choice = request.form.get("decision")
        if choice not in ("accept", "decline"):
            flash(_("Choose whether you agree to take part."), "error")
        else:
            try:
                consent.decide(
                    current_user,
                    accept=choice == "accept",
                    version=form.version.data,
                    text_sha256=form.text_sha256.data,
                    read=bool(form.read.data),
                    typed=form.typed.data,
                    language=_shown_language(form.language.data),
                )
            except consent.ConsentError as exc:
                show_refusal(exc, form)
                status = exc.status
            else:
                db.session.commit()
                standing = consent.standing(current_user)
                if choice == "accept":
                    flash(
                        _(
                            "Thank you for agreeing to take part in the research. Your copy of "
                            "the consent form is ready to download on this page."
                        ),
                        "success",
                    )
                else:
                    flash(
                        _(
                            "Your choice not to take part was recorded. Thank you for "
                            "considering the study."
                        ),
                        "success",
                    )
                if standing.awaiting_allocation:
                    return redirect(url_for("research.consent"))
                return redirect(safe_next(request.args.get("next")) or url_for("home.index"))
    return _render(form, WithdrawForm(formdata=None)), status


@bp.route("/consent/withdraw", methods=["POST"])
@roles("therapist")
def withdraw():
    """Withdraw from the research from now on (confirmed with a tick box)."""
    form = WithdrawForm()
    if not form.validate_on_submit():
        return _render(ConsentForm(formdata=None), form), 400
    try:
        consent.withdraw(current_user)
    except consent.ConsentError as exc:
        show_refusal(exc)
    else:
        db.session.commit()
        flash(
            _(
                "You have withdrawn from the research. Your data is left out of every export "
                "from now on."
            ),
            "success",
        )
    return redirect(url_for("research.consent"))


@bp.route("/consent/copy/<int:copy_id>.pdf", endpoint="consent_copy")
@roles("therapist")
def consent_copy(copy_id: int):
    """Download one's own PDF copy of the consent, as stored when one agreed."""
    copy = consent_copies.own_copy(current_user, copy_id)
    return pdf_response(copy)


def pdf_response(copy):
    """The stored PDF as a download named by version and study ID."""
    response = current_app.response_class(copy.pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{consent_copies.pdf_name(copy)}"'
    )
    return response


def _shown_language(posted: str | None) -> str:
    """The language of the text the form was shown with; a form without a known one (a
    page loaded before forms carried it) was shown in the request's language."""
    return posted if posted in CONTENT_LANGUAGES else page_language()


def _render(form: ConsentForm, withdraw_form: WithdrawForm):
    standing = consent.standing(current_user)
    version = standing.current_version
    wanted = page_language()
    shown = consent.consent_text_in(version, wanted) if version else None
    text, text_language = shown if shown is not None else (None, wanted)
    form.version.data = version
    form.text_sha256.data = consent_text.sha256_text(text) if text is not None else ""
    form.language.data = text_language
    copy = consent_copies.latest_copy(current_user) if standing.in_trial else None
    return render_template(
        "research/consent.html",
        standing=standing,
        consent_html=consent.consent_html(text) if text is not None else None,
        text_lang=LANGUAGE_TAGS[text_language],
        untranslated=text is not None and text_language != wanted,
        text_sha256=form.text_sha256.data,
        enrolment_open=consent.enrolment_open(),
        copy=copy,
        form=form,
        withdraw_form=withdraw_form,
        next=safe_next(request.args.get("next")),
    )


@bp.app_context_processor
def enrolment_notice():
    """Staff pages show why enrolment is closed (no query: it reads the settings)."""
    return {"enrolment_notice": enrolment_closed(current_app.config)}


@bp.route("/consent-copies", endpoint="consent_copies")
@roles("researcher", "admin")
def consent_copies_page():
    """Staff: find consent copies by study ID or hash, with both hashes re-checked."""
    form = CopySearchForm(request.args)
    query = form.q.data if form.validate() else ""
    return render_template(
        "research/consent_copies.html",
        form=form,
        copies=consent_copies.find_copies(query or ""),
        query=query or "",
    )


@bp.route("/consent-copies/<int:copy_id>.pdf", endpoint="consent_copy_staff")
@roles("researcher", "admin")
def consent_copy_staff(copy_id: int):
    """Staff: download a stored copy (it carries a study ID, never a name)."""
    return pdf_response(consent_copies.any_copy(copy_id))
