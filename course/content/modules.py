"""Module files, modules/NN-slug.md: YAML front matter, then a Markdown body."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from .digest import content_hash
from .errors import Sink
from .fields import SLUG_RE, Fields
from .videos import Video, VideoBlock, find_videos
from .yamlsrc import YMap, load_yaml

FRONT_KEYS = (
    "title",
    "slug",
    "order",
    "summary",
    "estimated_minutes",
    "requires",
    "completion",
)
FRONT_REQUIRED = ("title", "order", "summary", "estimated_minutes")
COMPLETION_KEYS = (
    "min_seconds",
    "video_percent",
    "transcript_percent",
    "quiz",
    "scenario",
    "practice",
)
PRACTICE_KEYS = ("set", "items")
FILENAME_RE = re.compile(r"^[0-9]{2}-(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)\.md$")


@dataclass(frozen=True)
class Completion:
    """Criteria that must all hold for a module to count as complete."""

    min_seconds: int = 0
    video_percent: int = 0
    #: When set, reading a video's transcript on the module page counts in place of
    #: watching it: active time with the transcript open of at least this share (percent)
    #: of the video's length. An alternative to ``video_percent``, never a criterion alone.
    transcript_percent: int = 0
    quiz: bool = False
    #: A scenario (scenarios/<slug>.yaml) whose ending must be reached.
    scenario: str | None = None
    #: {"set": drill set slug, "items": how many of its items answered and rated}.
    practice: dict | None = None


@dataclass(frozen=True)
class ModuleSource:
    """A parsed module file; `source` is the file text exactly as read."""

    slug: str
    order: int
    title: str
    summary: str
    estimated_minutes: int
    requires: tuple[str, ...]
    completion: Completion
    body: str
    videos: tuple[Video, ...]
    source: str
    filename: str
    content_hash: str


@dataclass(frozen=True)
class FrontMatter:
    """The raw split of a module file."""

    yaml: str
    body: str
    body_line: int


def split_front_matter(text: str) -> FrontMatter | str:
    """Split off the front matter, or return why it cannot be found."""
    lines = text.removeprefix("\ufeff").split("\n")
    if lines[0].rstrip() != "---":
        return (
            "missing front matter: the file must start with a '---' line, "
            "then the module's keys (title, order, ...), then another '---' line"
        )
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            front = "\n".join(lines[1:index]) + "\n"
            return FrontMatter(front, "\n".join(lines[index + 1 :]), index + 2)
    return "front matter is not closed: add a '---' line after the module's keys"


def default_slug(filename: str) -> str:
    """The slug a module file name implies: name without the NN- prefix and .md."""
    name = PurePosixPath(filename).name
    return re.sub(r"^[0-9]+-", "", name.removesuffix(".md"))


def parse_module(text: str, filename: str) -> ModuleSource:
    """Parse and check one module file; raises ContentErrors listing every problem."""
    sink = Sink(filename)
    if not FILENAME_RE.match(PurePosixPath(filename).name):
        sink.add(1, "file name must look like NN-slug.md, e.g. 02-detecting-withdrawal.md")
    split = split_front_matter(text)
    if isinstance(split, str):
        sink.add(1, split)
        sink.fail()
    ok, data = load_yaml(split.yaml, sink, offset=1)
    if ok and not isinstance(data, YMap):
        sink.add(1, "front matter must be a mapping of keys such as 'title: ...'")
    blocks = find_videos(split.body, sink, split.body_line)
    _check_duplicate_urls(blocks, sink)
    if not isinstance(data, YMap):
        sink.fail()
    fields = Fields(data, sink)
    fields.check_keys(FRONT_KEYS, FRONT_REQUIRED)
    slug = default_slug(filename)
    if "slug" in data and fields.check_name(data["slug"], data.line_of("slug"), "slug", "slug"):
        slug = data["slug"]
    title = fields.text("title")
    summary = fields.text("summary")
    order = fields.integer("order", minimum=1, maximum=10_000)
    minutes = fields.integer("estimated_minutes", minimum=1, maximum=6000)
    requires = fields.names("requires")
    completion = _completion(fields, blocks)
    sink.raise_if_any()
    return ModuleSource(
        slug=slug,
        order=order or 0,
        title=title or "",
        summary=summary or "",
        estimated_minutes=minutes or 0,
        requires=requires,
        completion=completion,
        body=split.body,
        videos=tuple(block.video for block in blocks if block.video is not None),
        source=text,
        filename=filename,
        content_hash=content_hash(text),
    )


def _completion(fields: Fields, blocks: list[VideoBlock]) -> Completion:
    data = fields.mapping("completion")
    if data is None:
        return Completion()
    sub = Fields(data, fields.sink, "completion")
    sub.check_keys(COMPLETION_KEYS, ())
    min_seconds = sub.integer("min_seconds", minimum=0, maximum=86_400) or 0
    video_percent = sub.integer("video_percent", minimum=0, maximum=100) or 0
    if video_percent > 0 and not blocks:
        sub.error("video_percent", "'video_percent' is set but the module has no video block")
    transcript_percent = _transcript_percent(sub, video_percent, blocks)
    quiz = "quiz" in data and data["quiz"] == "pass"
    if "quiz" in data and not quiz:
        sub.error("quiz", f"'quiz' must be 'pass' (or left out), not {data['quiz']!r}")
    scenario = sub.text("scenario", required=False) if "scenario" in data else None
    if scenario is not None and not SLUG_RE.match(scenario):
        sub.error("scenario", f"'scenario' {scenario!r} must be a scenario's slug")
        scenario = None
    return Completion(
        min_seconds, video_percent, transcript_percent, quiz, scenario, _practice(sub)
    )


def _transcript_percent(sub: Fields, video_percent: int, blocks: list[VideoBlock]) -> int:
    """The transcript alternative: only beside ``video_percent``, and only for videos that
    have a transcript to read and a length the server knows without the player."""
    percent = sub.integer("transcript_percent", minimum=0, maximum=100) or 0
    if not percent:
        return 0
    if not video_percent:
        sub.error(
            "transcript_percent",
            "'transcript_percent' is an alternative to watching: set 'video_percent' too",
        )
        return 0
    ok = True
    for block in blocks:
        video = block.video
        if video is None:
            continue
        where = f"the video at line {block.key_lines['url']} ({video.title!r})"
        if video.captions is None:
            sub.error(
                "transcript_percent",
                f"'transcript_percent' needs a transcript: {where} has no 'captions' file",
            )
            ok = False
        elif video.kind != "file" and video.duration is None:
            sub.error(
                "transcript_percent",
                f"'transcript_percent' needs each video's length: add 'duration' "
                f"(e.g. 12:34) to {where}",
            )
            ok = False
    return percent if ok else 0


def _practice(completion: Fields) -> dict | None:
    data = completion.mapping("practice")
    if data is None:
        if "practice" in completion.data:
            completion.error("practice", "'practice' must be a mapping: {set: <slug>, items: N}")
        return None
    fields = Fields(data, completion.sink, "completion: practice", "completion.practice")
    fields.check_keys(PRACTICE_KEYS, PRACTICE_KEYS)
    drill_set = fields.text("set")
    items = fields.integer("items", minimum=1, maximum=1000)
    if drill_set is not None and not SLUG_RE.match(drill_set):
        fields.error("set", f"'set' {drill_set!r} must be a drill set's slug")
        return None
    return {"set": drill_set, "items": items} if drill_set and items else None


def _check_duplicate_urls(blocks: list[VideoBlock], sink: Sink) -> None:
    seen: dict[str, int] = {}
    for block in blocks:
        video = block.video
        if video is None:
            continue
        if video.url in seen:
            sink.add(
                block.key_lines["url"],
                f"the same video url is used twice in this module "
                f"(first at line {seen[video.url]})",
            )
        else:
            seen[video.url] = block.key_lines["url"]


def locate(module: ModuleSource) -> tuple[YMap, list[VideoBlock]]:
    """Front matter with key lines, and video blocks with key lines, of a parsed module."""
    split = split_front_matter(module.source)
    assert not isinstance(split, str), "a parsed module has front matter"
    sink = Sink(module.filename)
    _, data = load_yaml(split.yaml, sink, offset=1)
    return data, find_videos(split.body, sink, split.body_line)
