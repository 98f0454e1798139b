"""load.R and load.do: read the export's data files with their labels, written from the same
declarations as the codebook (every file, column, code and label comes from there)."""

from __future__ import annotations

from typing import TextIO

from course.research.export.codebook import export_tables
from course.research.export.context import ExportContext
from course.research.export.schema import MISSING_REASONS, Column, Table

# --- R ----------------------------------------------------------------------------------

R_HELPERS = r"""# Helpers: read every cell as text first, so missing reasons see the raw codes.
.read <- function(file, columns) {
  d <- utils::read.csv(file, colClasses = "character", na.strings = "",
                       check.names = FALSE, encoding = "UTF-8", fileEncoding = "UTF-8")
  if (!identical(names(d), columns)) stop(file, ": columns differ from the codebook")
  d
}
.why <- function(d, column, rules) {
  out <- rep(NA_character_, nrow(d))
  todo <- is.na(d[[column]])
  for (rule in rules) {
    hit <- todo
    if (length(rule) > 1) {
      other <- d[[rule[[2]]]]
      other[is.na(other)] <- ""
      hit <- hit & other %in% rule[[3]]
    }
    out[hit] <- rule[[1]]
    todo <- todo & !hit
  }
  factor(out, levels = names(missing_reasons), labels = missing_reasons)
}
.time <- function(x) as.POSIXct(x, format = "%Y-%m-%dT%H:%M:%SZ", tz = "UTC")
.labelled <- function(x, codes, labels) {
  attr(x, "labels") <- stats::setNames(codes, labels)
  x
}
"""


def r_string(value: str) -> str:
    """An R string literal."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _r_vector(values, *, numbers: bool = False) -> str:
    return "c(" + ", ".join(v if numbers else r_string(v) for v in values) + ")"


def _r_convert(c: Column) -> list[str]:
    col = f"d[[{r_string(c.name)}]]"
    lines = []
    if c.type == "string" and c.empty_means:
        lines.append(f'{col}[is.na({col})] <- ""')
    if c.type in ("integer", "number"):
        lines.append(f"{col} <- as.{'integer' if c.type == 'integer' else 'numeric'}({col})")
    elif c.type == "datetime":
        lines.append(f"{col} <- .time({col})")
    elif c.type == "date":
        lines.append(f"{col} <- as.Date({col})")
    if c.codes:
        codes = [code for code, _ in c.codes]
        labels = _r_vector(label for _, label in c.codes)
        if c.numeric_codes:
            lines.append(f"{col} <- .labelled({col}, {_r_vector(codes, numbers=True)}, {labels})")
        else:
            lines.append(f"{col} <- factor({col}, levels = {_r_vector(codes)}, labels = {labels})")
    lines.append(f'attr({col}, "label") <- {r_string(c.label)}')
    return lines


def r_table(table: Table) -> str:
    """The R lines that read one file into ``alliance$<name>``."""
    lines = [f"# {table.name}: one row per {table.row}"]
    lines.append(f"d <- .read({r_string(table.name)}, {_r_vector(table.names)})")
    for c in table.columns:
        if c.missing:
            rules = ", ".join(
                "list("
                + ", ".join(
                    [r_string(r.reason)]
                    + ([r_string(r.column), _r_vector(r.values)] if r.column else [])
                )
                + ")"
                for r in c.missing
            )
            lines.append(f"d[[{r_string(c.name + '_missing')}]] <- .why(d, {r_string(c.name)}, "
                         f"list({rules}))")  # fmt: skip
    for c in table.columns:
        lines += _r_convert(c)
    name = table.name.rsplit(".", 1)[0]
    lines.append(f"alliance[[{r_string(name)}]] <- d")
    return "\n".join(lines) + "\n"


def load_r(ctx: ExportContext, out: TextIO) -> None:
    """load.R: ``source("load.R")`` in the export's folder gives the list ``alliance``."""
    out.write(
        '# Reads this research export into R: source("load.R") in the unzipped folder gives\n'
        "# `alliance`, a list of data frames (alliance$participants, ...). Empty cells are NA;\n"
        "# <column>_missing says why (a factor of missing_reasons). Coded text columns are\n"
        '# factors; coded numbers keep their codes with a "labels" attribute; every column\n'
        '# has a "label" attribute. Times are POSIXct in UTC. Base R only.\n'
        "# Written by the export from the same declarations as codebook.csv.\n\n"
    )
    reasons = ", ".join(f"{code} = {r_string(label)}" for code, _, label in MISSING_REASONS)
    out.write(f"missing_reasons <- c({reasons})\n")
    out.write(R_HELPERS + "\nalliance <- list()\n\n")
    for table in export_tables(ctx):
        if table.loaded:
            out.write(r_table(table) + "\n")
    out.write("rm(d)\n")


