"""Clips in practice files: a video or an audio recording of a client moment, with captions."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from .errors import join
from .fields import Fields
from .players import static_url, video_html
from .videos import _CAPTIONS, Video, classify_url, is_media_path, video_key

CLIP_KEYS = ("url", "title", "captions")
_LOCAL_AUDIO = re.compile(r"^media/[A-Za-z0-9._/-]+\.(mp3|m4a|ogg|oga)$")


@dataclass(frozen=True)
class Clip:
    """A clip: a video (as in modules) or a local audio file."""

    url: str
    title: str
    captions: str | None
    video: Video | None  # None for audio

    @property
    def media(self) -> tuple[str, ...]:
        """The local files the clip needs (checked on import)."""
        paths = [self.url] if self.video is None or self.video.kind == "file" else []
        return (*paths, *([self.captions] if self.captions else []))


def read_clip(parent: Fields, key: str) -> Clip | None:
    """The optional clip mapping under ``key``, checked field by field."""
    data = parent.mapping(key)
    if data is None:
        return None
    fields = Fields(data, parent.sink, f"{parent.prefix}{key}", join(parent.path, key))
    fields.check_keys(CLIP_KEYS, ("url", "title"))
    url, title = fields.text("url"), fields.text("title")
    captions = fields.text("captions", required=False)
    if captions is not None and not is_media_path(captions, _CAPTIONS):
        fields.error("captions", f"captions {captions!r} must be a WebVTT file under media/")
        return None
    if url is None or title is None:
        return None
    if is_media_path(url, _LOCAL_AUDIO):
        return Clip(url, title, captions, None)
    classified = classify_url(url)
    if isinstance(classified, str):
        fields.error("url", classified.replace(".webm", ".webm (or audio: .mp3, .m4a, .ogg)"))
        return None
    kind, ref = classified
    return Clip(url, title, captions, Video(video_key(url), kind, ref, url, title, captions))


def clip_html(
    clip: Clip,
    *,
    media_url: Callable[[str], str] = static_url,
    transcript_url: Callable[[str], str] = static_url,
) -> str:
    """The player for a clip, with its captions track and transcript link."""
    if clip.video is not None:
        return video_html(clip.video, media_url=media_url, transcript_url=transcript_url)
    title = escape(clip.title, quote=True)
    track, caption = "", title
    if clip.captions:
        track = (
            f'<track kind="captions" src="{escape(media_url(clip.captions))}" '
            'srclang="en" label="English" default>'
        )
        caption += (
            f' <a href="{escape(transcript_url(clip.captions))}" rel="noopener">Transcript</a>'
        )
    return (
        f'<figure class="clip"><audio controls preload="metadata" '
        f'src="{escape(media_url(clip.url))}" aria-label="{title}">{track}</audio>'
        f"<figcaption>{caption}</figcaption></figure>"
    )
