"""codebook.csv: one row per column of every CSV in the export, made from the declarations
in ``tables.py`` (and, for ``redcap_import.csv``, from the REDCap fields of this export).
"""

from __future__ import annotations

from typing import TextIO

from course.research.export.context import ExportContext, number, write_csv
from course.research.export.redcap_fields import ARM_CODES, PLATFORM_FORMS, Field, fields, forms
from course.research.export.schema import FLAG, MISSING_REASONS, Column, Missing, Table
from course.research.export.tables import REGISTRY

#: REDCap's form status codes.
COMPLETE_CODES = (("0", "Incomplete"), ("1", "Unverified"), ("2", "Complete"))
#: The REDCap codes of the arms without the self-paced course (see COURSE_ARMS_ONLY).
_NO_COURSE = (str(ARM_CODES["workshop"]), str(ARM_CODES["control"]))


def _redcap_missing(f: Field) -> tuple[Missing, ...]:
    if f.form not in PLATFORM_FORMS:
        rules = [Missing("not_yet_due", f"{f.form}_complete", ("0",))]
        if f.name.endswith("_score"):
            rules.append(Missing("not_scored"))
        return (*rules, Missing("not_recorded"))
    if f.form == "learning":
        return (Missing("not_in_arm", "arm", _NO_COURSE), Missing("not_yet_due"))
    return (Missing("not_yet_due"),)


def _redcap_columns(f: Field) -> list[Column]:
    if f.type == "checkbox":
        return [
            Column(f"{f.name}___{code}", "integer", f"{f.label}: {label}", codes=FLAG)
            for code, label in f.choices
        ]
    if f.name == "record_id":
        return [Column("record_id", "string", "Study ID (pseudonym)", required=True)]
    codes = tuple((str(code), label) for code, label in f.choices)
    kind = {"integer": "integer", "number": "number", "date_ymd": "date"}.get(f.validation)
    if f.type in ("radio", "yesno"):
        kind, codes = "integer", codes or FLAG
    low = float(f.minimum) if f.minimum else None
    high = float(f.maximum) if f.maximum else None
    return [
        Column(
            f.name,
            kind or "string",
            f"{f.label}. {f.note}" if f.note else f.label,
            unit="UTC" if kind == "date" else "",
            codes=codes,
            minimum=low,
            maximum=high,
            missing=_redcap_missing(f),
        )
    ]


def redcap_table(items: list[Field]) -> Table:
    """redcap_import.csv declared from this export's REDCap fields, in the import's order."""
    columns: list[Column] = []
    for form in forms(items):
        for f in items:
            if f.form == form:
                columns += _redcap_columns(f)
        columns.append(
            Column(f"{form}_complete", "integer", f"Form '{form}' status", codes=COMPLETE_CODES)
        )
    return Table(
        "redcap_import.csv",
        "participant (REDCap flat record; labels also in data_dictionary.csv)",
        tuple(columns),
        primary_key=("record_id",),
        foreign_keys=((("record_id",), "participants.csv", ("study_id",)),),
    )


def export_tables(ctx: ExportContext) -> list[Table]:
    """Every CSV of this export, declared, in the order written (codebook.csv last)."""
    items = ctx.once("redcap_fields", lambda: fields(ctx))
    declared = dict(REGISTRY.tables)
    about = [declared.pop("codebook.csv"), declared.pop("missing_reasons.csv")]
    return [*declared.values(), redcap_table(items), *about]


def _range(c: Column) -> str:
    if c.minimum is None and c.maximum is None:
        return ""
    low = "" if c.minimum is None else number(c.minimum, 4)
    high = "" if c.maximum is None else number(c.maximum, 4)
    return f"{low} to {high}" if low and high else (f">= {low}" if low else f"<= {high}")


def codebook_csv(ctx: ExportContext, out: TextIO) -> int:
    """One row per file and column: type, unit, label, codes, range and missing reasons."""

    def rows():
        for table in export_tables(ctx):
            for position, c in enumerate(table.columns, start=1):
                yield (
                    table.name, position, c.name, c.type, c.unit, c.label, c.description,
                    " | ".join(f"{code}={label}" for code, label in c.codes), _range(c),
                    " ; ".join(rule.describe() for rule in c.missing), c.empty_means,
                )  # fmt: skip

    return write_csv(out, REGISTRY.header("codebook.csv"), rows())


def missing_reasons_csv(ctx: ExportContext, out: TextIO) -> int:
    """Every reason a cell may be empty, with its Stata extended missing value."""
    return write_csv(out, REGISTRY.header("missing_reasons.csv"), MISSING_REASONS)
