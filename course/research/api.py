"""The research API: bearer-token access to the export, under /api/v1/research.

Routes are declared @public because a session cookie never grants access here: each
view checks the token itself and answers 401 without one. Tokens work nowhere else.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from course.extensions import csrf, db
from course.research.export import archive_response, build_archive
from course.research.filters import FilterError, parse_filters
from course.research.tokens import authenticate
from course.web.access import public

bp = Blueprint("research_api", __name__, url_prefix="/api/v1/research")
csrf.exempt(bp)  # token-authenticated, no cookies: cross-site forgery has nothing to ride on

EXPORT_PARAMETERS = ("arm", "from", "to", "since", "include_free_text")


def _refused():
    response = jsonify(
        error="Sign-in required",
        message="Send a valid research API token: 'Authorization: Bearer <token>'.",
    )
    response.status_code = 401
    response.headers["WWW-Authenticate"] = 'Bearer realm="research"'
    return response


@bp.route("/export.zip")
@public
def export():
    """The export archive; query: arm, from, to (YYYY-MM-DD), since, include_free_text."""
    owner, token = authenticate(request.headers.get("Authorization"))
    if owner is None:
        return _refused()
    if unknown := sorted(set(request.args) - set(EXPORT_PARAMETERS)):
        raise FilterError(
            f"Unknown parameter(s) {', '.join(unknown)}; use {', '.join(EXPORT_PARAMETERS)}."
        )
    filters = parse_filters(
        request.args.get("arm"),
        request.args.get("from"),
        request.args.get("to"),
        request.args.get("since"),
        request.args.get("include_free_text", ""),
    )
    spool, result = build_archive(filters, actor=owner, via="api", token=token)
    db.session.commit()
    return archive_response(spool, result.manifest["generated_at"])
