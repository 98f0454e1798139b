"""Fixtures for the content tests: a small valid course on disk and an HTML element reader."""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest

COURSE_YAML = """\
title: Working with Alliance Tensions
provider: Alliance Training Platform
ce_hours: 6
consent_version: "2026-1"
consultation_gate: [foundations, detecting-withdrawal]
certificate:
  modules: all
  surveys: [acceptability]
surveys:
  after_course: acceptability
  after_module:
    foundations: aim
  after_consultations:
    3: iam
"""

FOUNDATIONS_MD = """\
---
title: Foundations of the alliance
order: 1
summary: What an alliance rupture is.
estimated_minutes: 20
completion:
  min_seconds: 300
  quiz: pass
---
# What is a rupture?

A *rupture* is a strain in the working alliance.
"""

WITHDRAWAL_MD = """\
---
title: Detecting withdrawal ruptures
order: 2
summary: Notice when a patient moves away.
estimated_minutes: 30
requires: [foundations]
completion:
  video_percent: 90
---
## Markers

```video
url: https://www.youtube.com/watch?v=abcdefghijk
title: "Role-play: a withdrawal marker"
captions: media/withdrawal.en.vtt
```
"""

FOUNDATIONS_QUIZ = """\
pass_mark: 80
max_attempts: 0
shuffle: true
questions:
  - id: q1
    type: single
    prompt: Which is a *withdrawal* marker?
    options:
      - text: Minimal responses
        correct: true
        feedback: Yes, moving away.
      - text: Complaints about the therapist
        correct: false
    explanation: Withdrawal moves away from the work.
"""

COURSE_FILES: dict[str, str | bytes] = {
    "modules/course.yaml": COURSE_YAML,
    "modules/01-foundations.md": FOUNDATIONS_MD,
    "modules/02-detecting-withdrawal.md": WITHDRAWAL_MD,
    "quizzes/foundations.yaml": FOUNDATIONS_QUIZ,
    "static/media/withdrawal.en.vtt": b"WEBVTT\n\n00:00.000 --> 00:02.000\nHello\n",
}


def write_tree(root: Path, files: dict[str, str | bytes | None]) -> Path:
    """Write files under root (None leaves a file out); returns root."""
    for name, content in files.items():
        if content is None:
            continue
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        data = content.encode("utf-8") if isinstance(content, str) else content
        path.write_bytes(data)
    return root


@pytest.fixture
def course_tree(tmp_path: Path) -> Callable[..., Path]:
    """Write the valid mini course with some files replaced (or removed with None)."""

    def build(changes: dict[str, str | bytes | None] | None = None) -> Path:
        return write_tree(tmp_path / "course", {**COURSE_FILES, **(changes or {})})

    return build


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict[str, str | None], tuple[str, ...]]] = []
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs), tuple(self.stack)))
        if tag not in ("br", "hr", "img", "track", "input", "meta", "link", "source"):
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs), tuple(self.stack)))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass


@pytest.fixture
def html_elements() -> Callable[[str], list[tuple[str, dict[str, str | None], tuple[str, ...]]]]:
    """Parse HTML into (tag, attributes, ancestor tags) for every element, in order."""

    def parse(markup: str) -> list[tuple[str, dict[str, str | None], tuple[str, ...]]]:
        parser = _Elements()
        parser.feed(markup)
        parser.close()
        return parser.found

    return parse


@pytest.fixture
def course_files() -> dict[str, str | bytes]:
    """The valid mini course's files by relative path (a fresh copy to edit)."""
    return dict(COURSE_FILES)
