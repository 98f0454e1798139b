"""Scoring survey answers as published, with each instrument's missing-item rule."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType

from .instruments import Catalog, Instrument, Survey

Answer = int | str | None
CENTS = Decimal("0.01")


@dataclass(frozen=True)
class Score:
    """One instrument's score (None when not scored) and how it was reached."""

    instrument: str
    value: float | None
    answered: int
    missing: tuple[str, ...]
    rule: str
    #: The checked answers for every item, in item order; None where unanswered.
    items: Mapping[str, Answer] = field(default_factory=dict)


def score(instrument: Instrument, answers: Mapping[str, Answer]) -> Score:
    """Score one instrument's answers; raises ValueError for unknown items or bad answers."""
    items = check_answers(instrument, answers)
    method = instrument.scoring.method
    scored = instrument.scored_items if method != "none" else instrument.items
    values = [items[item.id] for item in scored if items[item.id] is not None]
    missing = tuple(item.id for item in scored if items[item.id] is None)
    total = len(scored)

    def result(value: float | None, rule: str) -> Score:
        return Score(instrument.name, value, len(values), missing, rule, MappingProxyType(items))

    if method == "none":
        return result(None, "not scored: each item is reported on its own (no total)")
    numbers = [int(value) for value in values]  # check_answers made scale answers ints
    if method == "sus":
        if missing:
            return result(None, f"not scored: {_count(len(missing))} missing; the SUS needs all 10")
        # Each item's own declared polarity, never its position (checks.py requires it).
        raw = sum(
            items[item.id] - 1 if item.polarity == "positive" else 5 - items[item.id]
            for item in scored
        )
        return result(raw * 2.5, "SUS: (Σ(positive - 1) + Σ(5 - negative)) * 2.5 over all 10 items")
    least = instrument.scoring.min_answered or total
    if len(numbers) < least:
        return result(
            None, f"not scored: {_count(len(missing))} missing; needs ≥ {least} of {total} answered"
        )
    # Decimal and half-up, so a mean of 3.125 is 3.13 as a person rounding by hand says;
    # float round() would give 3.12.
    mean = Decimal(sum(numbers)) / Decimal(len(numbers))
    value = float(mean.quantize(CENTS, ROUND_HALF_UP))
    return result(
        value, f"mean of {_count(len(numbers), 'answered item')} (needs ≥ {least} of {total})"
    )


def score_survey(
    survey: Survey, catalog: Catalog, answers: Mapping[str, Answer]
) -> dict[str, Score]:
    """Score every instrument of a survey from one flat mapping of item id to answer."""
    instruments = [catalog.instruments[name] for name in survey.instruments]
    known = {item.id for instrument in instruments for item in instrument.items}
    if unknown := sorted(set(answers) - known):
        raise ValueError(f"survey {survey.name!r} has no item {', '.join(map(repr, unknown))}")
    return {
        instrument.name: score(
            instrument, {item.id: answers.get(item.id) for item in instrument.items}
        )
        for instrument in instruments
    }


def check_answers(instrument: Instrument, answers: Mapping[str, Answer]) -> dict[str, Answer]:
    """Every item's answer, checked; blank text counts as unanswered. Raises ValueError."""
    ids = {item.id for item in instrument.items}
    if unknown := sorted(set(answers) - ids):
        raise ValueError(f"{instrument.name!r} has no item {', '.join(map(repr, unknown))}")
    checked: dict[str, Answer] = {}
    for item in instrument.items:
        value = answers.get(item.id)
        where = f"{instrument.name!r} item {item.id!r}"
        if item.type == "text":
            if value is not None and not isinstance(value, str):
                raise ValueError(f"{where} takes text, not {value!r}")
            checked[item.id] = value if value and value.strip() else None
            continue
        scale = instrument.scale
        assert scale is not None  # a checked instrument with scale items has a scale
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or value not in scale.points
        ):
            raise ValueError(
                f"{where} answer {value!r} is out of range: "
                f"a whole number from {scale.min} to {scale.max}"
            )
        checked[item.id] = value
    return checked


def _count(number: int, noun: str = "item") -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def rule_text(instrument: Instrument) -> str:
    """How an instrument is scored and what happens to missing items, in words."""
    method = instrument.scoring.method
    total = len(instrument.scored_items)
    if method == "none":
        return "Not scored: each item is reported on its own (no total)."
    if method == "sus":
        return (
            "SUS score: (Σ(positive item - 1) + Σ(5 - negative item)) * 2.5, from 0 to 100 "
            "(items 1, 3, 5, 7, 9 are positive in the standard order). "
            "All 10 items are needed; with any missing there is no score."
        )
    least = instrument.scoring.min_answered or total
    if least == total:
        return f"Mean of the {total} items; all must be answered, otherwise there is no score."
    return (
        f"Mean of the answered items when at least {least} of the {total} are answered; "
        "otherwise there is no score."
    )
