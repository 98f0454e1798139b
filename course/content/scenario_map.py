"""A map of a scenario's steps and links for authors, drawn even when the file has errors.

Pure Python (no Flask). :func:`scenario_graph` reads the steps and their ``goto`` links from
the YAML without requiring a valid scenario (whatever parses is drawn, so the author can see
the problem); :func:`map_svg` lays the steps out in columns by distance from the start and
returns the SVG as an escaped string. Steps the start cannot reach are drawn apart, below.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from .errors import Sink
from .yamlsrc import YList, YMap, load_yaml

KINDS = ("choices", "branch", "ending")
UNREACHABLE = "cannot be reached from the start"
DEAD_END = "no path from here leads to an ending"
UNKNOWN = "names a step that does not exist"


@dataclass(frozen=True)
class Link:
    """One way from a step to another: a choice (labelled by its id) or a branch rule."""

    source: str
    target: str
    label: str
    kind: str  # "choice" or "branch"
    line: int
    #: The target names no step in the file.
    unknown: bool = False


@dataclass(frozen=True)
class Node:
    """One step: what kind it is and what is wrong with its place in the graph."""

    id: str
    line: int
    #: "choices", "branch", "ending", or "unclear" (none or several of them).
    kind: str
    start: bool
    #: Steps from the start (None: it cannot be reached).
    depth: int | None
    #: Some path from here leads to an ending.
    finishes: bool

    @property
    def flags(self) -> tuple[str, ...]:
        """The graph problems of this step, in words."""
        found = () if self.depth is not None else (UNREACHABLE,)
        return found + (() if self.finishes else (DEAD_END,))


@dataclass(frozen=True)
class ScenarioGraph:
    """What could be read of a scenario's steps, with the problems of its shape."""

    #: False when the text is not YAML at all (nothing can be drawn).
    readable: bool
    start: str | None
    nodes: tuple[Node, ...]
    links: tuple[Link, ...]
    #: The line of ``start`` when it names no step; None otherwise.
    bad_start: int | None = None
    #: The steps reached from the start, in the order a breadth-first walk meets them.
    reached: tuple[str, ...] = ()

    def node(self, step_id: str) -> Node | None:
        """The step with this id."""
        return next((n for n in self.nodes if n.id == step_id), None)

    def links_from(self, step_id: str) -> list[Link]:
        """The links leaving a step, in file order."""
        return [link for link in self.links if link.source == step_id]

    @property
    def unknown_targets(self) -> list[str]:
        """Targets that name no step, in the order first met."""
        return list(dict.fromkeys(link.target for link in self.links if link.unknown))

    @property
    def problems(self) -> int:
        """How many flags the map shows."""
        return sum(len(n.flags) for n in self.nodes) + len(self.unknown_targets)


# --- reading -------------------------------------------------------------------------------


def _word(value: Any) -> str | None:
    """A scalar as the text an id or a target would be; None for anything else."""
    if isinstance(value, bool) or value is None or isinstance(value, (YMap, YList, dict, list)):
        return None
    text = str(value).strip()
    return text or None


def scenario_graph(text: str) -> ScenarioGraph:
    """The steps and links of scenario YAML, however incomplete; never raises."""
    ok, data = load_yaml(text, Sink("map"))
    if not isinstance(data, YMap):
        return ScenarioGraph(readable=ok, start=None, nodes=(), links=())
    steps = data.get("steps")
    found: dict[str, tuple[int, str]] = {}
    links: list[Link] = []
    for item in steps if isinstance(steps, YList) else ():
        step_id = _word(item.get("id")) if isinstance(item, YMap) else None
        if step_id is None or step_id in found:
            continue
        kinds = [key for key in KINDS if key in item]
        found[step_id] = (item.line_of("id"), _kind(kinds))
        links += _links(step_id, item)
    start = _word(data.get("start")) or next(iter(found), None)
    links = [replace(link, unknown=link.target not in found) for link in links]
    depth = _depths(start, found, links)
    finishing = _finishing(found, links)
    nodes = tuple(
        Node(step_id, line, kind, step_id == start, depth.get(step_id), step_id in finishing)
        for step_id, (line, kind) in found.items()
    )
    bad_start = data.line_of("start") if found and start not in found else None
    return ScenarioGraph(True, start, nodes, tuple(links), bad_start, tuple(depth))


def _kind(kinds: list[str]) -> str:
    return kinds[0] if len(kinds) == 1 else "unclear"


def _links(step_id: str, item: YMap) -> list[Link]:
    links = []
    for key, kind in (("choices", "choice"), ("branch", "branch")):
        entries = item.get(key)
        if not isinstance(entries, YList):
            continue
        for number, entry in enumerate(entries, start=1):
            target = _word(entry.get("goto")) if isinstance(entry, YMap) else None
            if target is None:
                continue
            if kind == "choice":
                label = _word(entry.get("id")) or f"choice {number}"
            else:
                at_least = entry.get("at_least")
                label = "otherwise" if at_least is None else f"at least {at_least}"
            links.append(Link(step_id, target, label, kind, entry.line_of("goto")))
    return links


def _depths(start: str | None, found: dict, links: list[Link]) -> dict[str, int]:
    if start not in found:
        return {}
    edges = _edges(links)
    depth, queue = {start: 0}, deque([start])
    while queue:
        here = queue.popleft()
        for target in edges.get(here, ()):
            if target in found and target not in depth:
                depth[target] = depth[here] + 1
                queue.append(target)
    return depth


def _finishing(found: dict[str, tuple[int, str]], links: list[Link]) -> set[str]:
    backwards = _edges(Link(k.target, k.source, "", "", 0) for k in links if not k.unknown)
    seen = {step_id for step_id, (_, kind) in found.items() if kind == "ending"}
    queue = deque(seen)
    while queue:
        for source in backwards.get(queue.popleft(), ()):
            if source not in seen:
                seen.add(source)
                queue.append(source)
    return seen


def _edges(links: Iterable[Link]) -> dict[str, list[str]]:
    edges: dict[str, list[str]] = {}
    for link in links:
        edges.setdefault(link.source, []).append(link.target)
    return edges


def describe(graph: ScenarioGraph) -> str:
    """What the map shows, in a few sentences (the SVG's description for screen readers)."""
    if not graph.nodes:
        return "No steps could be read yet."
    parts = [
        f"{len(graph.nodes)} steps and {len(graph.links)} links, in columns by distance "
        f"from the start step {graph.start}."
    ]
    if graph.bad_start is not None:
        parts.append(f"'start' names a step that does not exist: {graph.start}.")
    for flag, label in ((UNREACHABLE, "Cannot be reached"), (DEAD_END, "No way to an ending")):
        named = [n.id for n in graph.nodes if flag in n.flags]
        if named:
            parts.append(f"{label}: {', '.join(named)}.")
    if graph.unknown_targets:
        parts.append(f"Links to steps that do not exist: {', '.join(graph.unknown_targets)}.")
    return " ".join(parts)
