"""Course content in the browser: the module list, the module editor and its live preview."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import PurePosixPath
from typing import Any

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from course.authoring import overview, services
from course.authoring.forms import ModuleForm, module_fields
from course.authoring.translations import translation_notes
from course.catalog.models import Module
from course.content import ContentError, ContentErrors, compose_module, parse_module
from course.content.errors import steps
from course.content.modules import default_slug, split_front_matter
from course.extensions import db
from course.web.access import roles

bp = Blueprint("authoring", __name__, url_prefix="/authoring")
EDITORS = ("trainer", "admin")
#: Front-matter keys, each the name of its form field.
FRONT_FIELDS = (
    "title",
    "slug",
    "order",
    "summary",
    "estimated_minutes",
    "requires",
    "min_seconds",
    "video_percent",
    "transcript_percent",
    "quiz",
    "scenario",
    "practice_set",
    "practice_items",
)


def module_or_404(slug: str) -> Module:
    """The module with this slug, or a 404 page."""
    return db.first_or_404(db.select(Module).where(Module.slug == slug))


def field_named(error: ContentError, keys: Iterable[str]) -> str | None:
    """The form field an error's path names (``completion.min_seconds`` -> ``min_seconds``)."""
    named = [step for step in steps(error.path) if isinstance(step, str)]
    if named[-2:-1] == ["practice"]:  # completion.practice.set -> practice_set
        named[-1] = f"practice_{named[-1]}"
    elif named and named[-1] == "practice":
        named[-1] = "practice_set"
    return named[-1] if named and named[-1] in tuple(keys) else None


@bp.route("/")
@roles(*EDITORS)
def index():
    """The modules in course order: status, drafts, and links to change them."""
    return render_template("authoring/index.html", rows=overview.module_rows())


@bp.route("/modules/<slug>/move", methods=["POST"])
@roles(*EDITORS)
def move(slug: str):
    """Move a published module one place up or down (each moved module is republished)."""
    module_or_404(slug)
    step = {"up": -1, "down": 1}.get(request.form.get("direction", ""))
    if step is None:
        abort(400, _("Choose Move up or Move down."))
    try:
        position = services.move_module(slug, step, actor=current_user)
    except ContentErrors as exc:
        db.session.rollback()
        flash(" ".join(error.message for error in exc.errors), "error")
    else:
        db.session.commit()
        flash(
            _(
                "Moved %(slug)s to position %(position)s. Learners see the new order now.",
                slug=slug,
                position=position,
            ),
            "success",
        )
    return redirect(url_for("authoring.index", _anchor=f"module-{slug}"))


@bp.route("/modules/new", methods=["GET", "POST"])
@roles(*EDITORS)
def new():
    """Create a module: preview it, keep it as a draft, or publish it."""
    if request.method == "GET":
        rows = overview.module_rows()
        form = ModuleForm(data={"order": str(max((r.order for r in rows), default=0) + 1)})
        return _editor(form, None, preview="")
    return _submit(ModuleForm(), None)


@bp.route("/modules/<slug>/edit", methods=["GET", "POST"])
@roles(*EDITORS)
def edit(slug: str):
    """Edit a module, starting from its newest revision (a draft when one is newer)."""
    module = module_or_404(slug)
    latest = services.latest_module_revision(module)
    if request.method == "POST":
        form = ModuleForm()
        written = split_front_matter(latest.source)
        form.written_front = None if isinstance(written, str) else written.yaml
        return _submit(form, slug)
    source = parse_module(latest.source, f"modules/{latest.filename}")
    return _editor(ModuleForm(data=module_fields(source)), slug, preview=latest.html)


def _submit(form: ModuleForm, slug: str | None):
    """Preview, save or publish what was typed; on errors show them beside what was typed."""
    action = request.form.get("action", "preview")
    target = slug or (form.slug.data or "").strip() or None
    if action not in ("save", "publish"):
        html, errors = _preview(form, target)
        if errors:
            return _refused(form, slug, target, errors, html)
        return _editor(form, slug, preview=html)
    text = form.text(target)
    try:
        if target is None:
            missing = ContentError("modules/01-draft.md", 1, _no_slug(), "slug")
            raise ContentErrors([missing, *_preview(form, None)[1]])
        if slug is None:
            revision = services.create_module(text, actor=current_user, publish=action == "publish")
        elif action == "publish":
            revision = services.publish_module(text, actor=current_user, slug=slug)
        else:
            revision = services.save_module_draft(text, actor=current_user, slug=slug)
    except ContentErrors as exc:
        db.session.rollback()
        return _refused(form, slug, target, exc.errors, _preview(form, target)[0])
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
        return redirect(url_for("authoring.index", _anchor=f"module-{revision.module.slug}"))
    flash(
        _(
            "Draft saved as revision %(number)s. Learners still see the published "
            "revision until you publish.",
            number=revision.number,
        ),
        "success",
    )
    return redirect(url_for("authoring.edit", slug=revision.module.slug))


