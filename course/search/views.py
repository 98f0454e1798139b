"""The search page."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from course.search.query import MAX_CHARS, QueryError, parse_query
from course.search.services import search, searchable
from course.web.access import roles
from course.web.i18n import shown_language

bp = Blueprint("search", __name__, url_prefix="/search")


@bp.route("/")
@roles("therapist", "trainer", "admin")
def index():
    """Search the published modules (only those the person may open) by words."""
    raw = request.args.get("q")
    modules = searchable(current_user, shown_language())
    if modules is None:  # the course is not open to this therapist: nothing to search
        return render_template("search/closed.html"), 403
    results, message, terms = [], None, ()
    if raw is not None:
        try:
            terms = parse_query(raw)
        except QueryError as error:
            message = str(error)
        else:
            results = search(modules, terms, shown_language())
    return render_template(
        "search/index.html",
        query=(raw or "")[: MAX_CHARS * 2],
        terms=terms,
        results=results,
        message=message,
        staff=current_user.role != "therapist",
        max_chars=MAX_CHARS,
    )
