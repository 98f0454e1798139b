"""The scenario map drawn as SVG: steps in columns by distance from the start (no Flask).

Each step is a box: its id, its kind and any flag, then one row per choice or branch rule,
from which that link's arrow leaves, so every arrow is labelled where it starts. Steps the
start cannot reach are drawn apart, below a line; a target that names no step is drawn as a
box of its own, flagged. Everything is plain geometry with CSS classes (the strict CSP
allows no inline style), and all text is escaped.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from html import escape
from typing import Any

from .scenario_map import DEAD_END, UNREACHABLE, Link, Node, ScenarioGraph, describe

PAD, TOP, NODE_W, COL_GAP, ROW_GAP, BAND_GAP, LINE = 36, 40, 184, 92, 26, 76, 16
FLAG_SHORT = {UNREACHABLE: "unreachable", DEAD_END: "dead end"}


@dataclass(frozen=True)
class Box:
    """Where a step, or a target that names no step (``missing``), is drawn."""

    key: str
    column: int
    x: float
    y: float
    header: int  # lines of text above the link rows
    rows: int  # one per link leaving it
    band: int  # 0: reached from the start; 1: apart, not reachable
    missing: bool = False

    @property
    def height(self) -> float:
        return 8 + LINE * self.header + 6 + (LINE * self.rows + 4 if self.rows else 0)

    def port(self, index: int) -> float:
        """The height at which the arrow of link ``index`` leaves."""
        return self.y + 8 + LINE * self.header + 6 + LINE * index + LINE / 2

    @property
    def entry(self) -> float:
        """The height at which arrows arrive (beside the step's id)."""
        return self.y + 8 + LINE / 2 + 2


def _columns(graph: ScenarioGraph) -> tuple[list[list[tuple[str, int]]], dict[str, int]]:
    """Keys with their columns, per band: reached steps by distance, the rest apart."""
    column = {n.id: n.depth for n in graph.nodes if n.depth is not None}
    apart = [n.id for n in graph.nodes if n.depth is None]
    column.update(_apart_columns(apart, graph.links))
    bands = []
    for keys in (list(graph.reached), apart):
        keyed = list(keys)
        for link in graph.links:
            missing = f"?{link.target}"
            if link.unknown and link.source in keys and missing not in column:
                column[missing] = column[link.source] + 1
                keyed.append(missing)
        bands.append([(key, column[key]) for key in keyed])
    return bands, column


def _apart_columns(keys: list[str], links: tuple[Link, ...]) -> dict[str, int]:
    """Columns for unreachable steps: distance from those no other of them leads to."""
    inside = set(keys)
    edges: dict[str, list[str]] = {}
    for link in links:
        if link.source in inside and link.target in inside:
            edges.setdefault(link.source, []).append(link.target)
    entered = {target for targets in edges.values() for target in targets}
    depth: dict[str, int] = {}
    for root in [k for k in keys if k not in entered] + keys:
        if root in depth:
            continue
        depth[root], queue = 0, deque([root])
        while queue:
            here = queue.popleft()
            for target in edges.get(here, ()):
                if target not in depth:
                    depth[target] = depth[here] + 1
                    queue.append(target)
    return depth


def layout(graph: ScenarioGraph) -> list[Box]:
    """Every box placed: columns left to right, each column's boxes top to bottom."""
    bands, _ = _columns(graph)
    boxes: list[Box] = []
    top = TOP
    for band, keyed in enumerate(bands):
        if not keyed:
            continue
        if band:
            top = max(b.y + b.height for b in boxes) + BAND_GAP if boxes else TOP
        filled: dict[int, float] = {}
        for key, column in keyed:
            node = graph.node(key)
            header = 3 if node is None or node.flags else 2
            rows = len(graph.links_from(key)) if node else 0
            y = filled.get(column, top)
            x = PAD + column * (NODE_W + COL_GAP)
            box = Box(key, column, x, y, header, rows, band, node is None)
            boxes.append(box)
            filled[column] = y + box.height + ROW_GAP
    return boxes


# --- drawing -------------------------------------------------------------------------------


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _attrs(**attrs: Any) -> str:
    return "".join(
        f' {name.rstrip("_").replace("_", "-")}="{escape(str(value), quote=True)}"'
        for name, value in attrs.items()
        if value is not None
    )


def _tag(name: str, text: str | None = None, **attrs: Any) -> str:
    if text is None:
        return f"<{name}{_attrs(**attrs)}/>"
    return f"<{name}{_attrs(**attrs)}>{escape(text, quote=False)}</{name}>"


def map_svg(graph: ScenarioGraph, prefix: str = "scenario-map") -> str:
    """The map as one SVG element: role img, a title and a description, no script or style."""
    boxes = layout(graph)
    at = {box.key: box for box in boxes}
    width = max((b.x for b in boxes), default=0) + NODE_W + PAD + 40
    height = max((b.y + b.height for b in boxes), default=TOP) + PAD
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" class="scenario-map" role="img"'
        f' focusable="false" aria-labelledby="{prefix}-title {prefix}-desc"'
        f"{_attrs(viewBox=f'0 0 {width:g} {height:g}', width=f'{width:g}', height=f'{height:g}')}>",
        _tag("title", "Map of the scenario's steps and links", id=f"{prefix}-title"),
        _tag(
            "desc", describe(graph) + " The list beside the map says the same.", id=f"{prefix}-desc"
        ),
        "<defs>",
        *(
            f'<marker id="{prefix}-{name}" class="map-arrow {name}" viewBox="0 0 10 10" refX="9"'
            ' refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">'
            '<path d="M0,0 L10,5 L0,10 z"/></marker>'
            for name in ("arrow", "arrow-bad")
        ),
        "</defs>",
    ]
    apart = [b for b in boxes if b.band]
    if apart:
        y = min(b.y for b in apart) - BAND_GAP + 12
        parts.append(_tag("line", x1=8, y1=y, x2=width - 8, y2=y, class_="map-band"))
        label = "Below: steps that cannot be reached from the start"
        parts.append(_tag("text", label, x=8, y=y + 18, class_="map-band-label"))
    start = at.get(graph.start or "")
    if start is not None:
        d = f"M{start.x - 30:g},{start.entry:g} L{start.x:g},{start.entry:g}"
        parts.append(_tag("path", d=d, class_="map-start", marker_end=f"url(#{prefix}-arrow)"))
    for box in boxes:
        for index, link in enumerate(graph.links_from(box.key)):
            parts.append(_edge(box, index, link, at, prefix))
    parts += [_box(box, graph) for box in boxes]
    parts.append("</svg>")
    return "".join(parts)


