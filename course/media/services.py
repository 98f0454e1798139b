"""Finding, checking and storing media files (videos and WebVTT captions)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from pymediainfo import MediaInfo
from werkzeug.utils import secure_filename

from course.errors import DomainError

#: What may be uploaded: extension -> (content type, size limit in bytes, content check).
VIDEO_LIMIT = 500 * 1024 * 1024
CAPTIONS_LIMIT = 2 * 1024 * 1024
_WEBVTT = re.compile(rb"^(\xef\xbb\xbf)?WEBVTT([ \t\r\n]|$)")


class MediaError(DomainError):
    """An upload was refused; the message says why."""


@dataclass(frozen=True)
class MediaKind:
    """A file type we accept, recognised by its content."""

    extension: str
    content_type: str
    limit: int

    def matches(self, head: bytes) -> bool:
        """True when the first bytes look like this kind of file."""
        if self.extension == ".mp4":
            return len(head) >= 12 and head[4:8] == b"ftyp"
        if self.extension == ".webm":
            return head.startswith(b"\x1a\x45\xdf\xa3")
        return bool(_WEBVTT.match(head))


KINDS = {
    ".mp4": MediaKind(".mp4", "video/mp4", VIDEO_LIMIT),
    ".webm": MediaKind(".webm", "video/webm", VIDEO_LIMIT),
    ".vtt": MediaKind(".vtt", "text/vtt", CAPTIONS_LIMIT),
}


def upload_dir() -> Path:
    """Where uploads live: <storage>/media (shared by every app process)."""
    return Path(current_app.config["STORAGE_DIR"]) / "media"


def shipped_dir() -> Path:
    """The media shipped with the course: static/media."""
    return Path(current_app.static_folder or "static") / "media"


def locate(name: str) -> Path | None:
    """The file for ``media/<name>``: an upload first, then a shipped file; never outside."""
    for folder in (upload_dir(), shipped_dir()):
        base = folder.resolve()
        target = (base / name).resolve()
        if target.is_relative_to(base) and target.is_file():
            return target
    return None


def read_media(path: str) -> bytes | None:
    """Bytes of a ``media/...`` path for content validation, or None when missing."""
    if not path.startswith("media/"):
        return None
    found = locate(path.removeprefix("media/"))
    return found.read_bytes() if found else None


def captions_cues(path: str) -> list[tuple[str, str]] | None:
    """The cues of a ``media/...vtt`` captions file, or None when it is missing."""
    data = read_media(path) if path.endswith(".vtt") else None
    return None if data is None else parse_captions(data)


def video_duration(path: str) -> float | None:
    """A video's length in seconds, read from the file itself (``media/...``), or None
    when the file is missing or holds no readable length. The server then knows how
    long a video is without trusting the player."""
    found = locate(path.removeprefix("media/")) if path.startswith("media/") else None
    if found is None:
        return None
    return _duration(found)


def file_duration(file: Path) -> float | None:
    """A video file's length in seconds, or None when it holds no readable length."""
    return _duration(file)


def _duration(file: Path) -> float | None:
    try:
        tracks = MediaInfo.parse(file).tracks
    except (OSError, RuntimeError, ValueError):
        return None
    lengths = [float(t.duration) for t in tracks if t.track_type == "General" and t.duration]
    return round(lengths[0] / 1000, 3) if lengths and lengths[0] > 0 else None


def store_upload(filename: str, stream) -> str:
    """Check an uploaded file by name and content, store it, return its ``media/...`` path."""
    name = secure_filename(filename or "")
    kind = KINDS.get(Path(name).suffix.lower())
    if not name or kind is None:
        raise MediaError(_("Upload an .mp4 or .webm video, or a .vtt captions file."))
    head = stream.read(64)
    if not kind.matches(head):
        raise MediaError(
            _("%(name)s does not contain %(type)s data.", name=name, type=kind.content_type)
        )
    folder = upload_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = _free_name(folder, name)
    partial = target.with_name(target.name + ".part")
    size = len(head)
    try:
        with partial.open("wb") as out:
            out.write(head)
            while chunk := stream.read(1024 * 1024):
                size += len(chunk)
                if size > kind.limit:
                    megabytes = kind.limit // (1024 * 1024)
                    raise MediaError(
                        _("%(name)s is larger than %(size)s MB.", name=name, size=megabytes)
                    )
                out.write(chunk)
        if kind.extension != ".vtt" and _duration(partial) is None:
            raise MediaError(
                _("%(name)s holds no readable video length: is it a whole video?", name=name)
            )
        partial.replace(target)  # atomic: nobody sees a half-written file
    finally:
        partial.unlink(missing_ok=True)
    return f"media/{target.name}"


def _free_name(folder: Path, name: str) -> Path:
    """A name not yet used by an upload or a shipped file (uploads never replace files)."""
    target, stem, suffix, n = folder / name, Path(name).stem, Path(name).suffix, 1
    while target.exists() or (shipped_dir() / target.name).exists():
        n += 1
        target = folder / f"{stem}-{n}{suffix}"
    return target


def list_uploads() -> list[str]:
    """Uploaded media paths, newest first."""
    folder = upload_dir()
    if not folder.is_dir():
        return []
    files = [p for p in folder.iterdir() if p.is_file() and p.suffix in KINDS]
    return [f"media/{p.name}" for p in sorted(files, key=lambda p: p.stat().st_mtime, reverse=True)]


def parse_captions(data: bytes) -> list[tuple[str, str]]:
    """(timing, text) cues of a WebVTT file, for the transcript page."""
    text = data.decode("utf-8-sig", errors="replace").replace("\r\n", "\n")
    cues = []
    for block in text.split("\n\n")[1:]:
        lines = [line for line in block.strip().split("\n") if line]
        timing = next((i for i, line in enumerate(lines) if "-->" in line), None)
        if timing is not None and lines[timing + 1 :]:
            start = lines[timing].split("-->")[0].strip().split(".")[0]
            cues.append((start, " ".join(lines[timing + 1 :])))
    return cues
