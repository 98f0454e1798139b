"""scenario_choices.csv (one row per choice) and drill_responses.csv (one row per response).

Both point at the revision the learner played or answered, by number and content hash.
What a therapist typed in a drill is free text: it leaves the database only when a
researcher asks for free text, and the column is empty otherwise (as in
survey_responses.csv, the columns never change with the filters).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TextIO

from sqlalchemy import func, null, select

from course.catalog import DrillSet, DrillSetRevision, Scenario, ScenarioRevision
from course.extensions import db
from course.practice.models import DrillResponse, ScenarioChoice, ScenarioRun
from course.research.export.context import (
    ExportContext,
    RevisionInfo,
    iso,
    number,
    stream,
    write_csv,
)
from course.research.export.tables import REGISTRY

SCENARIO_CHOICES = REGISTRY.header("scenario_choices.csv")
DRILL_RESPONSES = REGISTRY.header("drill_responses.csv")


@dataclass(frozen=True)
class DrillItem:
    """What the export says about one item of one drill set revision."""

    kind: str
    marker: str
    criteria: tuple[str, ...]


@dataclass(frozen=True)
class PracticeContent:
    """Scenarios and drill sets: slugs, titles, every revision, and the items' facts."""

    scenarios: dict[int, tuple[str, str]]  # scenario id -> (slug, published title)
    scenario_revisions: dict[int, RevisionInfo]
    drill_sets: dict[int, tuple[str, str]]  # drill set id -> (slug, published title)
    drill_revisions: dict[int, RevisionInfo]
    items: dict[tuple[int, str], DrillItem]  # (revision id, item id) -> facts
    #: Criterion ids of the published drill sets, sorted (one REDCap variable each).
    published_criteria: tuple[str, ...]


def _revisions(model, parent) -> dict[int, RevisionInfo]:
    query = select(model.id, parent, model.number, model.content_hash, model.published_at)
    return {row[0]: RevisionInfo(*row) for row in db.session.execute(query)}


def _titles(model, revision) -> dict[int, tuple[str, str]]:
    query = select(model.id, model.slug, revision.title).outerjoin(
        revision, revision.id == model.published_revision_id
    )
    return {pid: (slug, title or slug) for pid, slug, title in db.session.execute(query)}


def load_practice() -> PracticeContent:
    """The small practice lookups, read once per export."""
    drill_sets = _titles(DrillSet, DrillSetRevision)
    published = set(db.session.scalars(select(DrillSet.published_revision_id)))
    items: dict[tuple[int, str], DrillItem] = {}
    criteria: set[str] = set()
    query = select(DrillSetRevision.id, DrillSetRevision.items)
    for revision_id, content in db.session.execute(query):
        for item in content or ():
            ids = tuple(c["id"] for c in item.get("criteria", ()))
            items[revision_id, item["id"]] = DrillItem(item["kind"], item["marker"], ids)
            if revision_id in published:
                criteria.update(ids)
    return PracticeContent(
        _titles(Scenario, ScenarioRevision),
        _revisions(ScenarioRevision, ScenarioRevision.scenario_id),
        drill_sets,
        _revisions(DrillSetRevision, DrillSetRevision.drill_set_id),
        items,
        tuple(sorted(criteria)),
    )


def practice_content(ctx: ExportContext) -> PracticeContent:
    """The export's practice lookups (loaded the first time a writer asks)."""
    return ctx.once("practice", load_practice)


# --- scenario_choices.csv -------------------------------------------------------------


def choice_query(ctx: ExportContext):
    """Choices in scope, run by run along each path (also read by the xAPI writer).

    The running total is a window over the whole run, computed before the date filters
    apply, so a choice's total is right even when earlier choices are out of range.
    """
    f = ctx.filters
    total = func.sum(ScenarioChoice.points).over(
        partition_by=ScenarioChoice.run_id, order_by=ScenarioChoice.position
    )
    every = (
        select(
            ScenarioRun.id.label("run_id"),
            ScenarioRun.user_id,
            ScenarioRun.scenario_id,
            ScenarioRun.revision_id,
            ScenarioRun.number,
            ScenarioChoice.position,
            ScenarioChoice.step_id,
            ScenarioChoice.choice_id,
            ScenarioChoice.tags,
            ScenarioChoice.points,
            total.label("total"),
            ScenarioChoice.at,
            ScenarioRun.position.label("run_position"),
            ScenarioRun.current_step,
            ScenarioRun.started_at,
            ScenarioRun.ended_at,
            ScenarioChoice.language,
        )
        .join(ScenarioRun, ScenarioRun.id == ScenarioChoice.run_id)
        .where(*ctx.only_people(ScenarioRun.user_id))
        .subquery("every_choice")
    )
    query = select(every).where(*f.in_range(every.c.at)).order_by(every.c.run_id, every.c.position)
    if f.since is not None:
        query = query.where(every.c.at >= f.since)  # a choice never changes once made
    return query


