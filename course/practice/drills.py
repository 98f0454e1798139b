"""Rupture-response drills: respond in your own words, then see the criteria and models.

The loop of deliberate practice: a client statement at the learner's level; their own
typed response (stored first); only then the skill criteria and model responses; then a
self-rating per criterion and of the item's difficulty. Two "too hard" ratings in a row
move the level down, two "too easy" move it up; the learner can also pick the level.
There are no time limits.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from course import clock, signals
from course.catalog import DrillSet, DrillSetRevision, localized, published_drills
from course.extensions import db
from course.practice.access import PracticeError, check_open
from course.practice.models import DIFFICULTIES, LEVELS, DrillLevel, DrillResponse

MAX_RESPONSE = 4000
#: Two ratings in a row in the same direction move the level.
IN_A_ROW = 2


@dataclass(frozen=True)
class Practice:
    """A drill set opened for one learner: its revision and their level."""

    slug: str
    revision: DrillSetRevision
    level: str
    level_source: str
    answered: int
    rated: int


def open_set(user, slug: str, language: str = "en") -> Practice:
    """The published set (in ``language`` where it is translated: the items' ids and
    levels are the same), the learner's level and how much they have done."""
    check_open(user, "practice", slug)
    revision = localized("drills", slug, published_drills(slug), language)
    if revision is None:
        raise PracticeError(_("There is no published drill set at this address."), 404)
    state = db.session.get(DrillLevel, (user.id, revision.drill_set_id))
    counts = db.session.execute(
        select(func.count(DrillResponse.id), func.count(DrillResponse.rated_at)).where(
            DrillResponse.user_id == user.id, DrillResponse.drill_set_id == revision.drill_set_id
        )
    ).one()
    level = state.level if state else LEVELS[0]
    return Practice(
        slug, revision, level, state.source if state else "adapted", counts[0], counts[1]
    )


def next_item(user, practice: Practice) -> dict[str, Any]:
    """The item to answer next: at the learner's level, the one they have answered least."""
    answered = dict(
        db.session.execute(
            select(DrillResponse.item_id, func.count(DrillResponse.id))
            .where(
                DrillResponse.user_id == user.id,
                DrillResponse.drill_set_id == practice.revision.drill_set_id,
            )
            .group_by(DrillResponse.item_id)
        ).all()
    )
    items = practice.revision.items
    at_level = [i for i in items if i["level"] == practice.level]
    if not at_level:  # a set with no item at this level: the nearest level that has some
        order = sorted(LEVELS, key=lambda lv: abs(LEVELS.index(lv) - LEVELS.index(practice.level)))
        at_level = next(
            [i for i in items if i["level"] == level]
            for level in order
            if any(i["level"] == level for i in items)
        )
    return min(at_level, key=lambda item: (answered.get(item["id"], 0), items.index(item)))


def public_item(item: dict[str, Any]) -> dict[str, Any]:
    """What the page may show before the learner responds: no criteria, no models."""
    keys = ("id", "level", "kind", "marker", "context", "statement_html", "clip_html")
    return {key: item[key] for key in keys}


def respond(user, slug: str, item_id: str, text: str) -> DrillResponse:
    """Store the learner's own response to an item of the published set; flushes."""
    practice = open_set(user, slug)
    item = practice.revision.item(item_id or "")
    if item is None:
        raise PracticeError(_("That item is not part of this drill set."), 404)
    text = (text or "").replace("\r\n", "\n").strip()
    if "\x00" in text:
        raise PracticeError(_("The response holds a character that cannot be stored."), 400)
    need = practice.revision.min_response_chars
    if len(text) < need:
        raise PracticeError(
            _(
                "Write the response you would give, in your own words: at least %(need)d "
                "characters (you wrote %(count)d).",
                need=need,
                count=len(text),
            ),
            422,
            field="response",
        )
    if len(text) > MAX_RESPONSE:
        raise PracticeError(
            _(
                "Keep the response under %(count)d characters; a spoken reply is short.",
                count=MAX_RESPONSE,
            ),
            422,
            field="response",
        )
    response = DrillResponse(
        user_id=user.id,
        drill_set_id=practice.revision.drill_set_id,
        revision_id=practice.revision.id,
        item_id=item["id"],
        level=item["level"],
        text=text,
        length=len(text),
        created_at=clock.now_utc(),
    )
    db.session.add(response)
    db.session.flush()
    return response


