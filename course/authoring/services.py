"""The content lifecycle: import from files, drafts, publishing, history, order, export.

Every function flushes and never commits. Publishing checks the whole course exactly as
`content check` does, so the browser and the files obey the same rules.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

from flask_babel import gettext as _

from course.audit.services import record
from course.authoring.media import media_paths
from course.authoring.prerequisites import requires_loops
from course.authoring.revisions import (
    media_url,
    transcript_url,
    write_course,
    write_drills,
    write_module,
    write_quiz,
    write_scenario,
)
from course.authoring.translations import import_translations, published_translations
from course.catalog.models import CourseRevision, Module, ModuleRevision, Quiz, QuizRevision
from course.catalog.practice import DrillSet, DrillSetRevision, Scenario, ScenarioRevision
from course.content import (
    ContentError,
    ContentErrors,
    CourseBundle,
    ModuleSource,
    QuizSource,
    check_bundle,
    compose_module,
    module_front,
    parse_course,
    parse_drills,
    parse_module,
    parse_quiz,
    parse_scenario,
    render_module,
    write_dir,
)
from course.extensions import db
from course.media.services import captions_cues, locate, read_media


@dataclass
class ImportReport:
    """What an import changed: slugs per outcome."""

    published: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def import_bundle(bundle: CourseBundle, *, actor=None) -> ImportReport:
    """Publish a new revision of every module, quiz and course file whose text changed."""
    report = ImportReport()
    current = current_course_revision()
    if current is None or current.content_hash != bundle.course.content_hash:
        write_course(bundle.course, actor=actor)
        report.published.append("course.yaml")
    else:
        report.unchanged.append("course.yaml")
    published_modules = _published_hashes(Module, ModuleRevision)
    for module in bundle.modules:
        if published_modules.get(module.slug) == module.content_hash:
            report.unchanged.append(module.filename)
        else:
            write_module(module, actor=actor, publish=True)
            report.published.append(module.filename)
    for sources, owner, revision, write in (
        (bundle.quizzes, Quiz, QuizRevision, write_quiz),
        (bundle.scenarios, Scenario, ScenarioRevision, write_scenario),
        (bundle.drills, DrillSet, DrillSetRevision, write_drills),
    ):
        published = _published_hashes(owner, revision)
        for source in sources.values():
            if published.get(source.slug) == source.content_hash:
                report.unchanged.append(source.filename)
            else:
                write(source, actor=actor, publish=True)
                report.published.append(source.filename)
    import_translations(bundle, report, actor=actor)
    return report


def _published_hashes(owner, revision) -> dict[str, str]:
    rows = db.session.execute(
        db.select(owner.slug, revision.content_hash).join(
            revision, owner.published_revision_id == revision.id
        )
    )
    return dict(rows.all())


def current_course_revision() -> CourseRevision | None:
    """The course file in force: the newest revision."""
    return db.session.scalar(db.select(CourseRevision).order_by(CourseRevision.id.desc()).limit(1))


def published_bundle() -> CourseBundle:
    """The published course rebuilt from stored sources (for export and for checks)."""
    course = current_course_revision()
    if course is None:
        raise ContentErrors([ContentError("modules/course.yaml", 1, _("no course imported yet"))])
    modules = [
        parse_module(rev.source, f"modules/{rev.filename}")
        for rev in db.session.scalars(
            db.select(ModuleRevision).join(
                Module, Module.published_revision_id == ModuleRevision.id
            )
        )
    ]
    quizzes = {
        quiz.slug: quiz
        for quiz in (
            parse_quiz(rev.source, f"quizzes/{slug}.yaml")
            for slug, rev in db.session.execute(
                db.select(Quiz.slug, QuizRevision).join(
                    QuizRevision, Quiz.published_revision_id == QuizRevision.id
                )
            )
        )
    }
    ordered = tuple(sorted(modules, key=lambda m: (m.order, m.filename)))
    scenarios = _published_sources(Scenario, ScenarioRevision, "scenarios", parse_scenario)
    drills = _published_sources(DrillSet, DrillSetRevision, "drills", parse_drills)
    return CourseBundle(
        parse_course(course.source),
        ordered,
        dict(sorted(quizzes.items())),
        scenarios,
        drills,
        published_translations(course.content_hash, ordered, quizzes, scenarios, drills),
    )


def _published_sources(owner, revision, folder: str, parse) -> dict:
    rows = db.session.execute(
        db.select(owner.slug, revision.source).join(
            revision, owner.published_revision_id == revision.id
        )
    )
    return {slug: parse(source, f"{folder}/{slug}.yaml") for slug, source in sorted(rows.all())}


def export_dir(root: Path) -> CourseBundle:
    """Write the published course, and the local media it uses, as importable files."""
    bundle = published_bundle()
    write_dir(bundle, root)
    for path in media_paths(bundle):
        found = locate(path.removeprefix("media/"))
        if found is not None:
            target = root / "static" / path
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(found, target)
    return bundle


def check_course(bundle: CourseBundle) -> None:
    """Refuse (ContentErrors) a course that `content check` would refuse."""
    errors = check_bundle(
        bundle.course,
        bundle.modules,
        bundle.quizzes,
        read_media=read_media,
        scenarios=bundle.scenarios,
        drills=bundle.drills,
    )
    if errors:
        raise ContentErrors(errors)


def _with_module(bundle: CourseBundle, module: ModuleSource) -> CourseBundle:
    others = [m for m in bundle.modules if m.slug != module.slug]
    ordered = tuple(sorted([*others, module], key=lambda m: (m.order, m.filename)))
    return replace(bundle, modules=ordered)


def module_filename(order: int, slug: str) -> str:
    """The file name a module is exported under."""
    return f"modules/{order:02d}-{slug}.md"


def parse_module_text(text: str, slug: str | None = None) -> ModuleSource:
    """Parse module text typed in the browser, naming the file after its order and slug."""
    probe = parse_module(text, module_filename(1, slug or "draft"))
    if slug is None or probe.slug == slug:
        return parse_module(text, module_filename(probe.order, probe.slug))
    raise ContentErrors(
        [
            ContentError(
                module_filename(probe.order, probe.slug),
                1,
                _("the slug must stay %(slug)r; create a new module instead", slug=slug),
                "slug",
            )
        ]
    )


def save_module_draft(text: str, *, actor, slug: str | None = None) -> ModuleRevision:
    """Keep a draft (it must parse and form no prerequisite loop, but need not pass the
    whole-course checks yet)."""
    module = parse_module_text(text, slug)
    _refuse_loops(module)
    return write_module(module, actor=actor, publish=False)


def _refuse_loops(module: ModuleSource) -> None:
    """Refuse a module whose ``requires`` leads back to it through the published course."""
    if errors := requires_loops(module, published_bundle().modules):
        raise ContentErrors(errors)


def publish_module(text: str, *, actor, slug: str | None = None) -> ModuleRevision:
    """Publish module text after checking it within the whole published course."""
    module = parse_module_text(text, slug)
    if slug is None and db.session.scalar(db.select(Module.id).where(Module.slug == module.slug)):
        raise ContentErrors(
            [
                ContentError(
                    module.filename,
                    1,
                    _("a module with slug %(slug)r already exists", slug=module.slug),
                    "slug",
                )
            ]
        )
    _refuse_loops(module)
    check_course(_with_module(published_bundle(), module))
    return write_module(module, actor=actor, publish=True)


def restore_module(revision: ModuleRevision, *, actor) -> ModuleRevision:
    """Start a new draft from an older revision's text (history is never rewritten)."""
    module = parse_module(revision.source, f"modules/{revision.filename}")
    return write_module(module, actor=actor, publish=False)


