"""The one declaration of every export file's columns, which the writers, the codebook,
``datapackage.json`` and the R and Stata scripts all read, so none of them can drift.

Missing values are empty cells, which R (``na.strings = ""``), Stata (``.`` or ``""``),
pandas and Frictionless all read as missing. Why a cell is empty is never guessed: each
column declares the reasons it can be empty, each under a condition on another column
of the same row (``arm`` is ``control``; ``ended`` is ``0``), so the reason follows from
the row. ``load.R`` adds it as a ``<column>_missing`` factor and ``load.do`` as Stata's
extended missing values (``.a``...); the codebook lists it for everyone else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: Where a description's first clause ends (not inside "e.g." or "i.e.").
_CLAUSE = re.compile(r"(?<!e\.g)(?<!i\.e)\. |; ")

#: Every reason a cell may be empty: code, Stata extended missing value, label.
MISSING_REASONS: tuple[tuple[str, str, str], ...] = (
    ("not_in_arm", ".a", "Not in this arm: the participant's arm does not offer it"),
    ("not_yet_due", ".b", "Not yet due, or not happened yet (not randomized, not done, "
     "not rated, not answered, not submitted)"),
    ("withdrawn", ".c", "Withdrawn: a participant who withdrew consent is absent from every "
     "file (whole rows, never an empty cell); consort.csv counts them"),
    ("not_applicable", ".d", "Does not apply to this kind of row"),
    ("not_exported", ".e", "Not exported: free text is left out unless it was asked for"),
    ("removed", ".f", "Removed: its author withdrew it, or faculty hid it"),
    ("not_scored", ".g", "Not scored: too many items missing for the instrument's rule"),
    ("not_recorded", ".h", "Not recorded: the platform has no value (e.g. data made before "
     "the feature existed)"),
)  # fmt: skip
REASONS = {code for code, _, _ in MISSING_REASONS}

#: Table Schema types the export uses, and the R and Stata types they become.
TYPES = ("string", "integer", "number", "datetime", "date")


@dataclass(frozen=True)
class Missing:
    """Why a cell is empty: ``reason``, when ``column``'s raw value is one of ``values``
    (``""`` for empty); without a column, whenever no earlier rule matched."""

    reason: str
    column: str = ""
    values: tuple[str, ...] = ()

    def describe(self) -> str:
        """E.g. ``not_in_arm when arm is control``."""
        if not self.column:
            return self.reason
        shown = ", ".join(v or "(empty)" for v in self.values)
        return f"{self.reason} when {self.column} is {shown}"


@dataclass(frozen=True)
class Column:
    """One column: its name, Table Schema type, meaning, unit, codes and missing reasons."""

    name: str
    type: str
    description: str
    unit: str = ""
    codes: tuple[tuple[str, str], ...] = ()
    missing: tuple[Missing, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    #: An empty cell is a value, not missing (e.g. "no tags"); said in the codebook.
    empty_means: str = ""
    required: bool = False

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            raise ValueError(f"{self.name}: unknown type {self.type!r}")
        for rule in self.missing:
            if rule.reason not in REASONS:
                raise ValueError(f"{self.name}: unknown missing reason {rule.reason!r}")

    @property
    def label(self) -> str:
        """A short variable label: the description's first clause, at most 80 characters."""
        text = _CLAUSE.split(self.description)[0].rstrip(".")
        return text if len(text) <= 80 else text[:77].rstrip() + "..."

    @property
    def numeric_codes(self) -> bool:
        """Codes stored as numbers (kept numeric, labelled) rather than text (a factor)."""
        return self.type in ("integer", "number")


@dataclass(frozen=True)
class Table:
    """One CSV file: what a row is, its columns in order, and its keys."""

    name: str
    row: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()
    #: (columns, other file, its columns)
    foreign_keys: tuple[tuple[tuple[str, ...], str, tuple[str, ...]], ...] = ()
    #: Read by load.R and load.do (data files; not the REDCap dictionary or the codebook).
    loaded: bool = True
    notes: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        """The header, in order."""
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        """The column called ``name``."""
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")


@dataclass
class Registry:
    """The declared files by name, in the order they are written."""

    tables: dict[str, Table] = field(default_factory=dict)

    def add(self, table: Table) -> Table:
        """Declare ``table`` (once), checking its rules name real columns."""
        if table.name in self.tables:
            raise ValueError(f"{table.name} is declared twice")
        names = set(table.names)
        if len(names) != len(table.columns):
            raise ValueError(f"{table.name} declares a column twice")
        for c in table.columns:
            for rule in c.missing:
                if rule.column and rule.column not in names:
                    raise ValueError(f"{table.name}.{c.name}: no column {rule.column!r}")
        self.tables[table.name] = table
        return table

    def header(self, name: str) -> tuple[str, ...]:
        """The columns a writer must write, in order."""
        return self.tables[name].names


# --- helpers for declarations -----------------------------------------------------------

FLAG = (("0", "No"), ("1", "Yes"))
ARM_CODES = (
    ("self_paced", "Self-paced virtual course"),
    ("workshop", "Synchronous workshop"),
    ("control", "Control (wait-list)"),
    ("open", "Outside the trial"),
)
NOT_YET = (Missing("not_yet_due"),)
#: The self-paced course: the workshop arm never has it, the control arm not before the
#: trial ends (course/learning/access.py); anyone else has not got there yet.
COURSE_ARMS_ONLY = (Missing("not_in_arm", "arm", ("workshop", "control")), Missing("not_yet_due"))


def text(name: str, description: str, **kw) -> Column:
    """A text column."""
    return Column(name, "string", description, **kw)


def integer(name: str, description: str, **kw) -> Column:
    """An integer column."""
    return Column(name, "integer", description, **kw)


def num(name: str, description: str, **kw) -> Column:
    """A decimal number column."""
    return Column(name, "number", description, **kw)


def moment(name: str, description: str, **kw) -> Column:
    """An ISO 8601 UTC time to the second (``2026-03-01T08:00:00Z``)."""
    return Column(name, "datetime", description, unit="UTC", **kw)


def flag(name: str, description: str, **kw) -> Column:
    """A 0/1 column."""
    return Column(name, "integer", description, codes=FLAG, minimum=0, maximum=1, **kw)


def seconds(name: str, description: str, **kw) -> Column:
    """A duration in seconds."""
    return Column(name, "number", description, unit="seconds", minimum=0, **kw)


def study_id(description: str = "The participant's study ID (a pseudonym).") -> Column:
    """The study ID column every per-person file starts with."""
    return Column("study_id", "string", description, required=True)


def arm(description: str = "The participant's arm now.") -> Column:
    """The participant's arm; empty before allocation."""
    return Column("arm", "string", description, codes=ARM_CODES, missing=NOT_YET)


#: The content languages a record may be in (course.web.i18n.CONTENT_LANGUAGES).
LANGUAGE_CODES = (("en", "English"), ("fr", "French (Canadian French pages)"))


def language(name: str, description: str, **kw) -> Column:
    """The language of the page a record was made on (en, fr)."""
    return Column(name, "string", description, codes=LANGUAGE_CODES, **kw)


#: study_id refers to participants.csv (every included participant is listed there).
PERSON = ((("study_id",), "participants.csv", ("study_id",)),)
