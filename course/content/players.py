"""Trusted player markup for videos; every value is escaped here."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from html import escape

from .videos import Video

IFRAME_ALLOW = "encrypted-media; picture-in-picture; fullscreen"
EMBED_URLS = {
    "youtube": "https://www.youtube-nocookie.com/embed/{ref}?enablejsapi=1&rel=0",
    "vimeo": "https://player.vimeo.com/video/{ref}?dnt=1",
}


#: A transcript: (start time, text) per caption cue, in order.
Cues = Sequence[tuple[str, str]]
_CUE_TAG = re.compile(r"<[^>]*>")  # WebVTT voice, class and timestamp tags: <v Ana>, <i>


def static_url(path: str) -> str:
    """Default URL for a media path: served from /static/."""
    return "/static/" + path


def embed_url(video: Video) -> str:
    """The privacy-respecting player URL for a YouTube or Vimeo video."""
    return EMBED_URLS[video.kind].format(ref=video.ref)


def video_html(
    video: Video,
    *,
    media_url: Callable[[str], str] = static_url,
    transcript_url: Callable[[str], str] = static_url,
    cues: Cues | None = None,
) -> str:
    """A <figure> with the player, its caption and, with captions, a transcript link;
    with ``cues``, the transcript itself follows on the page in a <details> instead of the
    link (reading it there is what a completion rule can count)."""
    title = escape(video.title, quote=True)
    caption = title
    track = ""
    if video.captions and not cues:
        caption += (
            f' <a href="{escape(transcript_url(video.captions))}" rel="noopener">Transcript</a>'
        )
    if video.captions:
        track = (
            f'<track kind="captions" src="{escape(media_url(video.captions))}" '
            'srclang="en" label="English" default>'
        )
    if video.kind == "file":
        player = (
            f'<video controls preload="metadata" src="{escape(media_url(video.ref))}" '
            f'aria-label="{title}">{track}</video>'
        )
    else:
        player = (
            f'<iframe src="{escape(embed_url(video))}" title="{title}" allow="{IFRAME_ALLOW}" '
            'loading="lazy" referrerpolicy="strict-origin-when-cross-origin"></iframe>'
        )
    return (
        f'<figure class="video" data-video-key="{escape(video.key)}" '
        f'data-video-kind="{escape(video.kind)}">{player}'
        f"<figcaption>{caption}</figcaption></figure>"
    ) + (transcript_html(video, cues) if video.captions and cues else "")


def transcript_html(video: Video, cues: Cues) -> str:
    """A video's transcript, folded: the module page counts reading time while it is open."""
    title = escape(video.title, quote=True)
    lines = "".join(
        f"<dt>{escape(start)}</dt><dd>{escape(_CUE_TAG.sub('', text))}</dd>" for start, text in cues
    )
    return (
        f'<details class="transcript" id="transcript-{escape(video.key)}" '
        f'data-video-key="{escape(video.key)}"><summary>Transcript'
        f'<span class="visually-hidden"> of {title}</span></summary>'
        f'<dl class="transcript">{lines}</dl></details>'
    )
