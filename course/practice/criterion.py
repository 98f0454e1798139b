"""The practice completion criteria: ``scenario: <slug>`` and ``practice: {set, items}``.

Registered with ``course.learning.criteria`` when this package is imported.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import bindparam, distinct, func, select

from course.catalog import DrillSet, Scenario, ScenarioRevision
from course.dbtypes import read_rows
from course.learning.criteria import ChecklistItem, register
from course.practice.models import DrillResponse, ScenarioRun

_FINISHED = (
    select(Scenario.slug, ScenarioRevision.title, func.count(ScenarioRun.ended_at))
    .join(ScenarioRevision, ScenarioRevision.id == Scenario.published_revision_id)
    .outerjoin(
        ScenarioRun,
        (ScenarioRun.scenario_id == Scenario.id) & (ScenarioRun.user_id == bindparam("user_id")),
    )
    .group_by(Scenario.slug, ScenarioRevision.title)
)
_RATED = (
    select(DrillSet.slug, func.count(distinct(DrillResponse.item_id)))
    .join(DrillResponse, DrillResponse.drill_set_id == DrillSet.id)
    .where(DrillResponse.user_id == bindparam("user_id"), DrillResponse.rated_at.is_not(None))
    .group_by(DrillSet.slug)
)


class ScenarioCriterion:
    """``scenario: <slug>``: an ending of that scenario was reached."""

    key = "scenario"

    def standings(self, user_id: int, modules: Sequence[Any]) -> Mapping[str, Any]:
        """Per published scenario: (title, runs that reached an ending)."""
        return {slug: (title, n) for slug, title, n in read_rows(_FINISHED, {"user_id": user_id})}

    def item(self, rule: Any, module: Any, standings: Mapping[str, Any]) -> ChecklistItem:
        """The scenario line of the checklist."""
        title, finished = standings.get(rule, (rule, 0))
        done = finished > 0
        status = _("an ending reached") if done else _("not finished yet")
        label = _("Scenario: %(title)s", title=title)
        return ChecklistItem("scenario", label, status, float(done), done)

    def started(self, module: Any, standings: Mapping[str, Any]) -> bool:
        """Finishing the scenario counts as starting the module."""
        rule = (module.completion or {}).get(self.key)
        return bool(standings.get(rule, (None, 0))[1])


class PracticeCriterion:
    """``practice: {set, items}``: that many items of the set answered and rated."""

    key = "practice"

    def standings(self, user_id: int, modules: Sequence[Any]) -> Mapping[str, Any]:
        """Per drill set: distinct items answered and rated."""
        return dict(read_rows(_RATED, {"user_id": user_id}).all())

    def item(self, rule: Any, module: Any, standings: Mapping[str, Any]) -> ChecklistItem:
        """The practice line of the checklist."""
        need, have = rule["items"], min(standings.get(rule["set"], 0), rule["items"])
        status = _("%(have)d of %(need)d drill items answered and rated", have=have, need=need)
        return ChecklistItem("practice", _("Practice"), status, have / need, have >= need)

    def started(self, module: Any, standings: Mapping[str, Any]) -> bool:
        """A rated drill item counts as starting the module."""
        rule = (module.completion or {}).get(self.key) or {}
        return bool(standings.get(rule.get("set"), 0))


register(ScenarioCriterion())
register(PracticeCriterion())
