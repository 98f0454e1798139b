"""Rupture-response drill sets, drills/<slug>.yaml: items with criteria and model responses.

The file format is in docs/practice.md. Criteria and model responses are the answer key:
the platform shows them to a learner only after their own response is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from .clips import Clip, read_clip
from .digest import content_hash
from .errors import Sink, join
from .fields import SLUG_RE, Fields, check_file_name, load_mapping
from .yamlsrc import YList, YMap

SET_KEYS = ("title", "summary", "min_response_chars", "second_rater", "items")
ITEM_KEYS = ("id", "level", "kind", "marker", "context", "statement", "clip", "criteria", "models")
CRITERION_KEYS = ("id", "text")
LEVELS = ("beginner", "intermediate", "advanced")
MARKERS = {
    "withdrawal": (
        "denial",
        "minimal-response",
        "abstract-talk",
        "avoidant-storytelling",
        "deferential-appeasing",
        "content-affect-split",
        "self-criticism-hopelessness",
    ),
    "confrontation": (
        "complaint-about-therapist",
        "rejecting-intervention",
        "complaint-about-activities",
        "complaint-about-parameters",
        "complaint-about-progress",
        "defending-against-therapist",
        "controlling-pressuring",
    ),
    "diversity": (
        "microaggression",
        "identity-misunderstood",
        "cultural-opportunity",
        "value-difference",
        "power-and-mistrust",
    ),
}
DEFAULT_MIN_CHARS = 40
MIN_CRITERIA, MAX_CRITERIA, MIN_MODELS = 2, 4, 2


@dataclass(frozen=True)
class Criterion:
    """One observable skill a response should show."""

    id: str
    text: str


@dataclass(frozen=True)
class DrillItem:
    """One client statement to respond to."""

    id: str
    level: str
    kind: str
    marker: str
    context: str | None
    statement: str
    clip: Clip | None
    criteria: tuple[Criterion, ...]
    models: tuple[str, ...]


@dataclass(frozen=True)
class DrillSetSource:
    """A parsed, checked drill set; ``source`` is the text exactly as read."""

    slug: str
    title: str
    summary: str
    min_response_chars: int
    second_rater: bool
    items: tuple[DrillItem, ...]
    source: str
    filename: str
    content_hash: str


def parse_drills(text: str, filename: str) -> DrillSetSource:
    """Parse and check one drill set; raises ContentErrors listing every problem."""
    sink = Sink(filename)
    check_file_name(sink, filename, "drills/<slug>.yaml", "responding-to-withdrawal.yaml")
    data = load_mapping(text, sink, "a drill file", "title: ...")
    fields = Fields(data, sink)
    fields.check_keys(SET_KEYS, ("title", "summary", "items"))
    title, summary = fields.text("title"), fields.text("summary")
    min_chars = fields.integer("min_response_chars", minimum=1, maximum=2000)
    second_rater = fields.boolean("second_rater")
    items = _items(fields.items("items") or YList(data.line), sink)
    sink.raise_if_any()
    return DrillSetSource(
        slug=PurePosixPath(filename).stem,
        title=title or "",
        summary=summary or "",
        min_response_chars=min_chars or DEFAULT_MIN_CHARS,
        second_rater=bool(second_rater),
        items=items,
        source=text,
        filename=filename,
        content_hash=content_hash(text),
    )


def _items(items: YList, sink: Sink) -> tuple[DrillItem, ...]:
    result: list[DrillItem] = []
    first: dict[str, int] = {}
    if not items:
        sink.add(items.line, "'items' must list at least one item", "items")
    for index, (item, line) in enumerate(zip(items, items.item_lines, strict=True)):
        path = join("items", index)
        if not isinstance(item, YMap):
            sink.add(line, f"item {index + 1} must be a mapping with an id", path)
            continue
        fields = Fields(item, sink, f"item {index + 1}", path)
        fields.check_keys(ITEM_KEYS, ("id", "level", "kind", "marker", "statement"))
        before = len(sink.errors)
        item_id = fields.text("id")
        if item_id is not None and not SLUG_RE.match(item_id):
            fields.error("id", f"'id' {item_id!r} must be lowercase letters, digits and hyphens")
        elif item_id in first:
            fields.error("id", f"duplicate item id {item_id!r} (first at line {first[item_id]})")
        elif item_id:
            first[item_id] = item.line_of("id")
        level = _choice(fields, "level", LEVELS)
        kind = _choice(fields, "kind", tuple(MARKERS))
        marker = fields.text("marker")
        if kind and marker and marker not in MARKERS[kind]:
            fields.error("marker", f"'marker' for {kind} must be one of {', '.join(MARKERS[kind])}")
        context = fields.text("context", required=False)
        statement = fields.text("statement")
        clip = read_clip(fields, "clip")
        criteria = _criteria(fields)
        models = _models(fields)
        if len(sink.errors) == before:
            result.append(
                DrillItem(
                    item_id or "",
                    level or "",
                    kind or "",
                    marker or "",
                    context,
                    statement or "",
                    clip,
                    criteria,
                    models,
                )
            )
    return tuple(result)


def _choice(fields: Fields, key: str, allowed: tuple[str, ...]) -> str | None:
    value = fields.text(key)
    if value is not None and value not in allowed:
        fields.error(key, f"{key!r} must be one of {', '.join(allowed)}, not {value!r}")
        return None
    return value


def _criteria(item: Fields) -> tuple[Criterion, ...]:
    items = item.items("criteria")
    count = len(items) if items else 0
    if not MIN_CRITERIA <= count <= MAX_CRITERIA:
        item.error(
            "criteria", f"an item needs {MIN_CRITERIA} to {MAX_CRITERIA} criteria, found {count}"
        )
        return ()
    result: list[Criterion] = []
    for index, (entry, line) in enumerate(zip(items, items.item_lines, strict=True)):
        path = join(join(item.path, "criteria"), index)
        where = f"{item.prefix}criterion {index + 1}"
        if not isinstance(entry, YMap):
            item.sink.add(line, f"{where} must be a mapping with id and text", path)
            continue
        fields = Fields(entry, item.sink, where, path)
        fields.check_keys(CRITERION_KEYS, CRITERION_KEYS)
        criterion_id, text = fields.text("id"), fields.text("text")
        if criterion_id is not None and not SLUG_RE.match(criterion_id):
            fields.error("id", "'id' must be lowercase letters, digits and hyphens")
        elif criterion_id in {c.id for c in result}:
            fields.error("id", f"duplicate criterion id {criterion_id!r} in this item")
        elif criterion_id and text:
            result.append(Criterion(criterion_id, text))
    return tuple(result)


def _models(item: Fields) -> tuple[str, ...]:
    items = item.items("models")
    models = [m for m in items or () if isinstance(m, str) and m.strip()]
    if not items or len(models) != len(items) or len(models) < MIN_MODELS:
        item.error("models", f"an item needs at least {MIN_MODELS} model responses, as text")
        return ()
    return tuple(m.strip() for m in models)
