"""Typed reading of YAML mappings, reporting every problem with its line."""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any

from .errors import Sink, join
from .yamlsrc import YList, YMap, load_yaml

SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def check_file_name(sink: Sink, filename: str, pattern: str, example: str) -> None:
    """Refuse a YAML file not named by a slug (``pattern`` and ``example`` for the message)."""
    path = PurePosixPath(filename)
    if path.suffix != ".yaml" or not SLUG_RE.match(path.stem):
        sink.add(1, f"file name must be {pattern}, e.g. {example}")


def load_mapping(text: str, sink: Sink, what: str, example: str) -> YMap:
    """A content file's top-level mapping; anything else ends the parse with its errors."""
    ok, data = load_yaml(text, sink)
    if ok and not isinstance(data, YMap):
        sink.add(1, f"{what} must be a mapping of keys such as '{example}'")
    if not isinstance(data, YMap):
        sink.fail()
    return data


ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


def describe(value: Any) -> str:
    """Name a YAML value's type the way a trainer would say it."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"true/false ({str(value).lower()})"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, str):
        return "text"
    if isinstance(value, (YMap, dict)):
        return "a mapping of keys"
    if isinstance(value, (YList, list)):
        return "a list"
    return f"a {type(value).__name__}"


#: The largest whole number a content file may give (a 32-bit database integer).
MAX_INTEGER = 2**31 - 1


def is_int(value: Any) -> bool:
    """True for YAML integers, which Python also lets booleans pose as."""
    return isinstance(value, int) and not isinstance(value, bool)


class Fields:
    """One YAML mapping plus where to report problems about it."""

    def __init__(self, data: YMap, sink: Sink, where: str = "", path: str | None = None) -> None:
        self.data = data
        self.sink = sink
        self.prefix = f"{where}: " if where else ""
        #: The field path of this mapping (``questions[2]``); by default its name.
        self.path = where if path is None else path

    def error(self, key: str | None, message: str) -> None:
        """Report a problem at the line (and field path) of `key`, or of the mapping."""
        if key in self.data.reported:
            return
        self.sink.add(self.data.line_of(key), self.prefix + message, join(self.path, key))

    def check_keys(self, allowed: tuple[str, ...], required: tuple[str, ...]) -> None:
        """Report unknown keys and missing required keys."""
        for key in self.data:
            if key not in allowed:
                self.error(key, f"unknown key {key!r} (allowed: {', '.join(allowed)})")
        for key in required:
            if key not in self.data:
                self.sink.add(
                    self.data.line,
                    self.prefix + f"missing required key {key!r}",
                    join(self.path, key),
                )

    def text(self, key: str, *, required: bool = True) -> str | None:
        """A non-empty string value."""
        value = self.data.get(key)
        if value is None:
            if required and key in self.data:
                self.error(key, f"{key!r} must not be empty")
            return None
        if not isinstance(value, str):
            hint = " (put it in quotes)" if isinstance(value, (bool, int, float)) else ""
            self.error(key, f"{key!r} must be text, not {describe(value)}{hint}")
            return None
        if not value.strip():
            self.error(key, f"{key!r} must not be empty")
            return None
        return value

    def integer(self, key: str, *, minimum: int, maximum: int = MAX_INTEGER) -> int | None:
        """A whole number within bounds (never beyond what a database integer holds)."""
        value = self.data.get(key)
        if key not in self.data:
            return None
        if not is_int(value):
            self.error(key, f"{key!r} must be a whole number, not {describe(value)}")
            return None
        if not minimum <= value <= maximum:
            self.error(key, f"{key!r} must be between {minimum} and {maximum}, not {value}")
            return None
        return value

    def number(self, key: str, *, minimum: float, maximum: float) -> float | None:
        """An int or float from `minimum` to `maximum`."""
        value = self.data.get(key)
        if key not in self.data:
            return None
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            self.error(key, f"{key!r} must be a number, not {describe(value)}")
            return None
        if value != value or not minimum <= value <= maximum:
            self.error(key, f"{key!r} must be between {minimum:g} and {maximum:g}, not {value}")
            return None
        return float(value)

    def boolean(self, key: str) -> bool | None:
        """A YAML true/false."""
        value = self.data.get(key)
        if key not in self.data:
            return None
        if not isinstance(value, bool):
            self.error(key, f"{key!r} must be true or false, not {describe(value)}")
            return None
        return value

    def mapping(self, key: str) -> YMap | None:
        """A nested mapping (None when absent or empty)."""
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, YMap):
            self.error(key, f"{key!r} must be a mapping of keys, not {describe(value)}")
            return None
        return value

    def items(self, key: str) -> YList | None:
        """A list value (None when absent or empty)."""
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, YList):
            self.error(key, f"{key!r} must be a list, not {describe(value)}")
            return None
        return value

    def names(self, key: str, *, kind: str = "module slug") -> tuple[str, ...]:
        """A list of slug-shaped names, each checked, duplicates reported."""
        values = self.items(key)
        if values is None:
            return ()
        result: list[str] = []
        for index, (value, line) in enumerate(zip(values, values.item_lines, strict=True)):
            where = join(join(self.path, key), index)
            self.check_name(value, line, f"{key!r} entry", kind, where)
            if isinstance(value, str) and SLUG_RE.match(value):
                if value in result:
                    self.sink.add(line, self.prefix + f"{key!r} lists {value!r} twice", where)
                else:
                    result.append(value)
        return tuple(result)

    def check_name(self, value: Any, line: int, what: str, kind: str, path: str = "") -> bool:
        """Report a value that is not a slug-shaped name."""
        if isinstance(value, str) and SLUG_RE.match(value):
            return True
        if isinstance(value, str):
            message = (
                f"{what} {value!r} is not a valid {kind} "
                "(lowercase letters, digits and single hyphens)"
            )
        else:
            message = f"{what} must be a {kind}, not {describe(value)}"
        self.sink.add(line, self.prefix + message, path or self.path)
        return False
