"""Reading and checking instrument and survey files (the rules are in instruments.py).

Every problem is reported to a Sink with its line, so one run lists them all.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from course.content.errors import Sink
from course.content.fields import Fields, is_int
from course.content.yamlsrc import YMap, line_at, load_yaml

from .instruments import Catalog, Instrument, Item, Labels, Scale, Scoring, Survey, Translation

ITEM_TYPES = ("scale", "text")
METHODS = ("mean", "sus", "none")
INSTRUMENT_KEYS = ("name", "kind", "title", "citation", "licence", "instructions")
INSTRUMENT_KEYS += ("scale", "items", "scoring", "translation")
SURVEY_KEYS = ("name", "kind", "title", "instructions", "instruments", "translation")
TRANSLATION_KEYS = ("validated", "source", "note")
ITEM_KEYS = ("id", "text", "type", "labels", "polarity")
POLARITIES = ("positive", "negative")
VARIABLE_RE = re.compile(r"^[a-z][a-z0-9_]{0,25}$")


def parse(path: Path, sink: Sink) -> tuple[Instrument | Survey | None, YMap | None]:
    """Read one file into an Instrument or Survey (None where it has errors) and its YAML."""
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        sink.add(1, f"cannot read the file as UTF-8 text: {exc}")
        return None, None
    ok, data = load_yaml(text, sink)
    if ok and not isinstance(data, YMap):
        sink.add(1, "the file must be a mapping of keys such as 'name: aim'")
    if not isinstance(data, YMap):
        return None, None
    fields = Fields(data, sink)
    name = fields.text("name")
    good = name is not None and fields.check_name(name, data.line_of("name"), "'name'", "name")
    if good and name != path.stem:
        fields.error("name", f"'name' {name!r} must equal the file name {path.stem!r}")
    kind = data.get("kind", "instrument")
    if kind not in ("instrument", "survey"):
        fields.error("kind", f"'kind' must be 'instrument' or 'survey', not {kind!r}")
        return None, data
    parse = _survey if kind == "survey" else _instrument
    return parse(fields, name or ""), data


def _survey(fields: Fields, name: str) -> Survey | None:
    fields.check_keys(SURVEY_KEYS, ("name", "kind", "title", "instruments"))
    title = fields.text("title")
    instructions = fields.text("instructions", required=False)
    parts = fields.names("instruments", kind="instrument name")
    if "instruments" in fields.data and not fields.data["instruments"]:
        fields.error("instruments", "'instruments' must list at least one instrument")
    translation = _translation(fields)
    if title is None or not parts:
        return None
    return Survey(name, title, parts, instructions, fields.sink.file, translation)


def _instrument(fields: Fields, name: str) -> Instrument | None:
    fields.check_keys(INSTRUMENT_KEYS, ("name", "title", "items", "scoring"))
    title = fields.text("title")
    optional = {k: fields.text(k, required=False) for k in ("citation", "licence", "instructions")}
    for key in ("scale", "scoring"):
        if key in fields.data and fields.data[key] is None:
            fields.error(key, f"{key!r} must not be empty")
    scale = None
    if (data := fields.mapping("scale")) is not None:
        scale = _scale(Fields(data, fields.sink, "scale"))
    before = len(fields.sink.errors)
    items = _items(fields, scale)
    scoring = _scoring(fields, items, scale, items_ok=len(fields.sink.errors) == before)
    translation = _translation(fields)
    if title is None or scoring is None or not items:
        return None
    return Instrument(
        name,
        title,
        items,
        scoring,
        scale,
        **optional,
        filename=fields.sink.file,
        translation=translation,
    )


def _translation(fields: Fields) -> Translation | None:
    """A translated file's ``translation:``: ``validated`` (true or false), the validated
    version's ``source`` (required when validated), and an optional ``note``."""
    if "translation" not in fields.data:
        return None
    if (data := fields.mapping("translation")) is None:
        fields.error("translation", "'translation' must be a mapping with 'validated'")
        return None
    sub = Fields(data, fields.sink, "translation")
    sub.check_keys(TRANSLATION_KEYS, ("validated",))
    validated = data.get("validated")
    if "validated" in data and not isinstance(validated, bool):
        sub.error("validated", f"'validated' must be true or false, not {validated!r}")
        return None
    source = sub.text("source", required=bool(validated))
    if validated and "source" not in data:
        sub.error("validated", "a validated translation needs 'source': its published version")
    note = sub.text("note", required=False)
    if validated is None or (validated and source is None):
        return None
    return Translation(validated, source, note)


