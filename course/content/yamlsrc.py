"""YAML loading that remembers the line of every key and list item."""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import Sink

_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"


class YMap(dict):
    """A YAML mapping; `line` is where it starts, `key_lines[key]` where each key is."""

    line: int = 1

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[Any, int] = {}
        # Keys whose value was already reported (alias, odd tag); no second error.
        self.reported: set[Any] = set()

    def line_of(self, key: Any) -> int:
        """Line of a key, or of the mapping itself when the key is absent."""
        return self.key_lines.get(key, self.line)


class YList(list):
    """A YAML sequence; `line` is where it starts, `item_lines[i]` where each item is."""

    line: int = 1

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.item_lines: list[int] = []


def load_yaml(text: str, sink: Sink, offset: int = 0) -> tuple[bool, Any]:
    """Parse one YAML document; returns (ok, value). `offset` counts lines before `text`."""
    last_line = offset + max(1, text.count("\n") + (0 if text.endswith("\n") else 1))
    loader = None
    try:
        loader = yaml.SafeLoader(text)
        node = loader.get_single_node()
        if node is None:
            return True, None
        before = len(sink.errors)
        value = _Builder(loader, sink, offset).build(node)
        return len(sink.errors) == before, value
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + offset if mark is not None else 1 + offset
        detail = "; ".join(part for part in (exc.context, exc.problem) if part)
        sink.add(min(line, last_line), f"YAML syntax error: {detail}")
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1 + offset
        sink.add(line, f"character {exc.character:#06x} is not allowed in YAML")
    except yaml.YAMLError as exc:
        sink.add(1 + offset, f"YAML error: {exc}")
    finally:
        if loader is not None:
            loader.dispose()
    return False, None


class _Builder:
    """Turns a composed node tree into YMap/YList/scalars, refusing aliases and odd tags."""

    def __init__(self, loader: yaml.SafeLoader, sink: Sink, offset: int) -> None:
        self.loader = loader
        self.sink = sink
        self.offset = offset
        # An alias reuses a node object; refusing reuse rules out recursion and
        # exponential "billion laughs" expansion.
        self.seen: set[int] = set()

    def line(self, node: Node) -> int:
        return node.start_mark.line + 1 + self.offset

    def build(self, node: Node, at: int | None = None) -> Any:
        if id(node) in self.seen:
            line = at if at is not None else self.line(node)
            self.sink.add(line, "YAML anchors and aliases (&, *) are not supported")
            return None
        self.seen.add(id(node))
        if isinstance(node, MappingNode):
            return self._mapping(node)
        if isinstance(node, SequenceNode):
            return self._sequence(node)
        return self._scalar(node)

    def _mapping(self, node: MappingNode) -> YMap | None:
        if node.tag != _MAP_TAG:
            self.sink.add(self.line(node), f"unsupported YAML tag {node.tag!r}")
            return None
        result = YMap(self.line(node))
        for key_node, value_node in node.value:
            key = self.build(key_node)
            if not isinstance(key_node, ScalarNode) or isinstance(key, (YMap, YList)):
                self.sink.add(
                    self.line(key_node), "a key must be a plain word, not a list or mapping"
                )
                continue
            if key in result:
                self.sink.add(self.line(key_node), f"duplicate key {key!r}")
                continue
            before = len(self.sink.errors)
            result[key] = self.build(value_node, at=self.line(key_node))
            result.key_lines[key] = self.line(key_node)
            if len(self.sink.errors) > before:
                result.reported.add(key)
        return result

    def _sequence(self, node: SequenceNode) -> YList | None:
        if node.tag != _SEQ_TAG:
            self.sink.add(self.line(node), f"unsupported YAML tag {node.tag!r}")
            return None
        result = YList(self.line(node))
        for item in node.value:
            result.append(self.build(item, at=self.line(item)))
            result.item_lines.append(self.line(item))
        return result

    def _scalar(self, node: Node) -> Any:
        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.YAMLError:
            self.sink.add(self.line(node), f"unsupported YAML tag {node.tag!r}")
            return None


def line_at(tree: Any, *path: Any, default: int = 1) -> int:
    """Line of the key or item reached by `path` (keys and list indexes)."""
    line = getattr(tree, "line", default)
    node = tree
    for step in path:
        if isinstance(node, YMap) and step in node:
            line, node = node.key_lines[step], node[step]
        elif isinstance(node, YList) and isinstance(step, int) and 0 <= step < len(node):
            line, node = node.item_lines[step], node[step]
        else:
            return line
    return line