def own_response(
    user, slug: str, response_id: int, language: str = "en"
) -> tuple[DrillResponse, dict[str, Any]]:
    """A stored response of this learner, with its item (criteria and models included),
    in ``language`` where the set is translated."""
    response = db.session.scalar(
        select(DrillResponse)
        .join(DrillSet, DrillSet.id == DrillResponse.drill_set_id)
        .where(
            DrillResponse.id == response_id,
            DrillResponse.user_id == user.id,
            DrillSet.slug == slug,
        )
    )
    if response is None:
        raise PracticeError(_("There is no such response of yours."), 404)
    revision = localized(
        "drills", slug, db.session.get(DrillSetRevision, response.revision_id), language
    )
    return response, revision.item(response.item_id)


def rate(
    user, slug: str, response_id: int, ratings: Mapping[str, str], difficulty: str
) -> DrillResponse:
    """Record the self-ratings (1-5 per criterion) and the difficulty, once; may move the
    level; flushes."""
    check_open(user, "practice", slug)
    response, item = own_response(user, slug, response_id)
    if response.rated_at is not None:
        raise PracticeError(_("You have already rated this response."))
    scores: dict[str, int] = {}
    for criterion in item["criteria"]:
        raw = (ratings.get(criterion["id"]) or "").strip()
        if raw not in ("1", "2", "3", "4", "5"):
            raise PracticeError(
                _("Rate your response from 1 to 5 on: %(criterion)s.", criterion=criterion["text"]),
                422,
            )
        scores[criterion["id"]] = int(raw)
    if difficulty not in DIFFICULTIES:
        raise PracticeError(_("Say whether the item was too easy, about right or too hard."), 422)
    response.ratings, response.difficulty = scores, difficulty
    response.rated_at = clock.now_utc()
    db.session.flush()
    _adapt(user, response)
    signals.drill_rated.send(user, drill_set=slug, item=response.item_id, response_id=response.id)
    return response


def _adapt(user, response: DrillResponse) -> None:
    state = db.session.get(DrillLevel, (user.id, response.drill_set_id))
    since = state.changed_at if state else None
    query = (
        select(DrillResponse.difficulty)
        .where(
            DrillResponse.user_id == user.id,
            DrillResponse.drill_set_id == response.drill_set_id,
            DrillResponse.rated_at.is_not(None),
        )
        .order_by(DrillResponse.rated_at.desc(), DrillResponse.id.desc())
        .limit(IN_A_ROW)
    )
    if since is not None:
        query = query.where(DrillResponse.rated_at > since)
    recent = list(db.session.scalars(query))
    if len(recent) < IN_A_ROW or len(set(recent)) != 1 or recent[0] == "about_right":
        return
    current = LEVELS.index(state.level if state else LEVELS[0])
    step = -1 if recent[0] == "too_hard" else 1
    target = min(max(current + step, 0), len(LEVELS) - 1)
    _set_level(user.id, response.drill_set_id, LEVELS[target], "adapted")


def _set_level(user_id: int, drill_set_id: int, level: str, source: str) -> None:
    state = db.session.get(DrillLevel, (user_id, drill_set_id))
    if state is None:
        state = DrillLevel(user_id=user_id, drill_set_id=drill_set_id)
        db.session.add(state)
    state.level, state.source, state.changed_at = level, source, clock.now_utc()
    db.session.flush()


def choose_level(user, slug: str, level: str) -> None:
    """The learner picks the level of the next items; flushes."""
    practice = open_set(user, slug)
    if level not in LEVELS:
        raise PracticeError(
            _("Choose one of the levels: %(levels)s.", levels=", ".join(LEVELS)), 400
        )
    _set_level(user.id, practice.revision.drill_set_id, level, "learner")


def practice_log(
    user, slug: str, language: str = "en"
) -> tuple[Practice, list[tuple[DrillResponse, dict]]]:
    """Every response of this learner to the set, newest first, beside its item (in
    ``language`` where translated)."""
    practice = open_set(user, slug, language)
    responses = db.session.scalars(
        select(DrillResponse)
        .where(
            DrillResponse.user_id == user.id,
            DrillResponse.drill_set_id == practice.revision.drill_set_id,
        )
        .order_by(DrillResponse.id.desc())
    ).all()
    revisions = {
        r.id: localized("drills", slug, r, language)
        for r in db.session.scalars(
            select(DrillSetRevision).where(
                DrillSetRevision.id.in_({x.revision_id for x in responses} or {-1})
            )
        )
    }
    return practice, [(r, revisions[r.revision_id].item(r.item_id) or {}) for r in responses]
