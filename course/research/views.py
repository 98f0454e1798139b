"""Research pages: the dashboard, exports and API tokens (consent and allocation pages
are in consent_views.py and allocation_views.py, on the same blueprint)."""

from __future__ import annotations

import io

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from course.extensions import db
from course.research import charts as drawing
from course.research import dashboard as numbers
from course.research import tokens
from course.research.export import archive_response, build_archive, recent_exports
from course.research.export.context import write_csv
from course.research.figures import FLAG, SCALE_NAMES, figures
from course.research.filters import FilterError, parse_filters
from course.research.forms import ARM_NAMES, ExportForm, TokenForm, read_filters
from course.web.access import roles
from course.web.errors import show_refusal
from course.web.lazy import LazyView

bp = Blueprint("research", __name__, url_prefix="/research")
FILTER_ARGS = ("arm", "start", "end")  # the dashboard's filters, kept on its chart downloads


@bp.record_once
def _register_api(state) -> None:
    """The token-authenticated API is a blueprint of its own under /api/v1/research."""
    from course.research.api import bp as api

    state.app.register_blueprint(api)


@bp.route("/")
@roles("researcher", "admin")
def dashboard():
    """Enrolment, engagement and acceptability, filterable by arm and dates."""
    form, filters = read_filters(request.args)
    board = numbers.build(filters)
    return render_template(
        "research/dashboard.html",
        form=form,
        board=board,
        charts=_figures(board),
        chart_args={k: v for k, v in request.args.items() if k in FILTER_ARGS and v},
        flag_min=current_app.config["FLAG_MIN_ATTEMPTS"],
        flag_word=str(FLAG),
        arm_names=ARM_NAMES,
        scale_names=SCALE_NAMES,
    )


def _figures(board: numbers.Dashboard) -> dict[str, drawing.Chart]:
    # Item statistics are a trainer and admin tool (they count everyone, consented or not):
    # the quiz rows link to them for admins only.
    link = None
    if current_user.role == "admin":
        link = lambda slug: url_for("assessments.statistics", slug=slug)  # noqa: E731
    return figures(board, current_app.config["FLAG_MIN_ATTEMPTS"], link)


def _chart(name: str) -> drawing.Chart:
    """One chart of the dashboard for the filters in the query string, or a 404."""
    _form, filters = read_filters(request.args)
    chart = _figures(numbers.build(filters)).get(name)
    if chart is None or chart.empty:
        abort(404, _("There is no such chart on the dashboard for these filters."))
    return chart


@bp.route("/charts/<name>.svg")
@roles("researcher", "admin")
def chart_svg(name: str):
    """A dashboard chart as an SVG file (same filters as the dashboard)."""
    body = drawing.svg(_chart(name), standalone=True)
    return Response(
        body,
        mimetype="image/svg+xml",
        headers={"Content-Disposition": f'attachment; filename="{name}.svg"'},
    )


@bp.route("/charts/<name>.csv")
@roles("researcher", "admin")
def chart_csv(name: str):
    """The table of a dashboard chart as CSV, cells neutralised as in the exports. Like
    the exports, the file is in English whatever the page's language."""
    with force_locale("en"):
        table = _chart(name).table
    if table is None:
        abort(404, _("This chart has no table."))
    out = io.StringIO()
    write_csv(out, table.columns, table.rows)
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


# The rater agreement page imports pingouin (about 1.5 s): loaded on its first request.
bp.add_url_rule(
    "/agreement",
    "agreement",
    roles("researcher", "admin")(LazyView("course.research.agreement_views.rater_agreement")),
)


@bp.route("/exports", methods=["GET", "POST"])
@roles("researcher")
def exports():
    """Choose filters and download the export archive (audit-logged)."""
    form = ExportForm()
    if form.validate_on_submit():
        try:
            filters = parse_filters(
                form.arm.data,
                form.start.data,
                form.end.data,
                form.since.data,
                form.include_free_text.data,
            )
        except FilterError as exc:
            flash(str(exc), "error")
        else:
            spool, result = build_archive(filters, actor=current_user, via="web")
            db.session.commit()
            return archive_response(spool, result.manifest["generated_at"])
    status = 400 if form.errors or request.method == "POST" else 200
    return render_template(
        "research/exports.html", form=form, recent=recent_exports(), arm_names=ARM_NAMES
    ), status


@bp.route("/tokens", methods=["GET", "POST"])
@roles("researcher", "admin")
def api_tokens():
    """Researchers create named API tokens (shown once) and see or revoke their own;
    admins see and revoke everyone's."""
    form = TokenForm()
    secret = None
    if request.method == "POST" and current_user.role != "researcher":
        abort(403, _("Only researchers create API tokens: a token acts as its creator."))
    if form.validate_on_submit():
        try:
            token, secret = tokens.create_token(current_user, form.name.data)
        except tokens.TokenError as exc:
            show_refusal(exc, form)
        else:
            db.session.commit()
            flash(
                _(
                    "Token “%(name)s” created. Copy it now: it is not shown again.",
                    name=token.name,
                ),
                "success",
            )
            form = TokenForm(formdata=None)
    return render_template(
        "research/tokens.html", form=form, secret=secret, tokens=tokens.list_tokens(current_user)
    )


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@roles("researcher", "admin")
def revoke_token(token_id: int):
    """Revoke a token; requests carrying it are refused from now on."""
    try:
        token = tokens.revoke_token(current_user, token_id)
    except tokens.TokenError as exc:
        if exc.status == 404:  # not theirs, or gone: the error page says so
            raise
        show_refusal(exc)
    else:
        db.session.commit()
        flash(_("Token “%(name)s” revoked.", name=token.name), "success")
    return redirect(url_for("research.api_tokens"))


from course.research import allocation_views, consent_views  # noqa: E402, F401  (routes on bp)
