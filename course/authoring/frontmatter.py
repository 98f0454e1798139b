"""Keep a module's front matter as it was written where the editor changed nothing.

The editor rebuilds front matter from its fields with PyYAML, which quotes in its own way
(``title: "A: b"`` comes back as ``title: 'A: b'``) and drops empty keys (``requires: []``).
Saving that text as-is made every revision's diff show changes nobody made, so each
top-level key whose value is unchanged keeps its old lines, comments included.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

_KEY = re.compile(r"^(?P<key>[A-Za-z_][\w-]*)\s*:")
_EMPTY: tuple[Any, ...] = (None, "", [], {})


def _blocks(front: str) -> tuple[str, list[tuple[str, str]]] | None:
    """The lines before the first key, then (key, its lines) in order; None if unusual."""
    preamble: list[str] = []
    blocks: list[tuple[str, list[str]]] = []
    for line in front.splitlines(keepends=True):
        match = _KEY.match(line)
        if match:
            blocks.append((match["key"], [line]))
        elif blocks:
            blocks[-1][1].append(line)
        else:
            preamble.append(line)
    keys = [key for key, _ in blocks]
    if len(set(keys)) != len(keys):
        return None
    return "".join(preamble), [(key, "".join(lines)) for key, lines in blocks]


def _load(text: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return None


def keep_written_front(previous: str, composed: str, implied: dict[str, Any]) -> str:
    """``composed`` front matter, with the ``previous`` lines of every unchanged key;
    ``implied`` holds values the previous text meant without writing them (its slug)."""
    old, new = _blocks(previous), _blocks(composed)
    wanted = _load(composed)
    if old is None or new is None or not isinstance(_load(previous), dict):
        return composed
    preamble, old_blocks = old
    new_text = dict(new[1])
    new_values = wanted if isinstance(wanted, dict) else {}
    kept: list[tuple[str, str]] = []
    for key, text in old_blocks:
        value = (_load(text) or {}).get(key) if isinstance(_load(text), dict) else None
        if key in new_values:
            kept.append((key, text if value == new_values[key] else new_text[key]))
        elif value in _EMPTY:  # the editor leaves empty keys out; they mean the same
            kept.append((key, text))
    order = [key for key, _ in new[1]]
    for key in order:
        if key in dict(kept) or (key in implied and implied[key] == new_values.get(key)):
            continue
        earlier = [i for i, (k, _) in enumerate(kept) if k in order[: order.index(key)]]
        kept.insert(earlier[-1] + 1 if earlier else 0, (key, new_text[key]))
    result = preamble + "".join(text for _, text in kept)
    # Whatever happens above, the text must mean exactly what the fields say.
    loaded = _load(result)
    meant = {k: v for k, v in implied.items() if k in new_values}
    same = (
        isinstance(loaded, dict)
        and {
            **meant,
            **{k: v for k, v in loaded.items() if k in new_values or v not in _EMPTY},
        }
        == new_values
    )
    return result if same else composed
