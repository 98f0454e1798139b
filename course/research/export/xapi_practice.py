"""The practice statements of xapi.jsonl: scenario choices and endings, drill responses.

Every statement describes something that never changes once it happened, so its id
stays true: a choice is ``answered`` when made and a run ``completed`` at its ending; a
drill response is ``attempted`` when stored and ``answered`` once the therapist rated it
(the ratings arrive later, so they get a statement of their own rather than changing
one already sent). What a therapist typed never goes into a statement: only its length.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import func, select

from course.practice.models import DrillResponse
from course.research.export.context import stream
from course.research.export.practice import (
    choice_query,
    ending_of,
    mean,
    ordered_ratings,
    practice_content,
)
from course.research.export.xapi import ACTIVITY, Builder, Statement, duration, wanted

SCENARIO = ACTIVITY + "simulation"
DRILL_SET = ACTIVITY + "performance"
INTERACTION = ACTIVITY + "cmi.interaction"


def scenarios(b: Builder) -> Iterator[Statement]:
    """``answered`` per choice (under its scenario); ``completed`` when a run ends."""
    ctx = b.ctx
    content = practice_content(ctx)
    ext = f"{b.base}/xapi/extensions/"
    for row in stream(choice_query(ctx)):
        person = ctx.people.get(row.user_id)
        if person is None:
            continue
        slug, title = content.scenarios.get(row.scenario_id, ("", ""))
        path = f"/practice/scenarios/{slug}"
        target = b.activity(f"{path}/steps/{row.step_id}/choices/{row.choice_id}", INTERACTION)
        yield b.statement(
            ("choice", row.run_id, row.position), person, "answered", target, row.at,
            result={
                "response": row.choice_id,
                "extensions": {f"{ext}points": row.points, f"{ext}total-points": row.total,
                               f"{ext}tags": list(row.tags or ()), f"{ext}run": row.number},
            },
            parent=(path, SCENARIO, title), language=row.language,
        )  # fmt: skip
        ending = ending_of(row)
        if ending and wanted(ctx.filters, row.ended_at):
            yield b.statement(
                ("scenario-run", row.run_id), person, "completed",
                b.activity(path, SCENARIO, title), row.ended_at,
                result={
                    "completion": True,
                    "duration": duration((row.ended_at - row.started_at).total_seconds()),
                    "extensions": {f"{ext}ending": ending, f"{ext}total-points": row.total,
                                   f"{ext}run": row.number},
                },
                language=row.language,  # the choice that reached the ending
            )  # fmt: skip


def _responses(b: Builder):
    """Responses with a statement in scope: stored or rated inside the filters."""
    f = b.ctx.filters
    latest = func.coalesce(DrillResponse.rated_at, DrillResponse.created_at)
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
            DrillResponse.language,
        )
        .where(*b.ctx.only_people(DrillResponse.user_id))
        .order_by(DrillResponse.id)
    )
    if f.start_at is not None:
        query = query.where(latest >= f.start_at)
    if f.end_before is not None:
        query = query.where(DrillResponse.created_at < f.end_before)
    if f.since is not None:
        query = query.where(latest >= f.since)
    return query


def drills(b: Builder) -> Iterator[Statement]:
    """``attempted`` when a response is stored; ``answered`` with the self-ratings once rated."""
    ctx = b.ctx
    content = practice_content(ctx)
    ext = f"{b.base}/xapi/extensions/"
    for row in stream(_responses(b)):
        person = ctx.people.get(row.user_id)
        if person is None:
            continue
        slug, title = content.drill_sets.get(row.drill_set_id, ("", ""))
        path = f"/practice/drills/{slug}"
        target = b.activity(f"{path}/items/{row.item_id}", INTERACTION)
        parent = (path, DRILL_SET, title)
        key = ("drill-response", row.id)
        facts = {f"{ext}response-length": row.length, f"{ext}level": row.level}
        if wanted(ctx.filters, row.created_at):
            yield b.statement(
                key, person, "attempted", target, row.created_at,
                result={"extensions": facts}, parent=parent, language=row.language,
            )  # fmt: skip
        if row.rated_at is None or not wanted(ctx.filters, row.rated_at):
            continue
        item = content.items.get((row.revision_id, row.item_id))
        ratings = ordered_ratings(row.ratings, item.criteria if item else ())
        average = mean(score for _, score in ratings)
        yield b.statement(
            key, person, "answered", target, row.rated_at,
            result={
                "completion": True,
                "extensions": {
                    **facts,
                    f"{ext}self-ratings": dict(ratings),
                    f"{ext}mean-self-rating": None if average is None else round(average, 2),
                    f"{ext}difficulty": row.difficulty,
                },
            },
            parent=parent, language=row.language,
        )  # fmt: skip
