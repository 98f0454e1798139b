"""Playing a branching scenario: resume where you left off, choose, reach an ending.

A run is played on the revision it started on. Every choice is kept. The page sends the
position it was drawn at, and the server takes a choice only when that position is the
run's next one and the choice is offered at the run's current step, under a row lock: a
second tab, a replayed form or a forged id changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext
from sqlalchemy import func, select

from course import clock, signals
from course.catalog import Scenario, ScenarioRevision, localized, published_scenario
from course.extensions import db
from course.practice.access import PracticeError, check_open
from course.practice.models import ScenarioChoice, ScenarioRun

#: A branch step is followed at once; a file could chain them, but never loop (checked
#: on import: every loop has a way out through a choice), so this bound is never met.
MAX_BRANCH_HOPS = 100


@dataclass(frozen=True)
class Taken:
    """A choice already made, as shown on the path so far."""

    position: int
    step: dict[str, Any]
    choice: dict[str, Any]


@dataclass(frozen=True)
class RunView:
    """What the scenario page shows: the run, its path so far and where it stands."""

    slug: str
    revision: ScenarioRevision
    run: ScenarioRun
    path: tuple[Taken, ...]
    step: dict[str, Any]
    runs: int

    @property
    def ended(self) -> bool:
        """True once an ending is reached."""
        return self.run.ended_at is not None


def _published(user, slug: str) -> ScenarioRevision:
    check_open(user, "scenario", slug)
    revision = published_scenario(slug)
    if revision is None:
        raise PracticeError(gettext("There is no published scenario at this address."), 404)
    return revision


def _latest_run(user_id: int, scenario_id: int) -> ScenarioRun | None:
    return db.session.scalar(
        select(ScenarioRun)
        .where(ScenarioRun.user_id == user_id, ScenarioRun.scenario_id == scenario_id)
        .order_by(ScenarioRun.number.desc())
        .limit(1)
    )


def _new_run(user, revision: ScenarioRevision, number: int) -> ScenarioRun:
    run = ScenarioRun(
        user_id=user.id,
        scenario_id=revision.scenario_id,
        revision_id=revision.id,
        number=number,
        current_step=_settle(revision, revision.start, 0),
        position=0,
        points=0,
        started_at=clock.now_utc(),
    )
    db.session.add(run)
    db.session.flush()
    return run


def _settle(revision: ScenarioRevision, step_id: str, points: int) -> str:
    """Follow branch steps by the points gathered until a step to show."""
    for _ in range(MAX_BRANCH_HOPS):
        step = revision.step(step_id)
        if step is None or not step["branch"]:
            return step_id
        step_id = next(
            rule["goto"]
            for rule in step["branch"]
            if rule["at_least"] is None or points >= rule["at_least"]
        )
    raise PracticeError(
        gettext("This scenario's branches do not settle; please tell the trainers."), 500
    )


def open_run(user, slug: str, language: str = "en") -> RunView:
    """The learner's current run (a first one is started), with the path so far, in
    ``language`` where the scenario is translated (the steps' ids are the same); flushes."""
    latest = published = _published(user, slug)
    run = _latest_run(user.id, published.scenario_id)
    if run is None:
        run = _new_run(user, published, 1)
    else:
        latest = db.session.get(ScenarioRevision, run.revision_id)
    return _view(slug, latest, run, language)


def _view(slug: str, revision: ScenarioRevision, run: ScenarioRun, language: str = "en") -> RunView:
    revision = localized("scenario", slug, revision, language)
    choices = db.session.scalars(
        select(ScenarioChoice)
        .where(ScenarioChoice.run_id == run.id)
        .order_by(ScenarioChoice.position)
    )
    path = []
    for made in choices:
        step = revision.step(made.step_id) or {"id": made.step_id, "choices": []}
        choice = next((c for c in step["choices"] if c["id"] == made.choice_id), {})
        path.append(Taken(made.position, step, choice))
    runs = db.session.scalar(
        select(func.count(ScenarioRun.id)).where(
            ScenarioRun.user_id == run.user_id, ScenarioRun.scenario_id == run.scenario_id
        )
    )
    return RunView(slug, revision, run, tuple(path), revision.step(run.current_step), runs)


def _lock_run(user, slug: str, run_id: int) -> tuple[ScenarioRun, ScenarioRevision]:
    run = db.session.scalar(
        select(ScenarioRun)
        .join(Scenario, Scenario.id == ScenarioRun.scenario_id)
        .where(ScenarioRun.id == run_id, ScenarioRun.user_id == user.id, Scenario.slug == slug)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if run is None:
        raise PracticeError(gettext("There is no such run of this scenario."), 404)
    return run, db.session.get(ScenarioRevision, run.revision_id)


def choose(user, slug: str, run_id: int, position: int, choice_id: str) -> RunView:
    """Take a choice offered at the run's current step, once; flushes.

    ``position`` is the run's next position as the page knew it: a second tab or a
    resent form that is behind gets a 409 and changes nothing.
    """
    check_open(user, "scenario", slug)
    run, revision = _lock_run(user, slug, run_id)
    if run.ended_at is not None:
        raise PracticeError(gettext("This run has ended. Play again to start a new one."))
    if position != run.position + 1:
        raise PracticeError(
            gettext(
                "This step was already answered (perhaps in another window). "
                "Reload the page to see where the scenario stands."
            )
        )
    step = revision.step(run.current_step)
    choice = next((c for c in (step or {}).get("choices", ()) if c["id"] == choice_id), None)
    if choice is None:
        raise PracticeError(gettext("That choice is not offered at this step."), 400)
    db.session.add(
        ScenarioChoice(
            run_id=run.id,
            position=position,
            step_id=step["id"],
            choice_id=choice["id"],
            tags=list(choice["tags"]),
            points=choice["points"],
            at=clock.now_utc(),
        )
    )
    run.position = position
    run.points += choice["points"]
    run.current_step = _settle(revision, choice["goto"], run.points)
    if (revision.step(run.current_step) or {}).get("ending"):
        run.ended_at = clock.now_utc()
    db.session.flush()
    if run.ended_at is not None:
        signals.scenario_finished.send(user, scenario=slug, run_id=run.id, ending=run.current_step)
    return _view(slug, revision, run)


def play_again(user, slug: str) -> RunView:
    """Start a new run on the published revision; earlier runs stay as they were."""
    published = _published(user, slug)
    latest = _latest_run(user.id, published.scenario_id)
    if latest is not None and latest.ended_at is None and latest.position == 0:
        return _view(slug, db.session.get(ScenarioRevision, latest.revision_id), latest)
    run = _new_run(user, published, (latest.number if latest else 0) + 1)
    return _view(slug, published, run)