# --- Stata ------------------------------------------------------------------------------

STATA_CODES = {code: stata for code, stata, _ in MISSING_REASONS}
STATA_LABELS = {stata: label for _, stata, label in MISSING_REASONS}


def stata_string(value: str, limit: int = 80) -> str:
    """A Stata compound-quoted string with nothing a macro could expand, at most ``limit``."""
    clean = " ".join(value.replace("`", "'").replace("$", "").replace('"', "'").split())
    return '`"' + clean[:limit] + "\"'"


def _stata_condition(column: str, values: tuple[str, ...]) -> str:
    return "(" + " | ".join(f'{column} == "{v}"' for v in values) + ")"


def _stata_reasons(c: Column, var: str) -> list[str]:
    """Lines that store, in the string ``var``, the letter of the reason each empty cell
    of ``c`` has, read from the raw text of the row (before any conversion)."""
    lines = [f'generate str1 {var} = ""']
    for rule in c.missing:
        letter = STATA_CODES[rule.reason][1]
        when = f" & {_stata_condition(rule.column, rule.values)}" if rule.column else ""
        lines.append(f'replace {var} = "{letter}" if {c.name} == "" & {var} == ""{when}')
    return lines


def _stata_convert(c: Column) -> list[str]:
    name = c.name
    if c.type in ("integer", "number"):
        lines = [f"destring {name}, replace"]
    elif c.type in ("datetime", "date"):
        parsed = (
            f'clock(subinstr(subinstr({name}, "T", " ", 1), "Z", "", 1), "YMDhms")'
            if c.type == "datetime"
            else f'date({name}, "YMD")'
        )
        shown = "%tc" if c.type == "datetime" else "%td"
        lines = [f"generate double _t = {parsed}", f"drop {name}", f"rename _t {name}",
                 f"format {name} {shown}"]  # fmt: skip
    else:
        lines = []
    labels = []
    if c.codes and not c.numeric_codes:
        pairs = " ".join(f"{n} {stata_string(label)}" for n, (_, label) in enumerate(c.codes, 1))
        lines += [f"label define {name}_l {pairs}, replace",
                  f"encode {name}, generate(_e) label({name}_l) noextend",
                  f"order _e, after({name})", f"drop {name}", f"rename _e {name}"]  # fmt: skip
    elif c.codes:
        labels = [f"{code} {stata_string(label)}" for code, label in c.codes]
    if c.numeric_codes:
        letters = dict.fromkeys(STATA_CODES[r.reason] for r in c.missing)
        labels += [f"{stata} {stata_string(STATA_LABELS[stata])}" for stata in letters]
    if labels:
        lines += [f"label define {name}_l {' '.join(labels)}, replace",
                  f"label values {name} {name}_l"]  # fmt: skip
    return [*lines, f"label variable {name} {stata_string(c.label)}"]


def stata_table(table: Table) -> str:
    """The Stata lines that read one file, label it and save it as ``<name>.dta``."""
    stem = table.name.rsplit(".", 1)[0]
    lines = [
        f"* {table.name}: one row per {table.row}",
        f'import delimited using "{table.name}", varnames(1) case(preserve) '
        'encoding("utf-8") bindquote(strict) stringcols(_all) clear',
    ]
    kept = [(f"_m{i}", c) for i, c in enumerate(table.columns) if c.missing and c.type != "string"]
    for var, c in kept:
        lines += _stata_reasons(c, var)
    for c in table.columns:
        lines += _stata_convert(c)
    for var, c in kept:
        for letter in dict.fromkeys(STATA_CODES[r.reason][1] for r in c.missing):
            lines.append(f'replace {c.name} = .{letter} if {var} == "{letter}"')
        lines.append(f"drop {var}")
    lines.append(f'save "{stem}.dta", replace')
    return "\n".join(lines) + "\n"


def load_do(ctx: ExportContext, out: TextIO) -> None:
    """load.do: ``do load.do`` in the export's folder saves one labelled .dta per file."""
    out.write(
        "* Reads this research export into Stata (14 or later): `do load.do` in the unzipped\n"
        "* folder saves one labelled .dta per CSV (participants.dta, ...). Empty cells are\n"
        "* missing; a numeric or time column gets an extended missing value saying why:\n"
    )
    for code, stata, label in MISSING_REASONS:
        out.write(f"*   {stata} {code}: {label}\n")
    out.write(
        "* Coded text columns become labelled numbers (encode); times are %tc (UTC) and\n"
        "* dates %td. Written by the export from the same declarations as codebook.csv.\n\n"
        "version 14\nset more off\n\n"
    )
    for table in export_tables(ctx):
        if table.loaded:
            out.write(stata_table(table) + "\n")