def _edge(box: Box, index: int, link: Link, at: dict[str, Box], prefix: str) -> str:
    """A link's arrow, from its row in the source box to beside the target's id (its left
    side; its right side for a link back to the same or an earlier column)."""
    target = at[f"?{link.target}" if link.unknown else link.target]
    x1, y1 = box.x + NODE_W, box.port(index)
    x2, y2 = target.x, target.entry
    if target is box:  # a step leading to itself: out to the right, over, and down in
        d = (
            f"M{x1:g},{y1:g} C{x1 + 44:g},{y1:g} {x1 + 44:g},{box.y - 26:g} {x1 - 16:g},"
            f"{box.y - 26:g} C{x1 - 40:g},{box.y - 26:g} {x1 - 44:g},{box.y - 14:g}"
            f" {x1 - 44:g},{box.y:g}"
        )
    elif x2 > x1:
        bend = max(36.0, (x2 - x1) / 2)
        d = f"M{x1:g},{y1:g} C{x1 + bend:g},{y1:g} {x2 - bend:g},{y2:g} {x2:g},{y2:g}"
    else:  # back to this column or an earlier one: in at the target's right side
        x2, bend = target.x + NODE_W, 30 + min(abs(y2 - y1), 200) / 10
        d = f"M{x1:g},{y1:g} C{x1 + bend:g},{y1:g} {x2 + bend:g},{y2:g} {x2:g},{y2:g}"
    classes = ["map-link", link.kind] + (["bad"] if link.unknown else [])
    classes += ["back"] if target.x <= box.x and target is not box else []
    marker = f"url(#{prefix}-arrow{'-bad' if link.unknown else ''})"
    return _tag("path", d=d, class_=" ".join(classes), marker_end=marker)


def _box(box: Box, graph: ScenarioGraph) -> str:
    x, y = box.x, box.y
    node = graph.node(box.key)
    if node is None:
        name, kind, flags = box.key[1:], "Unknown step", ["no such step"]
        classes = ["map-step", "missing", "flagged"]
    else:
        name, kind = node.id, _kind_words(node, graph)
        flags = [FLAG_SHORT[flag] for flag in node.flags]
        classes = ["map-step", node.kind] + (["start"] if node.start else [])
        classes += ["flagged"] if flags else []
    parts = [_tag("rect", x=x, y=y, width=NODE_W, height=f"{box.height:g}", rx=6)]
    if node is not None and node.kind == "ending":
        inner = {"width": NODE_W - 8, "height": f"{box.height - 8:g}"}
        parts.append(_tag("rect", x=x + 4, y=y + 4, rx=4, class_="inner", **inner))
    lines = [(_short(name, 22), "map-step-id"), (_short(kind, 27), "map-step-kind")]
    if flags:
        lines.append(("⚠ " + ", ".join(flags), "map-flag"))
    for number, (text, css) in enumerate(lines):
        parts.append(_tag("text", text, x=x + 10, y=y + 8 + LINE * (number + 1) - 3, class_=css))
    links = graph.links_from(box.key) if node else []
    if links:
        rule = y + 8 + LINE * box.header + 3
        parts.append(_tag("line", x1=x, y1=rule, x2=x + NODE_W, y2=rule, class_="map-rule"))
    for index, link in enumerate(links):
        label = ("⚠ " if link.unknown else "") + _short(link.label, 24)
        css = "map-port bad" if link.unknown else "map-port"
        parts.append(
            _tag(
                "text",
                label,
                x=x + NODE_W - 8,
                y=box.port(index) + 4,
                class_=css,
                text_anchor="end",
            )
        )
    return f"<g{_attrs(class_=' '.join(classes))}>{''.join(parts)}</g>"


def _kind_words(node: Node, graph: ScenarioGraph) -> str:
    count = len(graph.links_from(node.id))
    words = {
        "choices": f"{count} choice{'s' if count != 1 else ''}",
        "branch": f"Branch on points, {count} rule{'s' if count != 1 else ''}",
        "ending": "Ending",
        "unclear": "Needs choices, branch or ending",
    }[node.kind]
    return f"Start · {words}" if node.start else words[0].upper() + words[1:]
