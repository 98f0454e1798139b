"""Every CSV cell a spreadsheet would run as a formula is written inert (OWASP)."""

from __future__ import annotations

import csv
import io
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from course.research.export.context import _BLOCK_ROWS, FORMULA_STARTS, write_csv


def _written(rows) -> list[list[str]]:
    out = io.StringIO()
    count = write_csv(out, ["a", "b", "c"], rows)
    assert count == len(rows)
    return list(csv.reader(io.StringIO(out.getvalue(), newline="")))[1:]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\r=x", "'\n=x"),
        ("one\rtwo\r\nthree", "one\ntwo\nthree"),
        ("-3", "-3"),
        ("-3.25", "-3.25"),
        ("1e-5", "1e-5"),
        ("a = b", "a = b"),
        ('He said "=no"', 'He said "=no"'),
        ("", ""),
    ],
)
def test_a_cell_is_neutralised_only_when_it_starts_like_a_formula(cell, expected):
    assert _written([("x", cell, 1)]) == [["x", expected, "1"]]


def test_numbers_stay_numbers_and_the_first_cell_counts_too():
    assert _written([(-4, 2.5, None), ("=A1", "b", "c")]) == [["-4", "2.5", ""], ["'=A1", "b", "c"]]


def test_a_formula_deep_in_a_long_file_is_found():
    rows = [(n, "plain", "2026-01-01T00:00:00Z") for n in range(3 * _BLOCK_ROWS)]
    rows[2 * _BLOCK_ROWS + 7] = (1, "@SUM(1)", "x")
    written = _written(rows)
    assert written[2 * _BLOCK_ROWS + 7][1] == "'@SUM(1)"
    assert sum(cell.startswith("'") for row in written for cell in row) == 1


@given(st.lists(st.tuples(st.text(max_size=12), st.integers(), st.text(max_size=12)), max_size=30))
def test_no_written_text_cell_starts_like_a_formula(rows):
    for source, written in zip(rows, _written(rows), strict=True):
        for original, cell in zip(source, written, strict=True):
            if not isinstance(original, str):
                continue
            flat = original.replace("\r\n", "\n").replace("\r", "\n")
            number = re.fullmatch(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?", original)
            if original.startswith(FORMULA_STARTS) and not number:
                assert cell == "'" + flat
            else:
                assert cell == flat
