"""Rules for text that ends up in one-line places: mail headers and calendar properties.

A line break in a subject would start a new mail header (a Bcc, say); in an ``.ics``
property it would start a new property. So such text is checked as single-line when a
person enters it (``is_single_line``, a clear message beside the field) and flattened
again when it is written (``one_line``), whatever older rows may hold.
"""

from __future__ import annotations

import re

# Every character Python's str.splitlines() breaks on, plus the other C0/C1 controls.
_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def is_single_line(value: str) -> bool:
    """True when ``value`` holds no line break or other control character."""
    return _BREAKS.search(value) is None


def one_line(value: str) -> str:
    """``value`` with every line break and control character turned into one space."""
    flat = _BREAKS.sub(" ", value)
    return " ".join(flat.split()) if flat != value else flat.strip()
