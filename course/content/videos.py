"""Video blocks in module bodies: finding them, reading them, checking their URLs."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import parse_qs, urlsplit

import yaml

from .errors import Sink

VideoKind = Literal["youtube", "vimeo", "file"]
VIDEO_KEYS = ("url", "title", "captions", "duration")
#: The longest video a module may hold (for a duration given in the block).
MAX_DURATION = 6 * 3600
_DURATION = re.compile(r"^(?:(?:(\d{1,2}):)?([0-5]?\d):)?(\d{1,5})(?:\.\d+)?$")

# Mirrors python-markdown's fenced_code opening line, so blocks are found where
# Markdown would find them; the scanner stays authoritative either way because
# extracted blocks never reach Markdown.
_OPEN_RE = re.compile(r"^(?P<fence>`{3,}|~{3,})[ ]*(?P<info>\{[^\n]*\}|\.?[\w#.+-]*)[ ]*$")
_LINE_RE = re.compile(r"^(?P<key>[A-Za-z_][\w-]*)[ \t]*:(?:[ \t]+(?P<value>.*))?$")
_COMMENT_RE = re.compile(r"[ \t]+#.*$")
_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_VIMEO_ID = re.compile(r"^[0-9]{1,12}$")
_LOCAL_VIDEO = re.compile(r"^media/[A-Za-z0-9._/-]+\.(mp4|webm)$")
_CAPTIONS = re.compile(r"^media/[A-Za-z0-9._/-]+\.vtt$")
_YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com"}
_NOCOOKIE_HOSTS = {"youtube-nocookie.com", "www.youtube-nocookie.com"}
_VIMEO_HOSTS = {"vimeo.com", "www.vimeo.com"}


@dataclass(frozen=True)
class Video:
    """One video in a module; `key` identifies it in progress records."""

    key: str
    kind: VideoKind
    ref: str
    url: str
    title: str
    captions: str | None
    #: Its length in seconds, when the block gives it (YouTube and Vimeo: the server then
    #: knows it without trusting the player).
    duration: float | None = None
    # Where it sits is not what it is: moving a block keeps the video equal.
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class VideoBlock:
    """A fenced video block: body line span, the video if valid, and key lines."""

    start: int
    end: int
    video: Video | None
    key_lines: dict[str, int]


def video_key(url: str) -> str:
    """First 12 hex characters of the SHA-256 of the URL as written."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:12]


def split_lines(text: str) -> list[str]:
    """Lines split on newlines only (as Markdown and YAML count them), without endings."""
    return [line.removesuffix("\r") for line in text.split("\n")]


def fence_spans(lines: list[str]) -> list[tuple[int, int, bool]]:
    """Every closed fenced block as (open index, close index, is a video block)."""
    spans = []
    index = 0
    while index < len(lines):
        match = _OPEN_RE.match(lines[index])
        close = _closing(lines, index, match.group("fence")) if match else None
        if match is None or close is None:
            index += 1
            continue
        spans.append((index, close, match.group("info") == "video"))
        index = close + 1
    return spans


def _closing(lines: list[str], start: int, fence: str) -> int | None:
    for index in range(start + 1, len(lines)):
        if lines[index].rstrip(" ") == fence:
            return index
    return None


def find_videos(body: str, sink: Sink, first_line: int) -> list[VideoBlock]:
    """Read every video block; `first_line` is the file line of the body's first line."""
    lines = split_lines(body)
    blocks = []
    for start, end, is_video in fence_spans(lines):
        if is_video:
            fence_line = first_line + start
            content = lines[start + 1 : end]
            blocks.append(_read_block(content, start, end, fence_line, sink))
    return blocks


def _read_block(
    content: list[str], start: int, end: int, fence_line: int, sink: Sink
) -> VideoBlock:
    values: dict[str, str] = {}
    lines: dict[str, int] = {}
    ok = True
    for offset, raw in enumerate(content, start=1):
        line = fence_line + offset
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        match = _LINE_RE.match(raw.strip())
        if match is None:
            sink.add(line, "video block lines must look like 'key: value'")
            ok = False
            continue
        key, value = match.group("key"), _clean(match.group("key"), match.group("value") or "")
        if key not in VIDEO_KEYS:
            sink.add(line, f"unknown key {key!r} in video block (allowed: {', '.join(VIDEO_KEYS)})")
            ok = False
        elif key in lines:
            sink.add(line, f"duplicate key {key!r} in video block")
            ok = False
        elif not value:
            sink.add(line, f"{key!r} in video block must not be empty")
            ok = False
            lines[key] = line
        else:
            values[key], lines[key] = value, line
    for key in ("url", "title"):
        if key not in lines:
            sink.add(fence_line, f"video block is missing required key {key!r}")
            ok = False
    video = _make_video(values, lines, fence_line, sink) if ok else None
    return VideoBlock(start, end, video, lines)


