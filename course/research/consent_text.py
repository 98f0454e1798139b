"""The consent text as shown: the version's Markdown with the study's settings filled in.

``{{ study.pi }}`` in ``consent-<version>.md`` becomes COURSE_STUDY_PI, and so on for every
STUDY_ setting (course/config.py). The filled Markdown is what the page renders, what the
PDF copy prints, and what its SHA-256 is taken of, so one hash names exactly one text.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any

from course.config import PREFIX, STUDY_SETTINGS

PLACEHOLDER = re.compile(r"\{\{\s*study\.([a-z_]+)\s*\}\}")
KEYS = {name.removeprefix("STUDY_").lower(): name for name in STUDY_SETTINGS}


def placeholders(text: str) -> list[str]:
    """Every ``{{ study.<key> }}`` key in a text, in order (unknown ones too)."""
    return PLACEHOLDER.findall(text)


#: Begins what a placeholder naming no setting becomes; a text holding it cannot be accepted.
UNKNOWN_MARK = "(the consent text names an unknown setting:"


def unknown_placeholders(text: str) -> list[str]:
    """Keys in the text that no STUDY_ setting fills."""
    return [key for key in placeholders(text) if key not in KEYS]


def fill(text: str, config: Mapping[str, Any]) -> str:
    """The text with each placeholder replaced; an unset one says which setting to set."""

    def value(match: re.Match) -> str:
        key = match.group(1)
        if key not in KEYS:
            # Said in the text rather than raised: every therapist is sent to this page,
            # and acceptance is refused while the mark is in it (consent._check_acceptance).
            return f"{UNKNOWN_MARK} study.{key})"
        setting = config.get(KEYS[key])
        if setting is None or not str(setting).strip():
            return f"(not set yet: {PREFIX}{KEYS[key]})"
        # One line: a value cannot start a heading or a list in the Markdown around it.
        return " ".join(str(setting).split())

    return PLACEHOLDER.sub(value, text)


def sha256_text(text: str) -> str:
    """The hex SHA-256 of the text's UTF-8 bytes (what `sha256sum` prints for the file)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