def reorder_modules(slugs: list[str], *, actor) -> list[str]:
    """Give modules new positions (1, 2, 3... in the order given); returns the slugs moved."""
    bundle = published_bundle()
    by_slug = {m.slug: m for m in bundle.modules}
    if sorted(slugs) != sorted(by_slug):
        raise ContentErrors([ContentError("modules", 1, _("the new order must list every module"))])
    moved = []
    for position, slug in enumerate(slugs, start=1):
        module = by_slug[slug]
        if module.order != position:
            front = {**module_front(module), "order": position}
            text = compose_module(front, module.body)
            by_slug[slug] = parse_module(text, module_filename(position, slug))
            moved.append(slug)
    check_course(replace(bundle, modules=tuple(by_slug[s] for s in slugs)))
    for slug in moved:
        write_module(by_slug[slug], actor=actor, publish=True)
    return moved


def parse_quiz_text(text: str, slug: str) -> QuizSource:
    """Parse quiz text from the browser for the module ``slug``."""
    return parse_quiz(text, f"quizzes/{slug}.yaml")


def save_quiz_draft(text: str, *, slug: str, actor) -> QuizRevision:
    """Keep a quiz draft (it must parse)."""
    return write_quiz(parse_quiz_text(text, slug), actor=actor, publish=False)


