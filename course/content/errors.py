"""Content errors that point a trainer at a file, a line and a field."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NoReturn


@dataclass(frozen=True)
class ContentError:
    """One problem in one content file.

    ``path`` names the field at fault in the file's structure, e.g. ``title``,
    ``completion.min_seconds`` or ``questions[3].options[1].feedback`` (indices from 0);
    empty when the problem is the file as a whole. Editors place errors by it.
    """

    file: str
    line: int
    message: str
    path: str = ""

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class ContentErrors(Exception):
    """Every problem found in a file or a whole course directory."""

    def __init__(self, errors: Iterable[ContentError]) -> None:
        self.errors: list[ContentError] = sort_errors(errors)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(error) for error in self.errors)


def sort_errors(errors: Iterable[ContentError]) -> list[ContentError]:
    """Order errors by file, then line, keeping discovery order otherwise."""
    return sorted(errors, key=lambda error: (error.file, error.line))


def join(base: str, key: str | int | None) -> str:
    """A field path one step deeper: ``join("questions[2]", "id")``, ``join("questions", 2)``."""
    if key is None:
        return base
    if isinstance(key, int):
        return f"{base}[{key}]"
    return f"{base}.{key}" if base else key


_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def steps(path: str) -> list[str | int]:
    """A field path as its steps: ``questions[3].feedback`` -> ``["questions", 3, "feedback"]``."""
    return [int(index) if index else key for key, index in _STEP.findall(path)]


class Sink:
    """Collects errors for one file so parsers can report everything at once."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.errors: list[ContentError] = []

    def add(self, line: int, message: str, path: str = "") -> None:
        """Record one error at a line of this file (and at a field path, if known)."""
        self.errors.append(ContentError(self.file, line, message, path))

    def raise_if_any(self) -> None:
        """Raise ContentErrors when anything was recorded."""
        if self.errors:
            raise ContentErrors(self.errors)

    def fail(self) -> NoReturn:
        """Raise ContentErrors with what was recorded; callers use it once errors exist."""
        raise ContentErrors(self.errors)
