"""Survey instruments and surveys as YAML data: load, check, and fill in [X].

One file per instrument or survey in ``course/surveys/instruments/``, named ``<name>.yaml``::

    name: aim                 # lowercase words joined by hyphens; kind: instrument is the default
    title: ...                # required; citation, licence, instructions ([X] allowed) optional
    scale: {min: 1, max: 5, labels: {1: Completely disagree, ..., 5: Completely agree}}
    items:                    # id: REDCap variable name (a-z, 0-9, _; starts with a letter; <= 26)
      - {id: aim_1, text: "[X] meets my approval."}     # type: scale, the default
      - {id: tfa_burden, text: ..., labels: {1: ..., 2: ..., 3: ..., 4: ..., 5: ...}}
      - {id: open_use, type: text, text: ...}           # free text, never scored
      - {id: sus_2, text: ..., polarity: negative}      # SUS only: positive | negative
    scoring: {method: mean, min_answered: 3}            # mean | sus | none

- ``scale`` (whole numbers, min < max) is needed when any item is a scale item. Every
  scale item needs a label for every point: its own ``labels`` or the scale's.
- ``min_answered`` (mean only) is the fewest answered scale items that still give a
  score; it defaults to all. ``sus`` needs exactly 10 scale items on 1-5, each declaring
  its ``polarity`` (5 positive, 5 negative): the score reads the polarity from the item,
  never from its position, so reordering the file cannot mis-score it.
- Item ids are unique across a catalog: a REDCap record is one flat namespace.

A translated file has the same name in a language folder (``instruments/fr/aim.yaml``), the
same item ids, types, polarities, scale and scoring, and a ``translation:`` key::

    translation: {validated: true, source: "Gronier & Baudet (2021) ...", note: ...}
    translation: {validated: false, note: "Not a validated translation: ..."}

A page in that language shows the translated file, else the English one; answers and
scores use the same item ids in either language (``load_builtin(language)``).

A survey is a bundle given together: ``name``, ``kind: survey``, ``title``, optional
``instructions``, and ``instruments: [aim, iam, ...]``. Instruments and surveys share one
namespace: modules/course.yaml may name either.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Literal

from course.content.errors import ContentError, ContentErrors, Sink, sort_errors
from course.content.yamlsrc import YMap

BUILTIN_DIR = Path(__file__).with_name("instruments")
ItemType = Literal["scale", "text"]
Polarity = Literal["positive", "negative"]
Method = Literal["mean", "sus", "none"]
Labels = tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class Scale:
    """The whole-number answer range shared by an instrument's scale items."""

    min: int
    max: int
    labels: Labels = ()

    @property
    def points(self) -> range:
        """Every allowed answer, low to high."""
        return range(self.min, self.max + 1)


@dataclass(frozen=True)
class Item:
    """One question; `labels` are its anchors (its own, else the scale's), empty for text."""

    id: str
    text: str
    type: ItemType = "scale"
    labels: Labels = ()
    #: SUS items only: whether agreeing is the favourable (positive) or unfavourable answer.
    polarity: Polarity | None = None


@dataclass(frozen=True)
class Scoring:
    """How answers become a score; `min_answered` is set for method 'mean' only."""

    method: Method
    min_answered: int | None = None


@dataclass(frozen=True)
class Translation:
    """What a translated file says of its translation: a validated version (with its
    published source) or a translation made for the project that has not been validated."""

    validated: bool
    source: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Instrument:
    """One questionnaire with its scoring rule."""

    name: str
    title: str
    items: tuple[Item, ...]
    scoring: Scoring
    scale: Scale | None = None
    citation: str | None = None
    licence: str | None = None
    instructions: str | None = None
    filename: str = ""
    #: Set on a translated file only.
    translation: Translation | None = None

    @property
    def scored_items(self) -> tuple[Item, ...]:
        """The items a score is computed from (none for method 'none')."""
        scored = self.scoring.method != "none"
        return tuple(item for item in self.items if scored and item.type == "scale")

    @property
    def form_name(self) -> str:
        """The REDCap form name, which may not contain hyphens."""
        return self.name.replace("-", "_")


@dataclass(frozen=True)
class Survey:
    """Instruments given together, in order."""

    name: str
    title: str
    instruments: tuple[str, ...]
    instructions: str | None = None
    filename: str = ""
    #: Set on a translated file only.
    translation: Translation | None = None


@dataclass(frozen=True)
class Catalog:
    """Every known instrument and survey by name."""

    instruments: Mapping[str, Instrument]
    surveys: Mapping[str, Survey]

    def bundle(self, name: str) -> tuple[Instrument, ...]:
        """The instruments a name in course.yaml stands for: a survey's, or one instrument."""
        if name in self.surveys:
            return tuple(self.instruments[part] for part in self.surveys[name].instruments)
        if name in self.instruments:
            return (self.instruments[name],)
        raise KeyError(f"no survey or instrument named {name!r}")


