"""datapackage.json: the export as a Frictionless Data Package (v1, Table Schema), made from
the same declarations as the codebook, with each file's size and sha256 as written."""

from __future__ import annotations

import json
from typing import Any, TextIO

from course.research.export.codebook import export_tables
from course.research.export.context import ExportContext, iso
from course.research.export.schema import MISSING_REASONS, Column, Table
from course.research.export.sink import FileInfo

#: Files in the package that are not tables.
OTHER_FILES = {
    "xapi.jsonl": ("application/x-ndjson", "jsonl", "xAPI 1.0.3 statements, one per line"),
    "load.R": ("text/plain", "r", "Reads the CSV files into R with labels and missing reasons"),
    "load.do": ("text/plain", "do", "Reads the CSV files into Stata with labels"),
}


def resource_name(file: str) -> str:
    """A Data Package resource name: a CSV's name without ``.csv``, else ``load_r`` etc."""
    return file.removesuffix(".csv").lower().replace(".", "_")


def _typed(c: Column, value: str) -> Any:
    if c.type == "integer":
        return int(value)
    if c.type == "number":
        return float(value)
    return value


def _field(c: Column) -> dict[str, Any]:
    out: dict[str, Any] = {"name": c.name, "type": c.type, "title": c.label}
    out["description"] = c.description + (f" Unit: {c.unit}." if c.unit else "")
    constraints: dict[str, Any] = {}
    if c.required:
        constraints["required"] = True
    if c.codes:
        constraints["enum"] = [_typed(c, code) for code, _ in c.codes]
        out["valueLabels"] = {code: label for code, label in c.codes}
    if c.minimum is not None:
        constraints["minimum"] = (
            _typed(c, str(int(c.minimum))) if c.type == "integer" else c.minimum
        )
    if c.maximum is not None:
        constraints["maximum"] = (
            _typed(c, str(int(c.maximum))) if c.type == "integer" else c.maximum
        )
    if constraints:
        out["constraints"] = constraints
    if c.missing:
        out["missingReasons"] = [
            {"reason": r.reason, **({"when": {r.column: list(r.values)}} if r.column else {})}
            for r in c.missing
        ]
    if c.empty_means:
        out["emptyMeans"] = c.empty_means
    return out


def _schema(table: Table) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "fields": [_field(c) for c in table.columns],
        "missingValues": [""],
    }
    if table.primary_key:
        schema["primaryKey"] = list(table.primary_key)
    if table.foreign_keys:
        schema["foreignKeys"] = [
            {
                "fields": list(mine),
                "reference": {"resource": resource_name(other), "fields": list(theirs)},
            }
            for mine, other, theirs in table.foreign_keys
        ]
    return schema


def _resource(file: str, info: FileInfo) -> dict[str, Any]:
    return {
        "name": resource_name(file),
        "path": file,
        "bytes": info.bytes,
        "hash": f"sha256:{info.sha256}",
        "encoding": "utf-8",
    }


def package(ctx: ExportContext, files: dict[str, FileInfo]) -> dict[str, Any]:
    """The descriptor: one tabular resource per CSV written, then the other files."""
    resources = []
    for table in export_tables(ctx):
        if table.name not in files:
            continue
        resources.append(
            {
                **_resource(table.name, files[table.name]),
                "profile": "tabular-data-resource",
                "title": table.name,
                "description": f"One row per {table.row}.",
                "format": "csv",
                "mediatype": "text/csv",
                "dialect": {"delimiter": ",", "lineTerminator": "\n", "header": True},
                "schema": _schema(table),
            }
        )
    for file, (mediatype, fmt, description) in OTHER_FILES.items():
        if file in files:
            resources.append(
                {
                    **_resource(file, files[file]),
                    "profile": "data-resource",
                    "format": fmt,
                    "mediatype": mediatype,
                    "description": description,
                }
            )
    return {
        "profile": "data-package",
        "name": "alliance-research-export",
        "title": "Alliance Training Platform: research export",
        "description": "Pseudonymized trial data (study IDs only). An empty cell is missing; "
        "each field's missingReasons say why, from other columns of the same row "
        "(codebook.csv, missing_reasons.csv).",
        "created": iso(ctx.generated_at),
        "homepage": ctx.base_url,
        "missingReasons": [
            {"reason": code, "stata": stata, "label": label}
            for code, stata, label in MISSING_REASONS
        ],
        "resources": resources,
    }


def write_datapackage(ctx: ExportContext, files: dict[str, FileInfo], out: TextIO) -> None:
    """datapackage.json, indented."""
    json.dump(package(ctx, files), out, indent=2, ensure_ascii=False)
    out.write("\n")
