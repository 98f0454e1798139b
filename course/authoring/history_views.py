"""A module's history: every revision, what each changed, and restoring an old one."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from course.authoring import overview, services
from course.authoring.views import EDITORS, bp, module_or_404
from course.content import ContentErrors
from course.extensions import db
from course.web.access import roles


def _title(slug: str) -> str:
    return next((r.title for r in overview.module_rows() if r.slug == slug), slug)


@bp.route("/modules/<slug>/history")
@roles(*EDITORS)
def history(slug: str):
    """Every revision of a module, newest first, with author, time and hash."""
    module = module_or_404(slug)
    rows = overview.revision_rows(module)
    return render_template(
        "authoring/history.html", slug=slug, title=_title(slug), rows=rows, latest=rows[0].number
    )


@bp.route("/modules/<slug>/revisions/<int:number>/diff")
@roles(*EDITORS)
def diff(slug: str, number: int):
    """What a revision changed against the one before it, as a marked unified diff."""
    module = module_or_404(slug)
    lines = overview.revision_diff(module, number)
    if lines is None:
        abort(404)
    latest = services.latest_module_revision(module).number
    return render_template(
        "authoring/diff.html",
        slug=slug,
        title=_title(slug),
        number=number,
        latest=latest,
        lines=lines,
    )


@bp.route("/modules/<slug>/revisions/<int:number>/restore", methods=["POST"])
@roles(*EDITORS)
def restore(slug: str, number: int):
    """Start a new draft from an older revision's text; history itself never changes."""
    module = module_or_404(slug)
    revision = overview.module_revision(module, number)
    if revision is None:
        abort(404)
    try:
        draft = services.restore_module(revision, actor=current_user)
    except ContentErrors as exc:
        db.session.rollback()
        flash(" ".join(error.message for error in exc.errors), "error")
        return redirect(url_for("authoring.history", slug=slug))
    db.session.commit()
    flash(
        _(
            "Revision %(number)s restored as a new draft, revision %(draft)s. "
            "Check it, then publish it to make it what learners see.",
            number=number,
            draft=draft.number,
        ),
        "success",
    )
    return redirect(url_for("authoring.edit", slug=slug))