def _refused(
    form: ModuleForm,
    slug: str | None,
    target: str | None,
    errors: list[ContentError],
    html: str | None,
):
    """The editor again with what was typed, each error beside its field (status 422)."""
    summary = place_errors(form, errors, target, creating=slug is None)
    return _editor(form, slug, preview=html, summary=summary), 422


def _preview(form: ModuleForm, slug: str | None) -> tuple[str | None, list[ContentError]]:
    """The rendered module and its problems; with bad fields, the body alone is rendered."""
    try:
        return services.preview_module(form.text(slug), slug), []
    except ContentErrors as exc:
        errors = exc.errors
    try:
        # Front matter does not change the HTML, so stand-ins let the body show meanwhile.
        html = services.preview_module(compose_module(PREVIEW_FRONT, form.body_text()))
    except ContentErrors:
        html = None
    return html, errors


def _no_slug() -> str:
    return _("'slug' must not be empty: choose one such as detecting-withdrawal")


PREVIEW_FRONT = {"title": "Preview", "order": 1, "summary": "Preview", "estimated_minutes": 1}


def _editor(
    form: ModuleForm,
    slug: str | None,
    *,
    preview: str | None,
    summary: list[tuple[str, str]] | None = None,
):
    """The editor page: the form, what the module's state is, and the preview."""
    rows = overview.module_rows()
    current = next((r for r in rows if r.slug == slug), None)
    choices = [(r.slug, r.title) for r in rows if r.slug != slug]
    known = {value for value, _ in choices}
    choices += [(value, value) for value in form.requires.data or [] if value not in known]
    published = module_or_404(slug).published if slug else None
    return render_template(
        "authoring/editor.html",
        form=form,
        slug=slug,
        row=current,
        choices=choices,
        preview=None if preview is None else Markup(preview),  # noqa: S704 - sanitized render
        summary=summary or [],
        translations=translation_notes("module", slug, published),
    )


def _is_this_module(file: str, slug: str | None) -> bool:
    name = PurePosixPath(file).name
    # Text is parsed as 01-draft.md until its slug is known (services.parse_module_text).
    return name.endswith(f"-{slug or 'draft'}.md") or name == "01-draft.md"


#: A module's file as checks name it; the browser shows the module's title instead.
_MODULE_FILE = re.compile(r"modules/[0-9]+-(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)\.md")


def _named(match: re.Match, titles: dict[str, str]) -> str:
    title = titles.get(match["slug"])
    return _("the module “%(title)s”", title=title) if title else match[0]


def _elsewhere(file: str, titles: dict[str, str]) -> str:
    """Where an error in another file is, as the browser shows it: by module title."""
    path = PurePosixPath(file)
    slug = default_slug(path.name) if path.parent.name == "modules" else path.stem
    if path.parent.name == "modules" and slug in titles:
        return _("In the module “%(title)s”", title=titles[slug])
    if path.parent.name == "quizzes" and slug in titles:
        return _("In the quiz of “%(title)s”", title=titles[slug])
    return _("In %(file)s", file=file)


def place_errors(
    form: ModuleForm, errors: list[ContentError], slug: str | None, *, creating: bool
) -> list[tuple[str, str]]:
    """Put each error beside its field (or the body, by line); return the summary entries."""
    offset = form.body_offset(slug)
    keys = [k for k in FRONT_FIELDS if creating or k != "slug"]
    summary: list[tuple[str, str]] = []
    titles = {row.slug: row.title for row in overview.module_rows()}
    for error in errors:
        ours = _is_this_module(error.file, slug)
        message = _MODULE_FILE.sub(lambda m: _named(m, titles), error.message)
        if ours and error.line > offset:
            text = _("line %(line)s: %(message)s", line=error.line - offset, message=message)
            form.body.errors = [*form.body.errors, text]
            summary.append((form.body.id, f"{form.body.label.text}, {text}"))
            continue
        text = message if ours else f"{_elsewhere(error.file, titles)}: {message}"
        key = field_named(error, keys)
        if key is None:
            summary.append(("", text))
            continue
        field = form[key]
        field.errors = [*field.errors, text]
        summary.append((field.id, f"{field.label.text}: {text}"))
    return summary


def _json_error(error: ContentError, form: ModuleForm, slug: str | None) -> dict[str, Any]:
    offset = form.body_offset(slug)
    if _is_this_module(error.file, slug) and error.line > offset:
        return {"line": error.line - offset, "field": "body", "message": error.message}
    return {"line": None, "field": field_named(error, FRONT_FIELDS), "message": error.message}


@bp.route("/preview", methods=["POST"])
@roles(*EDITORS)
def preview():
    """JSON: the HTML learners would see for the editor's fields, or what is wrong."""
    form = ModuleForm()
    slug = (form.slug.data or "").strip() or None
    html, errors = _preview(form, slug)
    return jsonify(html=html or "", errors=[_json_error(e, form, slug) for e in errors])


# The other authoring pages register their routes on ``bp`` when imported.
from course.authoring import (  # noqa: E402, F401
    history_views,
    media_views,
    practice_views,
    quiz_views,
)
