"""Finished text: no bracketed placeholders in authored Markdown, and references that a
reader can find (each entry of a module's References list has a DOI or a URL).

Brackets are Markdown syntax in links ``[text](url)``, reference links ``[text][id]`` and
their definitions ``[id]: url``, footnotes ``[^1]``, task boxes ``- [ ]`` and the
table-of-contents marker ``[TOC]``; code (fenced or in backticks) and escaped brackets
``\\[sic\\]`` are left alone. Any other square-bracketed span renders as literal text, and
in course files that has meant a stand-in such as ``[Study of ...]``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, NamedTuple

from .drills import DrillSetSource
from .errors import ContentError, Sink, join
from .modules import ModuleSource, split_front_matter
from .quizzes import QuizSource
from .scenarios import ScenarioSource
from .videos import fence_spans, split_lines
from .yamlsrc import YList, YMap, load_yaml


class Problem(NamedTuple):
    """One problem in a text: its line and column (both from 0) and the message."""

    line: int
    column: int
    message: str


_DEFINITION = re.compile(r"^ {0,3}\[(?P<label>[^\]\n]+)\]:")
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)((?:(?!\n[ \t]*\n).)+?)(?<!`)\1(?!`)", re.DOTALL)
_ESCAPED = re.compile(r"\\[\\\[\]]")
_LIST_MARKER = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+$")
_HEADING = re.compile(r"^ {0,3}(?P<hashes>#{1,6})[ \t]+(?P<text>.*?)[ \t#]*$")
_ITEM = re.compile(r"^ {0,3}(?:[-*+]|\d{1,9}[.)])[ \t]+\S")
_URL = re.compile(r"https?://(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}(?::\d+)?(?:[/?#][^\s<>]*)?")
_DOI_URL = re.compile(r"https?://(?:dx\.)?doi\.org/(?P<rest>\S*)")
_DOI = re.compile(r"^10\.\d{4,9}/\S+")
_SHOWN = 60


def _label(text: str) -> str:
    """A reference label as Markdown matches it: case and runs of spaces do not count."""
    return " ".join(text.split()).casefold()


def _masked(text: str) -> str:
    """The text with code and escaped brackets blanked out, lines and offsets kept."""
    lines = text.split("\n")
    for start, end, _ in fence_spans(split_lines(text)):
        for index in range(start, end + 1):
            lines[index] = " " * len(lines[index])
    joined = "\n".join(lines)
    joined = _CODE_SPAN.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), joined)
    return _ESCAPED.sub("  ", joined)


def _closing(text: str, start: int, opening: str, closing: str) -> int | None:
    """Index of the bracket closing the one at ``start``, within its paragraph."""
    depth = 0
    for index in range(start, len(text)):
        char = text[index]
        if char == opening:
            depth += 1
        elif char == closing:
            depth -= 1
            if depth == 0:
                return index
        elif char == "\n" and not _line_at(text, index + 1).strip():
            return None  # a blank line ends the paragraph
    return None


def _line_at(text: str, start: int) -> str:
    end = text.find("\n", start)
    return text[start : len(text) if end < 0 else end]


def placeholders(text: str) -> list[Problem]:
    """Every bracketed span in Markdown text that is not Markdown syntax."""
    masked = _masked(text)
    references: set[str] = set()
    footnotes: set[str] = set()
    for line in masked.split("\n"):
        match = _DEFINITION.match(line)
        if match:
            label = match.group("label")
            if label.startswith("^"):
                footnotes.add(_label(label[1:]))
            else:
                references.add(_label(label))
    return list(_scan(masked, text, references, footnotes))


def _scan(masked: str, text: str, references: set[str], footnotes: set[str]) -> Iterator[Problem]:
    index = 0
    while True:
        index = masked.find("[", index)
        if index < 0:
            return
        end = _closing(masked, index, "[", "]")
        if end is None:
            index += 1
            continue
        label = masked[index + 1 : end]
        line_start = masked.rfind("\n", 0, index) + 1
        before = masked[line_start:index]
        after = masked[end + 1 : end + 2]
        line, column = masked.count("\n", 0, index), index - line_start
        problem: str | None = None
        resume = end + 1
        if after == "(":
            close = _closing(masked, end + 1, "(", ")")
            if close is not None:
                resume = close + 1
            else:
                problem = _placeholder(text[index : end + 1])
        elif after == ":" and len(before) <= 3 and not before.strip():
            resume = masked.find("\n", end)
            resume = len(masked) if resume < 0 else resume
        elif label.startswith("^"):
            if _label(label[1:]) not in footnotes:
                problem = (
                    f"footnote [{label}] has no definition: add a line '[{label}]: ...' "
                    "with the note"
                )
        elif after == "[":
            second = _closing(masked, end + 1, "[", "]")
            if second is not None:
                target = masked[end + 2 : second] or label
                resume = second + 1
                if _label(target) not in references:
                    problem = (
                        f"reference link [{_short(label)}][{_short(target)}] has no definition: "
                        f"add a line '[{_short(target)}]: https://...'"
                    )
            else:
                problem = _placeholder(text[index : end + 1])
        elif label in (" ", "x", "X") and _LIST_MARKER.match(before):
            pass  # a task box
        elif label == "TOC" and not before.strip() and not _line_at(masked, end + 1).strip():
            pass  # the table-of-contents marker
        elif _label(label) not in references:
            problem = _placeholder(text[index : end + 1])
        if problem is not None:
            yield Problem(line, column, problem)
        index = resume


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _SHOWN else flat[: _SHOWN - 1].rstrip() + "…"


def _placeholder(span: str) -> str:
    return (
        f"bracketed placeholder {_short(span)!r}: write the real text (a reference needs "
        "its full citation), make it a link [text](https://...), or escape brackets "
        "meant literally as \\[ and \\]"
    )


def reference_problems(text: str) -> list[Problem]:
    """Every entry of a References list (a list under a heading 'References') that has
    neither a DOI nor a URL, or whose doi.org link is not a DOI."""
    lines = _masked(text).split("\n")
    problems: list[Problem] = []
    level: int | None = None  # the level of the References heading we are under
    entry: list[str] = []
    entry_line = 0
    for index, line in enumerate([*lines, "# end"]):
        heading = _HEADING.match(line)
        starts = level is not None and bool(_ITEM.match(line))
        ends = heading is not None or starts or (not line.strip() and entry)
        if entry and ends:
            problems += _entry_problems(" ".join(entry), entry_line)
            entry = []
        if heading is not None:
            depth = len(heading.group("hashes"))
            if heading.group("text").strip().casefold() == "references":
                level = depth
            elif level is not None and depth <= level:
                level = None
            continue
        if starts:
            entry, entry_line = [line], index
        elif entry and line.strip():
            entry.append(line)
    return problems


def _entry_problems(entry: str, line: int) -> list[Problem]:
    for match in _DOI_URL.finditer(entry):
        if not _DOI.match(match.group("rest")):
            return [
                Problem(
                    line,
                    0,
                    f"the DOI link {match.group(0)!r} is not a DOI: "
                    "it must look like https://doi.org/10.1037/pst0000466",
                )
            ]
    if _URL.search(entry):
        return []
    return [
        Problem(
            line,
            0,
            f"reference {_short(entry.strip().lstrip('-*+ '))!r} has no DOI or URL: add its "
            "DOI as https://doi.org/10.... (or a stable https:// URL) so a reader can find it",
        )
    ]


# --- where the rules apply ---------------------------------------------------------------

#: The Markdown fields of the YAML files, as paths ("*": every item of a list).
MARKDOWN_FIELDS: dict[str, tuple[tuple[str, ...], ...]] = {
    "quiz": (
        ("questions", "*", "prompt"),
        ("questions", "*", "explanation"),
        ("questions", "*", "options", "*", "text"),
        ("questions", "*", "options", "*", "feedback"),
    ),
    "scenario": (
        ("steps", "*", "moment"),
        ("steps", "*", "choices", "*", "text"),
        ("steps", "*", "choices", "*", "feedback"),
        ("steps", "*", "ending", "debrief"),
    ),
    "drills": (("items", "*", "statement"),),
}


def module_text_errors(module: ModuleSource) -> list[ContentError]:
    """Placeholders anywhere in a module's Markdown, and References entries without a
    DOI or URL, each at its file line (field path ``body``)."""
    split = split_front_matter(module.source)
    if isinstance(split, str):
        return []
    found = [*placeholders(split.body), *reference_problems(split.body)]
    return [
        ContentError(module.filename, split.body_line + problem.line, problem.message, "body")
        for problem in found
    ]


def yaml_text_errors(source: QuizSource | ScenarioSource | DrillSetSource) -> list[ContentError]:
    """Placeholders in the Markdown fields of a quiz, scenario or drill file."""
    kind = (
        "quiz"
        if isinstance(source, QuizSource)
        else "scenario"
        if isinstance(source, ScenarioSource)
        else "drills"
    )
    _, tree = load_yaml(source.source, Sink(source.filename))
    lines = split_lines(source.source)
    errors = []
    for pattern in MARKDOWN_FIELDS[kind]:
        for path, value, key_line in _values(tree, pattern, ""):
            for problem in placeholders(value):
                line = _line_in_file(lines, key_line, value, problem)
                errors.append(ContentError(source.filename, line, problem.message, path))
    return errors


def _values(node: Any, pattern: tuple[str, ...], path: str) -> Iterator[tuple[str, str, int]]:
    """(field path, text, line of its key) for every string the pattern reaches."""
    step, rest = pattern[0], pattern[1:]
    if step == "*":
        if isinstance(node, YList):
            for index, item in enumerate(node):
                yield from _values(item, rest, join(path, index))
        return
    if not isinstance(node, YMap) or step not in node:
        return
    value = node[step]
    if rest:
        yield from _values(value, rest, join(path, step))
    elif isinstance(value, str):
        yield join(path, step), value, node.line_of(step)


def _line_in_file(lines: list[str], key_line: int, value: str, problem: Problem) -> int:
    """The file line holding a problem found in a YAML string: the first line from the
    key on that shows the bracketed text (YAML folding and quoting can move it); the
    key's line when it cannot be found."""
    text_line = split_lines(value)[problem.line]
    snippet = text_line[problem.column : problem.column + 24]
    last = min(len(lines), key_line + value.count("\n") + 50)
    for index in range(key_line - 1, last):
        if snippet in lines[index]:
            return index + 1
    return key_line
