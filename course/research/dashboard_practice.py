"""The dashboard's practice numbers: endings and choices per scenario, drill items by level.

Four queries whatever the number of scenarios, steps or drill sets: the published
practice (two), then one GROUP BY for scenario choices and endings and one for rated drill
items, each joined in SQL to the included participants (the kept participant rows).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html import unescape
from typing import Any

from sqlalchemy import case, func, select

from course.catalog import published_practice
from course.extensions import db
from course.practice.models import LEVELS, DrillResponse, ScenarioChoice, ScenarioRun
from course.research.aggregates import ParticipantSummary as People
from course.research.filters import Filters

_TAGS = re.compile(r"<[^>]*>")


def _plain(html: str) -> str:
    """Rendered inline text as plain text, for a chart's label."""
    return " ".join(unescape(_TAGS.sub("", html)).split())


@dataclass(frozen=True)
class ScenarioNumbers:
    """One published scenario: who reached which ending, and the choices at each step."""

    slug: str
    title: str
    #: (ending step id, ending title, participants who reached it, runs that reached it)
    endings: list[tuple[str, str, int, int]]
    #: (step id, [(choice id, times taken)]) in the file's order
    steps: list[tuple[str, list[tuple[str, int]]]]
    #: each (step id, choice id) of the published revision: the choice's text
    choice_texts: dict[tuple[str, str], str] = field(default_factory=dict)

    @property
    def choices_made(self) -> int:
        """Every choice counted in ``steps``."""
        return sum(n for _, taken in self.steps for _, n in taken)

    @property
    def runs_ended(self) -> int:
        """Runs that reached any ending."""
        return sum(runs for _, _, _, runs in self.endings)


@dataclass(frozen=True)
class DrillNumbers:
    """One published drill set: per level, items done, participants and rated responses."""

    slug: str
    title: str
    #: (level, items done (participant and item pairs), participants, rated responses)
    levels: list[tuple[str, int, int, int]]

    @property
    def rated(self) -> int:
        """Rated responses at every level."""
        return sum(n for _, _, _, n in self.levels)


def practice_numbers(
    filters: Filters, included: list
) -> tuple[list[ScenarioNumbers], list[DrillNumbers]]:
    """The scenario and drill figures for the included people (``included``: conditions on
    the kept participant rows) and the date range."""
    scenarios, drill_sets = published_practice()
    return _scenarios(filters, included, scenarios), _drills(filters, included, drill_sets)


def _ordered(known: list[str], counted: Any) -> list[str]:
    """The ids the content lists, then any others counted (from older revisions), sorted."""
    return known + sorted(set(counted) - set(known))


def _scenarios(filters: Filters, included, published) -> list[ScenarioNumbers]:
    # A run ends with its last choice (a run cannot end before its first), so one GROUP BY
    # over the choices gives both figures; the ending is dated by that choice.
    ending = case(
        (
            ScenarioRun.ended_at.is_not(None) & (ScenarioChoice.position == ScenarioRun.position),
            ScenarioRun.current_step,
        )
    )
    key = (ScenarioRun.user_id, ScenarioRun.scenario_id, ScenarioChoice.step_id)
    reached: Counter = Counter()
    learners: dict[tuple[int, str], set[int]] = defaultdict(set)
    taken: dict[tuple[int, str], Counter] = defaultdict(Counter)
    for user_id, scenario_id, step, choice, ended, n in db.session.execute(
        select(*key, ScenarioChoice.choice_id, ending, func.count())
        .join(ScenarioRun, ScenarioRun.id == ScenarioChoice.run_id)
        .join(People, People.user_id == ScenarioRun.user_id)
        .where(*included, *filters.in_range(ScenarioChoice.at))
        .group_by(*key, ScenarioChoice.choice_id, ending)
    ):
        taken[scenario_id, step][choice] += n
        if ended is not None:
            reached[scenario_id, ended] += n
            learners[scenario_id, ended].add(user_id)
    out = []
    for slug, revision in published:
        sid = revision.scenario_id
        titles = {s["id"]: s["ending"]["title"] for s in revision.steps if s.get("ending")}
        reached_here = [step for (scenario, step) in reached if scenario == sid]
        endings = [
            (step, titles.get(step, step), len(learners[sid, step]), reached[sid, step])
            for step in _ordered(list(titles), reached_here)
        ]
        offered = {s["id"]: [c["id"] for c in s["choices"]] for s in revision.steps if s["choices"]}
        chosen = [step for (scenario, step) in taken if scenario == sid]
        steps = [
            (
                step,
                [
                    (choice, taken[sid, step][choice])
                    for choice in _ordered(offered.get(step, []), taken[sid, step])
                ],
            )
            for step in _ordered(list(offered), chosen)
        ]
        texts = {
            (s["id"], c["id"]): _plain(c.get("text_html", ""))
            for s in revision.steps
            for c in s["choices"] or ()
        }
        out.append(ScenarioNumbers(slug, revision.title, endings, steps, texts))
    return out


def _drills(filters: Filters, included, published) -> list[DrillNumbers]:
    pairs: dict[tuple[int, str], set[tuple[int, str]]] = defaultdict(set)
    learners: dict[tuple[int, str], set[int]] = defaultdict(set)
    rated: Counter = Counter()
    for user_id, set_id, level, item, n in db.session.execute(
        select(
            DrillResponse.user_id,
            DrillResponse.drill_set_id,
            DrillResponse.level,
            DrillResponse.item_id,
            func.count(),
        )
        .join(People, People.user_id == DrillResponse.user_id)
        .where(DrillResponse.rated_at.is_not(None), *included)
        .where(*filters.in_range(DrillResponse.rated_at))
        .group_by(
            DrillResponse.user_id,
            DrillResponse.drill_set_id,
            DrillResponse.level,
            DrillResponse.item_id,
        )
    ):
        pairs[set_id, level].add((user_id, item))
        learners[set_id, level].add(user_id)
        rated[set_id, level] += n
    return [
        DrillNumbers(
            slug,
            revision.title,
            [
                (
                    level,
                    len(pairs[revision.drill_set_id, level]),
                    len(learners[revision.drill_set_id, level]),
                    rated[revision.drill_set_id, level],
                )
                for level in LEVELS
            ],
        )
        for slug, revision in published
    ]