def _scale(fields: Fields) -> Scale | None:
    fields.check_keys(("min", "max", "labels"), ("min", "max"))
    low = fields.integer("min", minimum=0, maximum=100)
    high = fields.integer("max", minimum=0, maximum=100)
    if low is None or high is None:
        return None
    if low >= high:
        fields.error("max", f"'max' ({high}) must be greater than 'min' ({low})")
        return None
    return Scale(low, high, _labels(fields, range(low, high + 1)))


def _labels(fields: Fields, points: range) -> Labels:
    data = fields.mapping("labels")
    if data is None:
        if "labels" in fields.data:
            fields.error("labels", "'labels' must map each point of the scale to its text")
        return ()
    span = f"{points.start} to {points.stop - 1}"
    result: list[tuple[int, str]] = []
    for point, label in data.items():
        where = f"{fields.prefix}label {point!r}"
        if not is_int(point) or point not in points:
            fields.sink.add(data.line_of(point), f"{where} is not a point of the scale {span}")
        elif not isinstance(label, str) or not label.strip():
            fields.sink.add(data.line_of(point), f"{where} must be text")
        else:
            result.append((point, label))
    if missing := [str(point) for point in points if point not in data]:
        fields.error("labels", f"'labels' must cover {span}; missing {', '.join(missing)}")
    return tuple(sorted(result))


def _items(fields: Fields, scale: Scale | None) -> tuple[Item, ...]:
    values = fields.items("items")
    if not values:
        if "items" in fields.data and not fields.data["items"]:
            fields.error("items", "'items' must list at least one item")
        return ()
    result: list[Item] = []
    first: dict[str, int] = {}
    for number, (data, line) in enumerate(zip(values, values.item_lines, strict=True), start=1):
        if not isinstance(data, YMap):
            fields.sink.add(line, f"item {number} must be a mapping with 'id' and 'text'")
            continue
        item = Fields(data, fields.sink, f"item {number}")
        item.check_keys(ITEM_KEYS, ("id", "text"))
        item_id, kind, labels = data.get("id"), data.get("type", "scale"), ()
        if "id" not in data:
            pass  # check_keys reported it
        elif problem := variable_problem(item_id):
            item.error("id", problem)
        elif item_id in first:
            item.error("id", f"duplicate item id {item_id!r} (first at line {first[item_id]})")
        else:
            first[item_id] = data.line_of("id")
        text = item.text("text")
        if kind not in ITEM_TYPES:
            item.error("type", f"'type' must be 'scale' or 'text', not {kind!r}")
        elif kind == "text" and "labels" in data:
            item.error("labels", "a 'text' item has no labels")
        elif kind == "scale" and scale is not None:
            labels = _labels(item, scale.points) if "labels" in data else scale.labels
            if not labels and "labels" not in data:
                item.error(None, "needs 'labels': the instrument's scale has none")
        polarity = data.get("polarity")
        if polarity is not None and polarity not in POLARITIES:
            item.error("polarity", f"'polarity' must be 'positive' or 'negative', not {polarity!r}")
            polarity = None
        elif polarity is not None and kind == "text":
            item.error("polarity", "a 'text' item has no polarity")
        if isinstance(item_id, str) and item_id in first and text and kind in ITEM_TYPES:
            result.append(Item(item_id, text, kind, labels, polarity))
    if "scale" not in fields.data and any(item.type == "scale" for item in result):
        fields.error(None, "missing 'scale': scale items need its 'min' and 'max'")
    return tuple(result)


