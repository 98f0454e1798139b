"""Models of features the research data reads but does not own, if they are installed.

Imported when research loads, so their tables are part of the schema whenever research
is; an installation without one of these features exports that file with a header only.
"""

from __future__ import annotations

from types import ModuleType


def _load(name: str) -> ModuleType | None:
    from importlib import import_module

    try:
        return import_module(f"course.{name}.models")
    except ImportError:
        return None


consultations = _load("consultations")
surveys = _load("surveys")
certificates = _load("certificates")