def ending_of(row) -> str | None:
    """The ending step a choice row reached: its run's end, when it was the run's last."""
    if row.ended_at is not None and row.position == row.run_position:
        return row.current_step
    return None


def scenario_choices(ctx: ExportContext, out: TextIO) -> int:
    """One row per choice, with the run's points after it and the ending it reached."""
    content = practice_content(ctx)

    def rows():
        for row in stream(choice_query(ctx)):
            person = ctx.people.get(row.user_id)
            if person is None:
                continue
            slug = content.scenarios.get(row.scenario_id, ("", ""))[0]
            revision = content.scenario_revisions.get(row.revision_id)
            ending = ending_of(row)
            yield (
                person.study_id, person.arm, slug, row.number, row.position, row.step_id,
                row.choice_id, ";".join(row.tags or ()), row.points, row.total,
                "1" if ending else "0", ending or "", iso(row.at),
                revision.number if revision else "", revision.content_hash if revision else "",
                row.language,
            )  # fmt: skip

    return write_csv(out, SCENARIO_CHOICES, rows())


# --- drill_responses.csv --------------------------------------------------------------


def response_query(ctx: ExportContext, *, text: bool = False):
    """Responses in scope, oldest first; the typed text only when ``text`` is asked for."""
    f = ctx.filters
    query = (
        select(
            DrillResponse.id,
            DrillResponse.user_id,
            DrillResponse.drill_set_id,
            DrillResponse.revision_id,
            DrillResponse.item_id,
            DrillResponse.level,
            DrillResponse.length,
            DrillResponse.created_at,
            DrillResponse.ratings,
            DrillResponse.difficulty,
            DrillResponse.rated_at,
            (DrillResponse.text if text else null()).label("text"),
            DrillResponse.language,
        )
        .where(*ctx.only_people(DrillResponse.user_id), *f.in_range(DrillResponse.created_at))
        .order_by(DrillResponse.id)
    )
    if f.since is not None:
        changed = func.coalesce(DrillResponse.rated_at, DrillResponse.created_at)
        query = query.where(changed >= f.since)
    return query


def ordered_ratings(
    ratings: Mapping[str, Any] | None, criteria: Iterable[str]
) -> list[tuple[str, int]]:
    """Self-ratings in the item's criterion order (any others after, by id)."""
    ratings = ratings or {}
    order = [c for c in criteria if c in ratings]
    order += sorted(set(ratings) - set(order))
    return [(c, ratings[c]) for c in order]


def mean(values: Iterable[float]) -> float | None:
    """The arithmetic mean; None for no values."""
    values = list(values)
    return sum(values) / len(values) if values else None


def drill_responses(ctx: ExportContext, out: TextIO) -> int:
    """One row per response: the self-ratings once rated, the text only when asked for."""
    content = practice_content(ctx)
    query = response_query(ctx, text=ctx.filters.include_free_text)

    def rows():
        for row in stream(query):
            person = ctx.people.get(row.user_id)
            if person is None:
                continue
            item = content.items.get((row.revision_id, row.item_id))
            revision = content.drill_revisions.get(row.revision_id)
            ratings = ordered_ratings(row.ratings, item.criteria if item else ())
            yield (
                person.study_id, person.arm, content.drill_sets.get(row.drill_set_id, ("", ""))[0],
                row.item_id, row.level, row.id, item.kind if item else "",
                item.marker if item else "",
                ";".join(f"{c}={score}" for c, score in ratings),
                number(mean(score for _, score in ratings), 2), row.difficulty or "",
                row.length, iso(row.created_at), iso(row.rated_at),
                revision.number if revision else "", revision.content_hash if revision else "",
                row.text or "", row.language,
            )  # fmt: skip

    return write_csv(out, DRILL_RESPONSES, rows())
