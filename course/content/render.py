"""Markdown to sanitized HTML for module bodies, fragments and quizzes."""

from __future__ import annotations

import html
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import markdown
from markdown.extensions.toc import slugify

from .errors import Sink
from .modules import ModuleSource
from .players import Cues, static_url, video_html
from .quizzes import QuizSource
from .sanitize import sanitize_html
from .videos import find_videos, split_lines

_WORD_RE = re.compile(r"[^\W_]+(?:['\u2019-][^\W_]+)*")


@dataclass(frozen=True)
class TocEntry:
    """One heading: its level, its anchor id and its plain text."""

    level: int
    anchor: str
    text: str


@dataclass(frozen=True)
class RenderedModule:
    """A module's stored rendering."""

    html: str
    toc: tuple[TocEntry, ...]
    word_count: int


def _section_slug(value: str, separator: str) -> str:
    # The prefix keeps heading ids from shadowing window/document properties.
    return "sec-" + slugify(value, separator)


def _markdown(*, with_toc: bool, anchors: Sequence[str] = ()) -> markdown.Markdown:
    extensions = ["tables", "footnotes", "fenced_code", "admonition", "sane_lists"]
    configs: dict[str, dict[str, Any]] = {"tables": {"use_align_attribute": True}}
    if with_toc:
        extensions.append("toc")
        configs["toc"] = {"slugify": _given_slugs(anchors) if anchors else _section_slug}
    return markdown.Markdown(extensions=extensions, extension_configs=configs, output_format="html")


def _given_slugs(anchors: Sequence[str]) -> Callable[[str, str], str]:
    """A slugify that names the headings, in order, with the given anchors (then as usual)."""
    remaining = iter(anchors)

    def slug(value: str, separator: str) -> str:
        return next(remaining, None) or _section_slug(value, separator)

    return slug


def render_module(
    module: ModuleSource,
    *,
    media_url: Callable[[str], str] = static_url,
    transcript_url: Callable[[str], str] = static_url,
    transcript_of: Callable[[str], Cues | None] | None = None,
    anchors: Sequence[str] = (),
) -> RenderedModule:
    """Render a module body: Markdown, sanitized, with trusted video players swapped in.

    ``transcript_of`` reads a captions path's cues; each video with captions then has its
    transcript on the page, where reading it can count toward completion.
    ``anchors`` names the headings in order: a translation takes its English file's
    anchors, so a section (a reading position, a search hit, a link) is the same section
    in either language.
    """
    lines = split_lines(module.body)
    # A fresh nonce per render means authored text can never spell a placeholder.
    nonce = secrets.token_hex(16)
    players: dict[str, str] = {}
    kept: list[str] = []
    cursor = 0
    for index, block in enumerate(find_videos(module.body, Sink(module.filename), 1)):
        kept.extend(lines[cursor : block.start])
        if block.video is not None:
            token = f"vidph{nonce}n{index}z"
            captions = block.video.captions
            players[token] = video_html(
                block.video,
                media_url=media_url,
                transcript_url=transcript_url,
                cues=transcript_of(captions) if transcript_of and captions else None,
            )
            kept.extend(["", token, ""])
        cursor = block.end + 1
    kept.extend(lines[cursor:])
    md = _markdown(with_toc=True, anchors=anchors)
    clean = sanitize_html(md.convert("\n".join(kept)), media_url=media_url)
    words = _count_words(clean, players)
    for token, markup in players.items():
        # The sanitizer removed tokens from attributes, so what is left is text.
        clean = clean.replace(f"<p>{token}</p>", markup).replace(token, markup)
    return RenderedModule(clean, tuple(_flatten(md.toc_tokens)), words)


def render_markdown(text: str) -> str:
    """Sanitized HTML for a Markdown fragment; video blocks stay plain code."""
    return sanitize_html(_markdown(with_toc=False).convert(text), media_url=static_url)


def render_inline(text: str) -> str:
    """Sanitized HTML for a one-paragraph fragment without its <p>, for use inside a label."""
    html = render_markdown(text).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        return html[3:-4]
    return html


def render_quiz(quiz: QuizSource) -> dict[str, Any]:
    """The quiz as a JSON-ready dict with rendered HTML (includes answers: server only)."""
    return {
        "slug": quiz.slug,
        "pass_mark": quiz.pass_mark,
        "max_attempts": quiz.max_attempts,
        "shuffle": quiz.shuffle,
        "questions": [
            {
                "id": question.id,
                "type": question.type,
                "prompt_html": render_markdown(question.prompt),
                "explanation_html": _optional(question.explanation),
                "options": [
                    {
                        "id": option.id,
                        "text_html": render_inline(option.text),
                        "correct": option.correct,
                        "feedback_html": _optional(option.feedback),
                    }
                    for option in question.options
                ],
            }
            for question in quiz.questions
        ],
    }


def _optional(text: str | None) -> str | None:
    return render_markdown(text) if text is not None else None


def _flatten(tokens: list[dict[str, Any]]) -> list[TocEntry]:
    entries: list[TocEntry] = []
    for token in tokens:
        entries.append(TocEntry(int(token["level"]), token["id"], html.unescape(token["name"])))
        entries.extend(_flatten(token.get("children", [])))
    return entries


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _count_words(clean: str, players: dict[str, str]) -> int:
    collector = _TextCollector()
    collector.feed(clean)
    collector.close()
    text = " ".join(collector.parts)
    for token in players:
        text = text.replace(token, " ")
    return len(_WORD_RE.findall(text))
