"""Every action the code records has words on the audit page and a family in its filter.

The actions are read from the source (calls to ``record(...)`` whose first argument is a
string or an f-string over the consent decisions), so a new action cannot reach the log
as a bare name without this test failing.
"""

from __future__ import annotations

import ast
from pathlib import Path

import course
from course.audit.describe import ACTIONS, KINDS
from course.research.models import DECISIONS

SOURCE = Path(course.__file__).parent


def _recorded_actions() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in SOURCE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name != "record":
                continue
            first, where = node.args[0], f"{path.relative_to(SOURCE)}:{node.lineno}"
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                found[first.value] = where
            elif isinstance(first, ast.JoinedStr):
                prefix = "".join(
                    part.value for part in first.values if isinstance(part, ast.Constant)
                )
                assert prefix == "research.consent_", f"an unknown f-string action at {where}"
                for decision in DECISIONS:
                    found[prefix + decision] = where
            elif isinstance(first, ast.Name):
                continue  # a variable (auth's role/active change), checked below by name
    return found


def test_the_scan_finds_the_actions_it_should():
    actions = _recorded_actions()
    assert {"auth.login", "research.consent_declined", "content.published"} <= set(actions)
    assert len(actions) >= 30


def test_every_recorded_action_has_words_and_a_family():
    actions = _recorded_actions()
    # auth/services.py records these two through a variable, from a tuple of field changes
    actions |= {"admin.role_changed": "auth", "admin.active_changed": "auth"}
    missing = {action: where for action, where in actions.items() if action not in ACTIONS}
    assert not missing, f"actions recorded without words in course/audit/describe.py: {missing}"
    families = {action.split(".")[0] for action in actions} - set(KINDS)
    assert not families, f"action families missing from the audit filter: {families}"