def variable_problem(value: Any) -> str | None:
    """Why a value is not a usable REDCap variable name, or None when it is."""
    if not isinstance(value, str) or not VARIABLE_RE.match(value):
        why = "at most 26 lowercase letters, digits and '_', starting with a letter"
        return f"item id {value!r} must be a REDCap variable name: {why}"
    if "___" in value or value == "record_id" or value.endswith("_complete"):
        # REDCap makes these names itself: checkbox columns, the record key, form status.
        return f"item id {value!r} clashes with a name REDCap reserves"
    return None


def _scoring(
    fields: Fields, items: tuple[Item, ...], scale: Scale | None, *, items_ok: bool
) -> Scoring | None:
    if (data := fields.mapping("scoring")) is None:
        return None
    sub = Fields(data, fields.sink, "scoring")
    sub.check_keys(("method", "min_answered"), ("method",))
    method = data.get("method")
    if method not in METHODS:
        if "method" in data:
            sub.error("method", f"'method' must be one of {', '.join(METHODS)}, not {method!r}")
        return None
    least = sub.integer("min_answered", minimum=1)
    scale_items = sum(item.type == "scale" for item in items)
    if method != "mean" and "min_answered" in data:
        sub.error("min_answered", f"'min_answered' applies to method 'mean' only, not {method!r}")
    if method == "mean" and items_ok and not scale_items:
        sub.error("method", "method 'mean' needs at least one scale item")
    elif method == "mean" and items_ok and least is not None and least > scale_items:
        sub.error("min_answered", f"'min_answered' ({least}) exceeds the {scale_items} scale items")
    ten = (scale_items, len(items)) == (10, 10)
    if method == "sus" and items_ok and not ten:
        sub.error("method", f"method 'sus' needs exactly 10 scale items, not {len(items)} items")
    if method == "sus" and scale is not None and (scale.min, scale.max) != (1, 5):
        sub.error("method", f"method 'sus' needs a 1 to 5 scale, not {scale.min} to {scale.max}")
    if items_ok and (ten or method != "sus"):
        _check_polarity(sub, method, items)
    return Scoring(method, (least or scale_items) if method == "mean" else None)


def _check_polarity(sub: Fields, method: str, items: tuple[Item, ...]) -> None:
    """SUS items declare their polarity, five each way; other methods take none."""
    declared = [item for item in items if item.polarity is not None]
    if method != "sus":
        if declared:
            ids = ", ".join(item.id for item in declared)
            sub.error("method", f"'polarity' applies to method 'sus' only (set on {ids})")
        return
    if missing := [item.id for item in items if item.polarity is None]:
        sub.error(
            "method",
            "method 'sus' needs 'polarity: positive' or 'polarity: negative' on every item "
            f"(the score never guesses it from the order); missing on {', '.join(missing)}",
        )
        return
    positive = sum(item.polarity == "positive" for item in items)
    if positive != 5:
        sub.error(
            "method",
            f"method 'sus' needs 5 positive and 5 negative items, not {positive} and "
            f"{len(items) - positive}",
        )


def cross_check(entry: Instrument | Survey, data: YMap, catalog: Catalog, sink: Sink) -> None:
    """Check names against a catalog: unknown instruments, reused names and item ids."""
    other_kind = catalog.instruments if isinstance(entry, Survey) else catalog.surveys
    if entry.name in other_kind:
        sink.add(data.line_of("name"), f"name {entry.name!r} is already used by another file")
    if isinstance(entry, Survey):
        known = ", ".join(sorted(catalog.instruments)) or "none"
        for index, part in enumerate(entry.instruments):
            if part not in catalog.instruments:
                where = line_at(data, "instruments", index)
                sink.add(where, f"unknown instrument {part!r} (known: {known})")
        return
    owners = {
        i.id: o.name for o in catalog.instruments.values() if o.name != entry.name for i in o.items
    }
    for index, item in enumerate(entry.items):
        if item.id in owners:
            sink.add(
                line_at(data, "items", index, "id"),
                f"item id {item.id!r} is already used by instrument {owners[item.id]!r}",
            )