def _clean(key: str, value: str) -> str:
    value = value.strip()
    if value[:1] in ("'", '"'):
        try:
            quoted = yaml.safe_load(value)
        except yaml.YAMLError:
            quoted = None
        if isinstance(quoted, str):
            return quoted
    # Titles are free text ("Session #2 # of 3"); only URLs and paths can carry comments.
    return value if key == "title" else _COMMENT_RE.sub("", value).strip()


def _make_video(
    values: dict[str, str], lines: dict[str, int], fence_line: int, sink: Sink
) -> Video | None:
    url = values["url"]
    classified = classify_url(url)
    if isinstance(classified, str):
        sink.add(lines["url"], classified)
    captions = values.get("captions")
    if captions is not None and not is_media_path(captions, _CAPTIONS):
        sink.add(
            lines["captions"],
            f"captions {captions!r} must be a WebVTT file under media/, e.g. media/intro.en.vtt",
        )
        return None
    if isinstance(classified, str):
        return None
    kind, ref = classified
    duration = None
    if "duration" in values:
        duration = parse_duration(values["duration"])
        if duration is None:
            sink.add(
                lines["duration"],
                f"'duration' {values['duration']!r} must be seconds or minutes:seconds "
                f"(e.g. 754 or 12:34), at most 6 hours",
            )
            return None
    return Video(video_key(url), kind, ref, url, values["title"], captions, duration, fence_line)


def parse_duration(text: str) -> float | None:
    """Seconds from "754", "12:34" or "1:02:03"; None when it is not a plausible length."""
    match = _DURATION.match(text.strip())
    if match is None:
        return None
    hours, minutes, seconds = (int(part) if part else 0 for part in match.groups())
    if match.group(2) and seconds >= 60:
        return None
    total = hours * 3600 + minutes * 60 + seconds
    return float(total) if 0 < total <= MAX_DURATION else None


def is_media_path(path: str, pattern: re.Pattern[str]) -> bool:
    """A relative path under media/ with safe characters and no '..' or '//'."""
    return bool(pattern.match(path)) and ".." not in path and "//" not in path


def classify_url(url: str) -> tuple[VideoKind, str] | str:
    """(kind, ref) for an allowed video URL, or an error message naming the problem."""
    if is_media_path(url, _LOCAL_VIDEO):
        return "file", url
    refused = (
        f"video url {url!r} is not allowed: use a YouTube or Vimeo link, "
        "or a file under media/ ending in .mp4 or .webm"
    )
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        return refused
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return refused
    if parts.scheme not in ("http", "https") or parts.username or parts.password or port:
        return refused
    ref = _remote_ref(parts.hostname or "", parts.path, parts.query)
    return ref if ref is not None else refused


def _remote_ref(host: str, path: str, query: str) -> tuple[VideoKind, str] | None:
    candidate: str | None = None
    if host in _YOUTUBE_HOSTS and path == "/watch":
        ids = parse_qs(query).get("v", [])
        candidate = ids[0] if len(ids) == 1 else None
    elif host in _YOUTUBE_HOSTS | _NOCOOKIE_HOSTS and path.startswith("/embed/"):
        candidate = path.removeprefix("/embed/")
    elif host == "youtu.be":
        candidate = path.removeprefix("/")
    elif host in _VIMEO_HOSTS or host == "player.vimeo.com":
        prefix = "/video/" if host == "player.vimeo.com" else "/"
        number = path.removeprefix(prefix) if path.startswith(prefix) else ""
        return ("vimeo", number) if _VIMEO_ID.match(number) else None
    if candidate is not None and _YOUTUBE_ID.match(candidate):
        return "youtube", candidate
    return None
