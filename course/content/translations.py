"""Translations of the course files: ``<folder>/<language>/<same name>`` beside the English.

A translation shares everything with its English file except the text a reader sees:
ids, correct flags, links between steps, scores, codes, numbers, video addresses and the
shape of every list stay the same, so progress, attempts, runs and responses belong to
the same ids whichever language they were made in. A module keeps the same headings, in
the same order and at the same levels (its sections are matched by position), and the
same video blocks.

``check_translations`` reports, with the translated file's line, every way a translation
differs from its English file, and every translation that is missing when the course file
lists the language in ``languages``. A translation found for a language the course does
not list yet is still checked, so it can be written file by file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ContentError, Sink, join
from .languages import LANGUAGES
from .modules import split_front_matter
from .videos import find_videos
from .yamlsrc import YList, YMap, load_yaml

#: Per kind of file, the keys whose values are text a reader sees (a translation may
#: change them); every other value must equal the English one.
TEXT_KEYS: Mapping[str, frozenset[str]] = {
    "course": frozenset({"title", "provider"}),
    "module": frozenset({"title", "summary"}),
    "video": frozenset({"title", "captions"}),
    "quiz": frozenset({"prompt", "text", "feedback", "explanation"}),
    "scenario": frozenset(
        {"title", "summary", "moment", "text", "feedback", "debrief", "captions"}
    ),
    "drills": frozenset({"title", "summary", "context", "statement", "text", "models", "captions"}),
}

#: The folders of translatable YAML files, and their kind.
YAML_FOLDERS = {"quizzes": "quiz", "scenarios": "scenario", "drills": "drills"}

_HEADING = re.compile(r"^(#{1,6})[ \t]+\S")
_FENCE = re.compile(r"^(`{3,}|~{3,})")


@dataclass(frozen=True)
class Pair:
    """An English file and where its translation lives (relative to the course folder)."""

    english: str
    translation: str
    kind: str


def pairs(root: Path, language: str) -> list[Pair]:
    """Every translatable English file of the course folder, with its translation's path."""
    found = [Pair("modules/course.yaml", f"modules/{language}/course.yaml", "course")]
    modules = root / "modules"
    if modules.is_dir():
        for path in sorted(modules.glob("*.md")):
            found.append(Pair(f"modules/{path.name}", f"modules/{language}/{path.name}", "module"))
    for folder, kind in YAML_FOLDERS.items():
        if (root / folder).is_dir():
            for path in sorted((root / folder).glob("*.yaml")):
                found.append(
                    Pair(f"{folder}/{path.name}", f"{folder}/{language}/{path.name}", kind)
                )
    return found


def check_translations(root: Path, languages: Iterable[str]) -> list[ContentError]:
    """Every difference between a translation and its English file; a missing translation
    is an error for the ``languages`` the course file lists."""
    root = Path(root)
    listed = set(languages)
    errors: list[ContentError] = []
    for code in sorted(LANGUAGES):
        errors += _check_language(root, code, required=code in listed)
    return errors


def _check_language(root: Path, code: str, *, required: bool) -> list[ContentError]:
    errors: list[ContentError] = []
    expected = pairs(root, code)
    known = {pair.translation for pair in expected}
    for pair in expected:
        path = root / pair.translation
        if not path.is_file():
            if required:
                errors.append(
                    ContentError(
                        pair.translation,
                        1,
                        f"missing: the course file lists {LANGUAGES[code]} ({code}) in "
                        f"'languages', so {pair.english} needs a translation here",
                    )
                )
            continue
        english = (root / pair.english).read_text(encoding="utf-8")
        translated = path.read_text(encoding="utf-8")
        errors += compare_texts(english, translated, pair)
    errors += _strays(root, code, known)
    return errors


def _strays(root: Path, code: str, known: set[str]) -> list[ContentError]:
    """Translated files with no English file of the same name."""
    errors = []
    for folder in ("modules", *YAML_FOLDERS):
        directory = root / folder / code
        if not directory.is_dir():
            continue
        for path in sorted(directory.iterdir()):
            name = f"{folder}/{code}/{path.name}"
            if path.is_file() and name not in known:
                errors.append(
                    ContentError(
                        name,
                        1,
                        f"no English file {folder}/{path.name} for this translation (a "
                        "translation keeps its English file's name)",
                    )
                )
    return errors


def compare_texts(english: str, translated: str, pair: Pair) -> list[ContentError]:
    """How ``translated`` differs from ``english`` beyond its text, at its own lines."""
    sink = Sink(pair.translation)
    if pair.kind == "module":
        _compare_modules(english, translated, sink)
    else:
        ok_en, tree_en = load_yaml(english, Sink(pair.english))
        ok, tree = load_yaml(translated, sink)
        if ok_en and ok:
            compare_trees(tree_en, tree, TEXT_KEYS[pair.kind], sink, "", 1)
    return sink.errors


