"""Branching clinical scenarios, scenarios/<slug>.yaml: steps, choices, branches, endings.

The file format is in docs/practice.md. Besides each field, the graph is checked: every
``goto`` names a step, every step is reachable from the start, and from every step some
path leads to an ending (a loop is fine when it has a way out).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from .clips import Clip, read_clip
from .digest import content_hash
from .errors import Sink, join
from .fields import SLUG_RE, Fields, check_file_name, is_int, load_mapping
from .yamlsrc import YList, YMap

SCENARIO_KEYS = ("title", "summary", "start", "steps")
STEP_KEYS = ("id", "moment", "clip", "choices", "branch", "ending")
CHOICE_KEYS = ("id", "text", "goto", "feedback", "tags", "points")
RULE_KEYS = ("at_least", "goto")
ENDING_KEYS = ("title", "debrief")
MAX_POINTS = 100


@dataclass(frozen=True)
class Choice:
    """One move the learner can make at a step."""

    id: str
    text: str
    goto: str
    feedback: str
    tags: tuple[str, ...] = ()
    points: int = 0
    #: The file line of its ``goto`` (for errors; not part of what the choice is).
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Rule:
    """Branch to ``goto`` when the points gathered reach ``at_least`` (None: always)."""

    at_least: int | None
    goto: str
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Ending:
    """The end of a path, with its debrief (Markdown)."""

    title: str
    debrief: str


@dataclass(frozen=True)
class Step:
    """A client moment with choices, a branch on points, or an ending."""

    id: str
    moment: str
    clip: Clip | None
    choices: tuple[Choice, ...] = ()
    branch: tuple[Rule, ...] = ()
    ending: Ending | None = None

    @property
    def targets(self) -> tuple[str, ...]:
        """The steps this one can lead to."""
        return tuple(c.goto for c in self.choices) + tuple(r.goto for r in self.branch)


@dataclass(frozen=True)
class ScenarioSource:
    """A parsed, checked scenario file; ``source`` is the text exactly as read."""

    slug: str
    title: str
    summary: str
    start: str
    steps: tuple[Step, ...]
    source: str
    filename: str
    content_hash: str

    def step(self, step_id: str) -> Step | None:
        """The step with this id."""
        return next((s for s in self.steps if s.id == step_id), None)


def parse_scenario(text: str, filename: str) -> ScenarioSource:
    """Parse and check one scenario file; raises ContentErrors listing every problem."""
    sink = Sink(filename)
    check_file_name(sink, filename, "scenarios/<slug>.yaml", "withdrawal-session-four.yaml")
    data = load_mapping(text, sink, "a scenario file", "title: ...")
    fields = Fields(data, sink)
    fields.check_keys(SCENARIO_KEYS, ("title", "summary", "steps"))
    title = fields.text("title")
    summary = fields.text("summary")
    items = fields.items("steps")
    steps, lines = _steps(items or YList(data.line), sink)
    start = fields.text("start", required=False) or (steps[0].id if steps else "")
    if not sink.errors:
        _check_graph(steps, start, lines, data.line_of("start"), sink)
    sink.raise_if_any()
    return ScenarioSource(
        slug=PurePosixPath(filename).stem,
        title=title or "",
        summary=summary or "",
        start=start,
        steps=steps,
        source=text,
        filename=filename,
        content_hash=content_hash(text),
    )


def _steps(items: YList, sink: Sink) -> tuple[tuple[Step, ...], dict[str, int]]:
    steps: list[Step] = []
    lines: dict[str, int] = {}
    if not items:
        sink.add(items.line, "'steps' must list at least one step", "steps")
    for index, (item, line) in enumerate(zip(items, items.item_lines, strict=True)):
        path = join("steps", index)
        if not isinstance(item, YMap):
            sink.add(line, f"step {index + 1} must be a mapping with an id", path)
            continue
        fields = Fields(item, sink, f"step {index + 1}", path)
        step_id = _slug(fields, "id")
        if step_id in lines:
            fields.error("id", f"duplicate step id {step_id!r} (first at line {lines[step_id]})")
            continue
        if step_id:
            lines[step_id] = item.line_of("id")
        step = _step(fields, step_id or "")
        if step is not None and step_id:
            steps.append(step)
    return tuple(steps), lines


def _slug(fields: Fields, key: str) -> str | None:
    value = fields.text(key)
    if value is not None and not SLUG_RE.match(value):
        fields.error(key, f"{key!r} {value!r} must be lowercase letters, digits and hyphens")
        return None
    return value


def _step(fields: Fields, step_id: str) -> Step | None:
    fields.check_keys(STEP_KEYS, ("id",))
    kinds = [key for key in ("choices", "branch", "ending") if key in fields.data]
    if len(kinds) != 1:
        found = ", ".join(kinds) or "none of them"
        fields.error(None, f"a step has exactly one of choices, branch or ending (found {found})")
        return None
    moment = fields.text("moment", required=kinds[0] != "branch")
    if kinds[0] != "branch" and "moment" not in fields.data:
        fields.error(None, "missing required key 'moment' (what the client says and does)")
    clip = read_clip(fields, "clip")
    if kinds[0] == "choices":
        choices = _choices(fields)
        return Step(step_id, moment or "", clip, choices=choices) if choices else None
    if kinds[0] == "branch":
        rules = _rules(fields)
        return Step(step_id, moment or "", clip, branch=rules) if rules else None
    ending = _ending(fields)
    return Step(step_id, moment or "", clip, ending=ending) if ending else None


def _choices(step: Fields) -> tuple[Choice, ...]:
    items = step.items("choices")
    if not items:
        step.error("choices", "'choices' must list at least one choice")
        return ()
    result: list[Choice] = []
    seen: set[str] = set()
    for index, (item, line) in enumerate(zip(items, items.item_lines, strict=True)):
        path = join(join(step.path, "choices"), index)
        where = f"{step.prefix}choice {index + 1}"
        if not isinstance(item, YMap):
            step.sink.add(line, f"{where} must be a mapping with id, text, goto, feedback", path)
            continue
        fields = Fields(item, step.sink, where, path)
        fields.check_keys(CHOICE_KEYS, ("id", "text", "goto", "feedback"))
        choice_id = _slug(fields, "id")
        if choice_id in seen:
            fields.error("id", f"duplicate choice id {choice_id!r} in this step")
            choice_id = None
        seen.add(choice_id or "")
        text, goto = fields.text("text"), _slug(fields, "goto")
        feedback = fields.text("feedback")
        tags = fields.names("tags", kind="tag") if "tags" in item else ()
        points = _points(fields, "points", required=False)
        if choice_id and text and goto and feedback:
            line = item.line_of("goto")
            result.append(Choice(choice_id, text, goto, feedback, tags, points or 0, line))
    return tuple(result)


def _points(fields: Fields, key: str, *, required: bool) -> int | None:
    if key not in fields.data:
        if required:
            fields.error(None, f"missing required key {key!r}")
        return None
    value = fields.data[key]
    if not is_int(value) or abs(value) > MAX_POINTS:
        fields.error(key, f"{key!r} must be a whole number from -{MAX_POINTS} to {MAX_POINTS}")
        return None
    return value


def _rules(step: Fields) -> tuple[Rule, ...]:
    items = step.items("branch")
    if not items:
        step.error("branch", "'branch' must list at least one rule")
        return ()
    rules: list[Rule] = []
    for index, (item, line) in enumerate(zip(items, items.item_lines, strict=True)):
        path = join(join(step.path, "branch"), index)
        where = f"{step.prefix}branch rule {index + 1}"
        if not isinstance(item, YMap):
            step.sink.add(line, f"{where} must be a mapping with goto (and at_least)", path)
            continue
        fields = Fields(item, step.sink, where, path)
        fields.check_keys(RULE_KEYS, ("goto",))
        last = index == len(items) - 1
        at_least = _points(fields, "at_least", required=False)
        if last and "at_least" in item:
            fields.error("at_least", "the last branch rule is the default: leave out 'at_least'")
        elif not last and "at_least" not in item:
            fields.error(None, "only the last branch rule may leave out 'at_least'")
        goto = _slug(fields, "goto")
        if goto:
            rules.append(Rule(at_least, goto, item.line_of("goto")))
    return tuple(rules) if len(rules) == len(items) else ()


def _ending(step: Fields) -> Ending | None:
    data = step.mapping("ending")
    if data is None:
        step.error("ending", "'ending' must be a mapping with title and debrief")
        return None
    fields = Fields(data, step.sink, f"{step.prefix}ending", join(step.path, "ending"))
    fields.check_keys(ENDING_KEYS, ENDING_KEYS)
    title, debrief = fields.text("title"), fields.text("debrief")
    return Ending(title, debrief) if title and debrief else None


def _check_graph(
    steps: tuple[Step, ...], start: str, lines: dict[str, int], start_line: int, sink: Sink
) -> None:
    index = {step.id: i for i, step in enumerate(steps)}
    if start not in index:
        sink.add(start_line, f"'start' names unknown step {start!r}", "start")
        return
    for i, step in enumerate(steps):
        kind = "choices" if step.choices else "branch"
        for j, move in enumerate(step.choices or step.branch):
            if move.goto not in index:
                message = f"step {step.id!r} leads to unknown step {move.goto!r}"
                sink.add(move.line, message, f"steps[{i}].{kind}[{j}].goto")
    if sink.errors:
        return
    reached = _reach({start}, {s.id: s.targets for s in steps})
    for i, step in enumerate(steps):
        if step.id not in reached:
            sink.add(
                lines[step.id],
                f"step {step.id!r} cannot be reached from the start ({start!r})",
                f"steps[{i}].id",
            )
    if not any(step.ending for step in steps):
        sink.add(1, "the scenario has no ending: at least one step needs 'ending'", "steps")
        return
    backwards: dict[str, set[str]] = {s.id: set() for s in steps}
    for step in steps:
        for target in step.targets:
            backwards[target].add(step.id)
    finishing = _reach({s.id for s in steps if s.ending}, backwards)
    for i, step in enumerate(steps):
        if step.id in reached and step.id not in finishing:
            sink.add(
                lines[step.id],
                f"no path from step {step.id!r} leads to an ending (a loop with no way out)",
                f"steps[{i}].id",
            )


def _reach(first: set[str], edges: dict[str, tuple[str, ...] | set[str]]) -> set[str]:
    seen, queue = set(first), deque(first)
    while queue:
        for target in edges.get(queue.popleft(), ()):
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen
