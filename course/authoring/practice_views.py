"""Scenarios and drill sets in the browser: the list, the source editor with its live
preview, its problems by line and (for scenarios) the map, and each one's history."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from markupsafe import Markup

from course.authoring import practice
from course.authoring.forms import PracticeForm
from course.authoring.practice import DRILLS, KINDS, SCENARIOS, Kind
from course.authoring.views import EDITORS, bp
from course.content import ContentError, ContentErrors, map_svg, scenario_graph
from course.extensions import db
from course.web.access import roles

#: The two kinds share every page: /authoring/scenarios/... and /authoring/drills/...
KIND = "<any(scenarios, drills):kind>"
ACTIONS = ("save", "publish")


@dataclass(frozen=True)
class Problem:
    """One error as the editor shows it: in this file at a line, or elsewhere in the course."""

    message: str
    path: str
    line: int | None  # a line of the text box; None for the slug or another file
    elsewhere: str | None  # "modules/02-next.md, line 7" for an error in another file


def problems(kind: Kind, slug: str | None, errors: list[ContentError]) -> list[Problem]:
    """Errors placed: this file's by line (and field path), others by file and line."""
    mine = {practice.filename(kind, slug or "draft"), practice.filename(kind, "draft")}
    placed = []
    for error in errors:
        if error.path == "slug":
            placed.append(Problem(error.message, "slug", None, None))
        elif error.file in mine:
            placed.append(Problem(error.message, error.path, error.line, None))
        else:
            placed.append(
                Problem(
                    error.message,
                    error.path,
                    None,
                    _("%(file)s, line %(line)s", file=error.file, line=error.line),
                )
            )
    return placed


def _owner_or_404(kind: Kind, slug: str):
    owner = practice.find(kind, slug)
    if owner is None:
        abort(404)
    return owner


@bp.route("/practice")
@roles(*EDITORS)
def practice_index():
    """Every scenario and drill set: what learners see, what waits as a draft."""
    return render_template(
        "authoring/practice.html",
        scenarios=practice.rows(SCENARIOS),
        drill_sets=practice.rows(DRILLS),
    )


@bp.route(f"/{KIND}/new", methods=["GET", "POST"])
@roles(*EDITORS)
def practice_new(kind: str):
    """Write a new scenario or drill set, starting from a small example."""
    found = KINDS[kind]
    if request.method == "POST":
        return _submit(found, PracticeForm(), None)
    form = PracticeForm(data={"source": practice.STARTERS[kind]})
    return _page(found, form, None)


@bp.route(f"/{KIND}/<slug>/edit", methods=["GET", "POST"])
@roles(*EDITORS)
def practice_edit(kind: str, slug: str):
    """Edit the newest revision (a draft when one is newer than the published one)."""
    found = KINDS[kind]
    owner = _owner_or_404(found, slug)
    if request.method == "POST":
        return _submit(found, PracticeForm(), owner)
    latest = practice.latest_revision(found, owner)
    return _page(found, PracticeForm(data={"source": latest.source}), owner)


def _submit(kind: Kind, form: PracticeForm, owner):
    """Save a draft or publish; a refusal shows the page again with the text kept (422)."""
    action = request.form.get("action", "preview")
    if action not in ACTIONS:  # the Preview button, for browsers without the live preview
        return _page(kind, form, owner)
    slug = owner.slug if owner else (form.slug.data or "").strip()
    write = practice.publish if action == "publish" else practice.save_draft
    try:
        revision = write(kind, form.text(), slug=slug, actor=current_user, creating=owner is None)
    except ContentErrors as exc:
        db.session.rollback()
        return _page(kind, form, owner, refused=exc.errors), 422
    db.session.commit()
    if action == "publish":
        flash(
            _(
                "Published “%(title)s” as revision %(number)s.",
                title=revision.title,
                number=revision.number,
            ),
            "success",
        )
        return redirect(url_for("authoring.practice_index", _anchor=f"{kind.folder}-{slug}"))
    flash(
        _(
            "Draft saved as revision %(number)s. Learners keep the published revision "
            "until you publish.",
            number=revision.number,
        ),
        "success",
    )
    return redirect(url_for("authoring.practice_edit", kind=kind.folder, slug=slug))


