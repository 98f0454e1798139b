"""Content errors that point a trainer at a file and line."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NoReturn


@dataclass(frozen=True)
class ContentError:
    """One problem in one content file."""

    file: str
    line: int
    message: str

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


class Sink:
    """Collects errors for one file so parsers can report everything at once."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.errors: list[ContentError] = []

    def add(self, line: int, message: str) -> None:
        """Record one error at a line of this file."""
        self.errors.append(ContentError(self.file, line, message))

    def raise_if_any(self) -> None:
        """Raise ContentErrors when anything was recorded."""
        if self.errors:
            raise ContentErrors(self.errors)

    def fail(self) -> NoReturn:
        """Raise ContentErrors with what was recorded; callers use it once errors exist."""
        raise ContentErrors(self.errors)
