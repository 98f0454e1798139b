"""Writing revisions: each one parsed, rendered once, and stored immutably.

Everything here flushes and never commits; the caller decides.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import PurePosixPath
from typing import Any

from sqlalchemy import func

from course import clock
from course.audit.services import record
from course.catalog.models import (
    CourseRevision,
    Module,
    ModuleRevision,
    Quiz,
    QuizRevision,
)
from course.catalog.practice import DrillSet, DrillSetRevision, Scenario, ScenarioRevision
from course.catalog.search_index import index_module
from course.catalog.spec import spec_to_data
from course.catalog.translations import Translation
from course.content import (
    ContentError,
    ContentErrors,
    CourseSpec,
    DrillSetSource,
    ModuleSource,
    QuizSource,
    ScenarioSource,
    render_drills,
    render_module,
    render_quiz,
    render_scenario,
)
from course.extensions import db
from course.media.services import captions_cues, video_duration


def media_url(path: str) -> str:
    """URL of a ``media/...`` path: one route serves uploads and shipped files."""
    return "/" + path


def transcript_url(path: str) -> str:
    """URL of the readable transcript of a ``media/...vtt`` captions file."""
    return "/transcripts/" + path.removeprefix("media/")


def _next_number(model, owner_column, owner_id: int) -> int:
    current = db.session.scalar(db.select(func.max(model.number)).where(owner_column == owner_id))
    return (current or 0) + 1


def _owner(model, slug: str):
    """The Module or Quiz with this slug, created (and flushed) on first use."""
    owner = db.session.scalar(db.select(model).where(model.slug == slug))
    if owner is None:
        owner = model(slug=slug, created_at=clock.now_utc())
        db.session.add(owner)
        db.session.flush()
    return owner


def _store(revision, owner, kind: str, *, actor, publish: bool):
    """Add a new revision; when publishing, put it in force and audit-log that."""
    db.session.add(revision)
    db.session.flush()
    if publish:
        owner.published_revision_id = revision.id
        record(
            "content.published",
            actor=actor,
            target=f"{kind}:{owner.slug}",
            revision=revision.number,
            hash=revision.content_hash,
        )
    return revision


def write_module(source: ModuleSource, *, actor=None, publish: bool) -> ModuleRevision:
    """Store a module revision (rendering its HTML now); publish it when asked."""
    module = _owner(Module, source.slug)
    rendered = render_module(
        source, media_url=media_url, transcript_url=transcript_url, transcript_of=captions_cues
    )
    now = clock.now_utc()
    revision = ModuleRevision(
        module_id=module.id,
        number=_next_number(ModuleRevision, ModuleRevision.module_id, module.id),
        source=source.source,
        content_hash=source.content_hash,
        filename=PurePosixPath(source.filename).name,
        title=source.title,
        order=source.order,
        summary=source.summary,
        estimated_minutes=source.estimated_minutes,
        requires=list(source.requires),
        completion=asdict(source.completion),
        videos=[_video(v) for v in source.videos],
        html=rendered.html,
        toc=[asdict(entry) for entry in rendered.toc],
        word_count=rendered.word_count,
        author_id=getattr(actor, "id", None),
        created_at=now,
        published_at=now if publish else None,
    )
    _store(revision, module, "module", actor=actor, publish=publish)
    if publish:
        index_module(revision)  # the search index follows what is published, nowhere else
    return revision


def _video(video) -> dict[str, Any]:
    return {
        "key": video.key,
        "kind": video.kind,
        "ref": video.ref,
        "title": video.title,
        "captions": video.captions,
        # The server's own idea of its length: read from the file, or given in the block.
        "duration": video_duration(video.ref) if video.kind == "file" else video.duration,
    }


def write_quiz(source: QuizSource, *, actor=None, publish: bool) -> QuizRevision:
    """Store a quiz revision with its Markdown rendered; publish it when asked."""
    quiz = _owner(Quiz, source.slug)
    now = clock.now_utc()
    revision = QuizRevision(
        quiz_id=quiz.id,
        number=_next_number(QuizRevision, QuizRevision.quiz_id, quiz.id),
        source=source.source,
        content_hash=source.content_hash,
        pass_mark=source.pass_mark,
        max_attempts=source.max_attempts,
        shuffle=source.shuffle,
        questions=render_quiz(source)["questions"],
        author_id=getattr(actor, "id", None),
        created_at=now,
        published_at=now if publish else None,
    )
    return _store(revision, quiz, "quiz", actor=actor, publish=publish)


def write_scenario(source: ScenarioSource, *, actor=None, publish: bool) -> ScenarioRevision:
    """Store a scenario revision with every step rendered; publish it when asked."""
    scenario = _owner(Scenario, source.slug)
    now = clock.now_utc()
    rendered = render_scenario(source, media_url=media_url, transcript_url=transcript_url)
    revision = ScenarioRevision(
        scenario_id=scenario.id,
        number=_next_number(ScenarioRevision, ScenarioRevision.scenario_id, scenario.id),
        source=source.source,
        content_hash=source.content_hash,
        title=source.title,
        summary=source.summary,
        start=source.start,
        steps=rendered["steps"],
        author_id=getattr(actor, "id", None),
        created_at=now,
        published_at=now if publish else None,
    )
    return _store(revision, scenario, "scenario", actor=actor, publish=publish)


def write_drills(source: DrillSetSource, *, actor=None, publish: bool) -> DrillSetRevision:
    """Store a drill set revision with its statements rendered; publish it when asked."""
    drill_set = _owner(DrillSet, source.slug)
    now = clock.now_utc()
    rendered = render_drills(source, media_url=media_url, transcript_url=transcript_url)
    revision = DrillSetRevision(
        drill_set_id=drill_set.id,
        number=_next_number(DrillSetRevision, DrillSetRevision.drill_set_id, drill_set.id),
        source=source.source,
        content_hash=source.content_hash,
        title=source.title,
        summary=source.summary,
        min_response_chars=source.min_response_chars,
        second_rater=source.second_rater,
        items=rendered["items"],
        author_id=getattr(actor, "id", None),
        created_at=now,
        published_at=now if publish else None,
    )
    return _store(revision, drill_set, "drills", actor=actor, publish=publish)


def write_course(spec: CourseSpec, *, actor=None) -> CourseRevision:
    """Store (and so put in force) a new version of the course file."""
    revision = CourseRevision(
        source=spec.source,
        content_hash=spec.content_hash,
        spec=spec_to_data(spec),
        author_id=getattr(actor, "id", None),
        created_at=clock.now_utc(),
    )
    db.session.add(revision)
    db.session.flush()
    record("content.published", actor=actor, target="course", hash=spec.content_hash)
    return revision


def write_translation(
    kind: str, source, english_hash: str, language: str, *, actor=None
) -> Translation:
    """Store a translated file for the English text it was checked against, rendered now.

    ``source`` is the parsed translation (a CourseSpec, ModuleSource, QuizSource,
    ScenarioSource or DrillSetSource). A module's headings take the English revision's
    anchors, so each section keeps its identity across languages."""
    slug = "course" if kind == "course" else source.slug
    translation = Translation(
        kind=kind,
        slug=slug,
        language=language,
        english_hash=english_hash,
        source=source.source,
        content_hash=source.content_hash,
        parts=_translated_parts(kind, source, english_hash),
        created_at=clock.now_utc(),
    )
    db.session.add(translation)
    db.session.flush()
    record(
        "content.published",
        actor=actor,
        target=f"{kind}:{slug}",
        language=language,
        hash=source.content_hash,
    )
    if kind == "module":
        published = db.session.scalar(
            db.select(ModuleRevision)
            .join(Module, Module.published_revision_id == ModuleRevision.id)
            .where(Module.slug == slug)
        )
        if published is not None and published.content_hash == english_hash:
            index_module(published)  # the search index holds the translation from now on
    return translation


def _translated_parts(kind: str, source, english_hash: str) -> dict[str, Any]:
    if kind == "course":
        return {"title": source.title, "provider": source.provider}
    if kind == "quiz":
        return {"questions": render_quiz(source)["questions"]}
    if kind == "scenario":
        rendered = render_scenario(source, media_url=media_url, transcript_url=transcript_url)
        return {"title": source.title, "summary": source.summary, "steps": rendered["steps"]}
    if kind == "drills":
        rendered = render_drills(source, media_url=media_url, transcript_url=transcript_url)
        return {"title": source.title, "summary": source.summary, "items": rendered["items"]}
    english = db.session.scalar(
        db.select(ModuleRevision)
        .join(Module, Module.id == ModuleRevision.module_id)
        .where(Module.slug == source.slug, ModuleRevision.content_hash == english_hash)
        .order_by(ModuleRevision.id.desc())
        .limit(1)
    )
    anchors = [entry["anchor"] for entry in english.toc] if english else []
    rendered = render_module(
        source,
        media_url=media_url,
        transcript_url=transcript_url,
        transcript_of=captions_cues,
        anchors=anchors,
    )
    if [entry.anchor for entry in rendered.toc] != anchors:
        raise ContentErrors(
            [
                ContentError(
                    source.filename,
                    1,
                    f"the translation renders {len(rendered.toc)} heading(s) but the English "
                    f"module has {len(anchors)}: sections are matched by position",
                )
            ]
        )
    return {
        "title": source.title,
        "summary": source.summary,
        "html": rendered.html,
        "toc": [asdict(entry) for entry in rendered.toc],
        "videos": [{"title": v.title, "captions": v.captions} for v in source.videos],
        "word_count": rendered.word_count,
    }