def _checked(kind: Kind, form: PracticeForm, slug: str | None) -> dict:
    """The preview, the problems and the map of what is in the form."""
    text = form.text()
    rendered, errors = practice.preview(kind, text, slug)
    return {"rendered": rendered, "errors": errors, "graph": _graph(kind, text)}


def _graph(kind: Kind, text: str):
    if kind is not SCENARIOS:
        return None
    graph = scenario_graph(text)
    return {"graph": graph, "svg": Markup(map_svg(graph))}  # noqa: S704 - escaped in map_svg


def _page(kind: Kind, form: PracticeForm, owner, *, refused: list[ContentError] | None = None):
    slug = owner.slug if owner else (form.slug.data or "").strip() or None
    shown = _checked(kind, form, slug)
    placed = problems(kind, slug, refused if refused is not None else shown["errors"])
    if refused is not None:
        lines = [p for p in placed if p.line]
        form.source.errors = (
            [
                ngettext(
                    "%(num)d problem in this text: see Problems.",
                    "%(num)d problems in this text: see Problems.",
                    len(lines),
                )
            ]
            if lines
            else []
        )
        form.slug.errors = [p.message for p in placed if p.path == "slug"]
    rows = practice.rows(kind)
    return render_template(
        "authoring/practice_editor.html",
        kind=kind,
        form=form,
        owner=owner,
        row=next((r for r in rows if owner and r.slug == owner.slug), None),
        problems=placed,
        refused=refused is not None,
        rendered=shown["rendered"],
        scenario_map=shown["graph"],
    )


def _to_fix(items: list) -> str:
    if not items:
        return _("No problems found.")
    return ngettext("%(num)d problem to fix.", "%(num)d problems to fix.", len(items))


@bp.route(f"/{KIND}/preview", methods=["POST"])
@roles(*EDITORS)
def practice_preview(kind: str):
    """JSON: the problems by line and path, the preview and (scenarios) the map."""
    found = KINDS[kind]
    form = PracticeForm()
    slug = (form.slug.data or "").strip() or None
    shown = _checked(found, form, slug)
    placed = problems(found, slug, shown["errors"])
    partial = {"kind": found, "problems": placed, "rendered": shown["rendered"]}
    return jsonify(
        ok=not placed,
        errors=[
            {"line": p.line, "path": p.path, "message": p.message, "elsewhere": p.elsewhere}
            for p in placed
        ],
        summary=_to_fix(placed),
        problems_html=render_template("authoring/_practice_problems.html", **partial),
        preview_html=render_template("authoring/_practice_preview.html", **partial),
        map_html=(
            render_template("authoring/_scenario_map.html", scenario_map=shown["graph"])
            if shown["graph"]
            else ""
        ),
    )


@bp.route(f"/{KIND}/<slug>/history")
@roles(*EDITORS)
def practice_history(kind: str, slug: str):
    """Every revision, newest first, with restore as a new draft."""
    found = KINDS[kind]
    owner = _owner_or_404(found, slug)
    revisions = practice.history(found, owner)
    return render_template(
        "authoring/practice_history.html",
        kind=found,
        owner=owner,
        revisions=revisions,
        title=revisions[0][0].title,
        live=owner.published_revision_id,
    )


@bp.route(f"/{KIND}/<slug>/revisions/<int:number>/restore", methods=["POST"])
@roles(*EDITORS)
def practice_restore(kind: str, slug: str, number: int):
    """Start a new draft from an older revision's text; history itself never changes."""
    found = KINDS[kind]
    owner = _owner_or_404(found, slug)
    old = practice.revision(found, owner, number)
    if old is None:
        abort(404)
    try:
        draft = practice.restore(found, owner, old, actor=current_user)
    except ContentErrors as exc:
        db.session.rollback()
        flash(" ".join(error.message for error in exc.errors), "error")
        return redirect(url_for("authoring.practice_history", kind=found.folder, slug=slug))
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
    return redirect(url_for("authoring.practice_edit", kind=found.folder, slug=slug))
