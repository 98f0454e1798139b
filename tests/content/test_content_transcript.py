"""The transcript alternative in a completion rule: parsed, checked at its line, composed
back, and rendered as a transcript on the module page."""

from __future__ import annotations

from pathlib import Path

import pytest

from course.content import (
    ContentErrors,
    compose_module,
    load_dir,
    module_front,
    parse_module,
    render_module,
)

FILE = "modules/02-withdrawal.md"
FRONT = "title: Withdrawal\norder: 2\nsummary: Notice withdrawal.\nestimated_minutes: 30\n"
LOCAL = "```video\nurl: media/clip.mp4\ntitle: Clip\ncaptions: media/clip.en.vtt\n```\n"
CUES = [("00:00:00", "<v Ana>I am <i>fine</i>, really.</v>"), ("00:00:04", "Are you? <b>&</b>")]


def text(completion: str, body: str = LOCAL) -> str:
    """A module whose completion rule is ``completion`` (its first key on line 7)."""
    return "---\n" + FRONT + "completion:\n" + completion + "---\n" + body


def errors(source: str) -> list[str]:
    with pytest.raises(ContentErrors) as info:
        parse_module(source, FILE)
    return [str(e) for e in info.value.errors]


def test_a_rule_may_accept_the_transcript_beside_the_video_percent():
    module = parse_module(text("  video_percent: 90\n  transcript_percent: 50\n"), FILE)
    assert (module.completion.video_percent, module.completion.transcript_percent) == (90, 50)
    assert parse_module(text("  video_percent: 90\n"), FILE).completion.transcript_percent == 0


@pytest.mark.parametrize(
    ("completion", "body", "message"),
    [
        (
            "  transcript_percent: 50\n",
            LOCAL,
            f"{FILE}:7: completion: 'transcript_percent' is an alternative to watching: "
            "set 'video_percent' too",
        ),
        (
            "  video_percent: 90\n  transcript_percent: 150\n",
            LOCAL,
            f"{FILE}:8: completion: 'transcript_percent' must be between 0 and 100, not 150",
        ),
        (
            "  video_percent: 90\n  transcript_percent: half\n",
            LOCAL,
            f"{FILE}:8: completion: 'transcript_percent' must be a whole number, not text",
        ),
        (
            "  video_percent: 90\n  transcript_percent: 50\n",
            "Text.\n\n```video\nurl: media/clip.mp4\ntitle: Clip\n```\n",
            f"{FILE}:8: completion: 'transcript_percent' needs a transcript: the video at "
            "line 13 ('Clip') has no 'captions' file",
        ),
        (
            "  video_percent: 90\n  transcript_percent: 50\n",
            "```video\nurl: https://youtu.be/abcdefghijk\ntitle: Talk\n"
            "captions: media/talk.en.vtt\n```\n",
            f"{FILE}:8: completion: 'transcript_percent' needs each video's length: add "
            "'duration' (e.g. 12:34) to the video at line 11 ('Talk')",
        ),
    ],
)
def test_a_transcript_rule_that_cannot_work_is_refused_at_its_line(completion, body, message):
    assert message in errors(text(completion, body))


def test_a_remote_video_with_its_duration_and_captions_may_be_read_instead():
    body = "```video\nurl: https://youtu.be/abcdefghijk\ntitle: Talk\ncaptions: media/t.vtt\n"
    body += "duration: 12:34\n```\n"
    module = parse_module(text("  video_percent: 80\n  transcript_percent: 60\n", body), FILE)
    assert module.completion.transcript_percent == 60


def test_the_editor_composes_the_rule_back_as_written():
    module = parse_module(text("  video_percent: 90\n  transcript_percent: 50\n"), FILE)
    again = parse_module(compose_module(module_front(module), module.body), FILE)
    assert again.completion == module.completion
    assert "  transcript_percent: 50\n" in compose_module(module_front(module), module.body)


def test_the_transcript_is_on_the_page_as_plain_escaped_text():
    module = parse_module(text("  video_percent: 90\n  transcript_percent: 50\n"), FILE)
    html = render_module(module, transcript_of=lambda path: CUES).html
    key = module.videos[0].key
    assert f'<details class="transcript" id="transcript-{key}" data-video-key="{key}">' in html
    assert '<summary>Transcript<span class="visually-hidden"> of Clip</span></summary>' in html
    assert "<dd>I am fine, really.</dd>" in html  # WebVTT voice and style tags dropped
    assert "<dd>Are you? &amp;</dd>" in html and "<b>" not in html
    assert "</figure><details" in html  # right after its video
    assert ">Transcript</a>" not in html  # the page's own transcript replaces the link
    assert '<track kind="captions" src="/static/media/clip.en.vtt"' in html


def test_without_cues_a_video_keeps_only_its_transcript_link():
    module = parse_module(text("  video_percent: 90\n  transcript_percent: 50\n"), FILE)
    assert "<details" not in render_module(module).html
    assert "<details" not in render_module(module, transcript_of=lambda path: None).html
    assert ">Transcript</a>" in render_module(module).html


def test_every_shipped_module_accepts_the_transcript_of_its_videos():
    bundle = load_dir(Path(__file__).resolve().parents[2])
    with_video = [m for m in bundle.modules if m.videos]
    assert len(with_video) == 6
    for module in with_video:
        assert module.completion.video_percent == 90, module.slug
        assert module.completion.transcript_percent == 50, module.slug
        assert all(video.captions for video in module.videos), module.slug