def fill(text: str, intervention: str) -> str:
    """Replace [X] with the intervention, capitalised where [X] starts a sentence."""
    out, *rest = text.split("[X]")
    for part in rest:
        before = out.rstrip(" \t")
        at_start = not before or before.endswith(("\n", ".", "!", "?"))
        out += (intervention[:1].upper() + intervention[1:] if at_start else intervention) + part
    return out


def load_instrument(path: Path) -> Instrument:
    """Read one instrument file; raises ContentErrors listing every problem."""
    from . import checks  # checks builds the dataclasses above, so it imports this module

    sink = Sink(str(path))
    entry, _ = checks.parse(Path(path), sink)
    if entry is not None and not isinstance(entry, Instrument):
        sink.add(1, "this file is a survey, not an instrument")
    sink.raise_if_any()
    assert isinstance(entry, Instrument)
    return entry


def load_dir(folder: Path) -> Catalog:
    """Read every *.yaml in a folder and check them together; raises ContentErrors."""
    from . import checks

    errors: list[ContentError] = []
    parsed: list[tuple[Instrument | Survey, YMap, Sink]] = []
    for path in sorted(Path(folder).glob("*.yaml")):
        sink = Sink(str(path))
        entry, data = checks.parse(path, sink)
        errors += sink.errors
        if entry is not None and data is not None and not sink.errors:
            parsed.append((entry, data, sink))
    catalog = Catalog(
        MappingProxyType({e.name: e for e, _, _ in parsed if isinstance(e, Instrument)}),
        MappingProxyType({e.name: e for e, _, _ in parsed if isinstance(e, Survey)}),
    )
    for entry, data, sink in parsed:
        checks.cross_check(entry, data, catalog, sink)
        errors += sink.errors
    if errors:
        raise ContentErrors(errors)
    return catalog


def structure_problems(english: Instrument | Survey, translated: Instrument | Survey) -> list[str]:
    """How a translated file differs from its English file in anything but the text a
    respondent reads (empty when it may stand in for it)."""

    def shape(entry: Instrument | Survey) -> tuple:
        if isinstance(entry, Survey):
            return ("survey", entry.instruments)
        scale = entry.scale and (entry.scale.min, entry.scale.max)
        items = tuple(
            (i.id, i.type, i.polarity, tuple(p for p, _ in i.labels)) for i in entry.items
        )
        return ("instrument", scale, entry.scoring, items)

    problems = []
    if english.name != translated.name:
        problems.append(f"name {translated.name!r} is not {english.name!r}")
    mine, theirs = shape(english), shape(translated)
    if mine[0] != theirs[0]:
        problems.append(
            f"it is a{'' if theirs[0] == 'survey' else 'n'} {theirs[0]}, not a {mine[0]}"
        )
    elif isinstance(english, Survey) and mine != theirs:
        problems.append(f"'instruments' must be {list(mine[1])}, as in the English file")
    elif mine != theirs:
        if mine[1] != theirs[1]:
            problems.append("'scale' min and max must be those of the English file")
        if mine[2] != theirs[2]:
            problems.append("'scoring' must be that of the English file")
        if mine[3] != theirs[3]:
            problems.append(
                "the items' ids, order, types, polarities and labelled points must be those "
                "of the English file"
            )
    return problems


@functools.cache
def load_builtin(language: str = "en") -> Catalog:
    """The instruments and surveys shipped in course/surveys/instruments/, in ``language``:
    each one's translated file (``instruments/<language>/``) where there is one that
    matches its English file, else the English file."""
    if language == "en":
        return load_dir(BUILTIN_DIR)
    english, folder = load_builtin(), BUILTIN_DIR / language
    if not folder.is_dir():
        return english
    from . import checks

    translated: dict[str, Instrument | Survey] = {}
    for path in sorted(folder.glob("*.yaml")):
        entry, _ = checks.parse(path, Sink(str(path)))
        base = entry and (english.instruments.get(entry.name) or english.surveys.get(entry.name))
        if base is not None and not structure_problems(base, entry):
            translated[entry.name] = entry  # else the English file: `surveys check` says why
    return Catalog(
        MappingProxyType({n: translated.get(n, i) for n, i in english.instruments.items()}),
        MappingProxyType({n: translated.get(n, s) for n, s in english.surveys.items()}),
    )


def builtin_names() -> frozenset[str]:
    """Every name course.yaml may schedule: the shipped surveys and single instruments."""
    catalog = load_builtin()
    return frozenset(catalog.surveys) | frozenset(catalog.instruments)


def check_file(path: Path, catalog: Catalog | None = None) -> list[str]:
    """Every problem in one file as 'file:line: message'; names resolve in `catalog`.

    Without a catalog, names resolve among the built-in instruments.
    """
    from . import checks

    sink = Sink(str(path))
    entry, data = checks.parse(Path(path), sink)
    if entry is not None and data is not None and not sink.errors:
        checks.cross_check(entry, data, load_builtin() if catalog is None else catalog, sink)
    return [str(error) for error in sort_errors(sink.errors)]