def publish_quiz(text: str, *, slug: str, actor) -> QuizRevision:
    """Publish a quiz after checking it within the whole published course."""
    quiz = parse_quiz_text(text, slug)
    bundle = published_bundle()
    check_course(replace(bundle, quizzes={**bundle.quizzes, slug: quiz}))
    return write_quiz(quiz, actor=actor, publish=True)


def latest_module_revision(module: Module) -> ModuleRevision:
    """The newest revision of a module, draft or published."""
    return db.session.scalar(
        db.select(ModuleRevision)
        .where(ModuleRevision.module_id == module.id)
        .order_by(ModuleRevision.number.desc())
        .limit(1)
    )


def module_revisions(module: Module) -> list[ModuleRevision]:
    """A module's history, newest first."""
    return list(
        db.session.scalars(
            db.select(ModuleRevision)
            .where(ModuleRevision.module_id == module.id)
            .order_by(ModuleRevision.number.desc())
        )
    )


def filename_of(revision: ModuleRevision) -> str:
    """The module's path inside a course directory."""
    return str(PurePosixPath("modules") / revision.filename)


# --- the browser editor ------------------------------------------------------------------


def create_module(text: str, *, actor, publish: bool) -> ModuleRevision:
    """Start a new module from browser text: published at once, or as its first draft."""
    if publish:
        return publish_module(text, actor=actor)
    module = parse_module_text(text)
    if db.session.scalar(db.select(Module.id).where(Module.slug == module.slug)):
        raise ContentErrors(
            [
                ContentError(
                    module.filename,
                    1,
                    _("a module with slug %(slug)r already exists", slug=module.slug),
                    "slug",
                )
            ]
        )
    return write_module(module, actor=actor, publish=False)


def preview_module(text: str, slug: str | None = None) -> str:
    """The HTML learners would get for this text, rendered exactly as publishing renders it."""
    module = parse_module_text(text, slug)
    return render_module(
        module, media_url=media_url, transcript_url=transcript_url, transcript_of=captions_cues
    ).html


def move_module(slug: str, step: int, *, actor) -> int:
    """Move a published module one place (step -1 up, +1 down); returns its new position."""
    slugs = [m.slug for m in published_bundle().modules]
    if slug not in slugs:
        raise _order_error(
            _("module %(slug)r is not published yet, so it has no place to move", slug=slug)
        )
    index = slugs.index(slug)
    if not 0 <= index + step < len(slugs):
        if step < 0:
            raise _order_error(_("module %(slug)r is already the first module", slug=slug))
        raise _order_error(_("module %(slug)r is already the last module", slug=slug))
    slugs[index], slugs[index + step] = slugs[index + step], slugs[index]
    drafts = {s: draft for s in slugs if (draft := _newer_draft(s)) is not None}
    moved = reorder_modules(slugs, actor=actor)
    for position, other in enumerate(slugs, start=1):
        if other in moved and other in drafts:
            # The draft would otherwise sit under the reordered revision and be shadowed.
            draft = parse_module(drafts[other].source, f"modules/{drafts[other].filename}")
            text = compose_module({**module_front(draft), "order": position}, draft.body)
            write_module(
                parse_module(text, module_filename(position, other)), actor=actor, publish=False
            )
    record("content.reordered", actor=actor, target=f"module:{slug}", order=slugs)
    return index + step + 1


def _order_error(message: str) -> ContentErrors:
    return ContentErrors([ContentError("modules", 1, message)])


def _newer_draft(slug: str) -> ModuleRevision | None:
    module = db.session.scalar(db.select(Module).where(Module.slug == slug))
    latest = latest_module_revision(module) if module else None
    return latest if latest is not None and latest.published_at is None else None


def latest_quiz_revision(slug: str) -> QuizRevision | None:
    """The newest revision of a module's quiz, draft or published."""
    return db.session.scalar(
        db.select(QuizRevision)
        .join(Quiz, Quiz.id == QuizRevision.quiz_id)
        .where(Quiz.slug == slug)
        .order_by(QuizRevision.number.desc())
        .limit(1)
    )