def compare_trees(
    english: Any, translated: Any, text_keys: frozenset[str], sink: Sink, path: str, line: int
) -> None:
    """Walk both trees together; report at ``translated``'s lines what is not only text."""
    if isinstance(english, YMap):
        if not isinstance(translated, YMap):
            sink.add(line, f"{_where(path)} must be a mapping, as in the English file", path)
            return
        _compare_keys(english, translated, sink, path)
        for key in english:
            if key not in translated:
                continue
            here = join(path, str(key))
            at = translated.line_of(key)
            if key in text_keys:
                _compare_text(english[key], translated[key], sink, here, at, english.line_of(key))
            else:
                compare_trees(english[key], translated[key], text_keys, sink, here, at)
    elif isinstance(english, YList):
        if not isinstance(translated, YList):
            sink.add(line, f"{_where(path)} must be a list, as in the English file", path)
            return
        if len(english) != len(translated):
            sink.add(
                translated.line,
                f"{_where(path)} has {len(translated)} item(s); the English file has "
                f"{len(english)} (line {english.line}): a translation keeps every item",
                path,
            )
            return
        for index, (item_en, item) in enumerate(zip(english, translated, strict=True)):
            compare_trees(
                item_en, item, text_keys, sink, join(path, index), translated.item_lines[index]
            )
    elif english != translated or type(english) is not type(translated):
        sink.add(
            line,
            f"{_where(path)} is {_show(translated)} here but {_show(english)} in the English "
            "file: a translation changes only the text a reader sees",
            path,
        )


def _compare_keys(english: YMap, translated: YMap, sink: Sink, path: str) -> None:
    missing = [str(key) for key in english if key not in translated]
    extra = [str(key) for key in translated if key not in english]
    if missing:
        sink.add(
            translated.line,
            f"{_where(path)} lacks {', '.join(missing)}, which the English file has",
            path,
        )
    for key in extra:
        sink.add(
            translated.line_of(key),
            f"{_where(join(path, key))} is not in the English file: a translation has the "
            "same keys",
            join(path, key),
        )


def _compare_text(english: Any, translated: Any, sink: Sink, path: str, line: int, en_line: int):
    """Text may differ, but keeps its shape: a list of texts keeps its length."""
    if isinstance(english, YList):
        if not isinstance(translated, YList) or len(translated) != len(english):
            count = len(translated) if isinstance(translated, YList) else "no"
            sink.add(
                line,
                f"{_where(path)} has {count} item(s); the English file has {len(english)} "
                f"(line {en_line})",
                path,
            )
        return
    if (isinstance(english, str) and english.strip()) and (
        not isinstance(translated, str) or not translated.strip()
    ):
        sink.add(line, f"{_where(path)} must be translated text, not empty", path)


def _compare_modules(english: str, translated: str, sink: Sink) -> None:
    split_en, split = split_front_matter(english), split_front_matter(translated)
    if isinstance(split, str):
        sink.add(1, split)
        return
    if isinstance(split_en, str):
        return  # the English file's own check reports it
    ok_en, front_en = load_yaml(split_en.yaml, Sink("english"), offset=1)
    ok, front = load_yaml(split.yaml, sink, offset=1)
    if ok_en and ok:
        compare_trees(front_en, front, TEXT_KEYS["module"], sink, "", 2)
    _compare_headings(split_en.body, split_en.body_line, split.body, split.body_line, sink)
    videos_en = find_videos(split_en.body, Sink("english"), split_en.body_line)
    videos = find_videos(split.body, sink, split.body_line)
    if len(videos) != len(videos_en):
        sink.add(
            split.body_line,
            f"the module has {len(videos)} video block(s); the English file has "
            f"{len(videos_en)}: a translation keeps every video",
        )
        return
    for number, (block_en, block) in enumerate(zip(videos_en, videos, strict=True), start=1):
        if block_en.video is None or block.video is None:
            continue
        for key in ("url", "duration"):
            if getattr(block_en.video, key) != getattr(block.video, key):
                sink.add(
                    block.key_lines.get(key, block.start),
                    f"video {number}: {key} is {getattr(block.video, key)!r} here but "
                    f"{getattr(block_en.video, key)!r} in the English file",
                    f"videos[{number - 1}].{key}",
                )


def headings(body: str, first_line: int) -> list[tuple[int, int]]:
    """(level, line) of every ATX heading outside fenced blocks."""
    found: list[tuple[int, int]] = []
    fence: str | None = None
    for offset, line in enumerate(body.split("\n")):
        opened = _FENCE.match(line)
        if fence is not None:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = None
            continue
        if opened:
            fence = opened.group(1)
            continue
        match = _HEADING.match(line)
        if match:
            found.append((len(match.group(1)), first_line + offset))
    return found


def _compare_headings(body_en: str, line_en: int, body: str, line: int, sink: Sink) -> None:
    ours, theirs = headings(body, line), headings(body_en, line_en)
    for index, ((level_en, at_en), (level, at)) in enumerate(zip(theirs, ours, strict=False)):
        if level != level_en:
            sink.add(
                at,
                f"heading {index + 1} is level {level} here but level {level_en} in the "
                f"English file (line {at_en}): sections are matched by position",
            )
            return
    if len(ours) != len(theirs):
        at = ours[len(theirs)][1] if len(ours) > len(theirs) else line
        sink.add(
            at,
            f"the module has {len(ours)} heading(s); the English file has {len(theirs)}: "
            "sections are matched by position, so a translation keeps every heading",
        )


def _where(path: str) -> str:
    return f"'{path}'" if path else "the file"


def _show(value: Any) -> str:
    if isinstance(value, (YMap, YList)):
        return "a mapping" if isinstance(value, YMap) else "a list"
    return repr(value)
