"""Completion criteria that other features measure: a quiz passed, a scenario finished...

A module's completion rule names its criteria by key. Active time and video coverage
belong to learning (``course.learning.completion``); any other key is measured by the
feature that records the fact, which registers a :class:`Criterion` here when it is
imported. Learning asks the registry and so never imports those features; they send a
signal (``course.signals``) when their fact changes, and learning re-evaluates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class ChecklistItem:
    """One completion criterion and how far along it is."""

    kind: str  # time, video, quiz, ...
    label: str
    status: str  # e.g. "7 of 10 minutes", "92% watched", "passed (90%)"
    fraction: float
    done: bool


class Criterion(Protocol):
    """What a feature provides to measure one completion key for one person."""

    #: The key in a module's ``completion`` rule, e.g. ``quiz``.
    key: str

    def standings(self, user_id: int, modules: Sequence[Any]) -> Mapping[str, Any]:
        """This person's records for the criterion over ``modules`` (one query)."""

    def item(self, rule: Any, module: Any, standings: Mapping[str, Any]) -> ChecklistItem:
        """The checklist line for a module whose rule gives this key the value ``rule``."""

    def started(self, module: Any, standings: Mapping[str, Any]) -> bool:
        """Whether the person has begun this criterion in ``module`` (for "in progress")."""


_registry: dict[str, Criterion] = {}


def register(criterion: Criterion) -> Criterion:
    """Make ``criterion`` measure its key in every module's completion rule."""
    _registry[criterion.key] = criterion
    return criterion


def registered() -> Mapping[str, Criterion]:
    """Every registered criterion by key."""
    return _registry


def needed(modules: Sequence[Any]) -> list[Criterion]:
    """The registered criteria that any of ``modules`` asks for."""
    keys = {key for module in modules for key, rule in (module.completion or {}).items() if rule}
    return [criterion for key, criterion in _registry.items() if key in keys]


def standings_for(user_id: int, modules: Sequence[Any]) -> dict[str, Mapping[str, Any]]:
    """Each needed criterion's standings for ``user_id``: one query per criterion."""
    return {c.key: c.standings(user_id, modules) for c in needed(modules)}
