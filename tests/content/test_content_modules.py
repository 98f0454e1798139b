"""Module files: front matter and video blocks, each rule at its exact file and line."""

from __future__ import annotations

import hashlib

import pytest

from course.content import ContentError, ContentErrors, Video, parse_module

FILE = "modules/02-detecting-withdrawal.md"
# Lines 2-5 of every file below; extra front matter starts on line 6.
BASE = "title: Detecting withdrawal\norder: 2\nsummary: Notice withdrawal.\nestimated_minutes: 30\n"
YOUTUBE = "https://www.youtube.com/watch?v=abcdefghijk"


def module(extra: str = "", body: str = "Body.\n", front: str | None = None) -> str:
    """Module file text: BASE front matter plus `extra`, then `body`."""
    return "---\n" + (BASE + extra if front is None else front) + "---\n" + body


def video(*lines: str) -> str:
    """A video block; after module(), its fence is on line 7 and its keys on 8, 9..."""
    return "```video\n" + "".join(line + "\n" for line in lines) + "```\n"


def errors_of(text: str, filename: str = FILE) -> list[ContentError]:
    with pytest.raises(ContentErrors) as info:
        parse_module(text, filename)
    return info.value.errors


def test_valid_module_parses_every_field():
    text = module(
        "slug: withdrawal\nrequires: [foundations]\ncompletion:\n"
        "  min_seconds: 600\n  video_percent: 90\n  quiz: pass\n",
        body="## Markers\n\n"
        + video(f"url: {YOUTUBE}", "title: Role-play: a withdrawal marker  # not a comment")
        + video("url: media/clip.mp4   # local", "title: Clip", "captions: media/clip.en.vtt"),
    )
    parsed = parse_module(text, FILE)
    assert (parsed.slug, parsed.order, parsed.title) == ("withdrawal", 2, "Detecting withdrawal")
    assert parsed.requires == ("foundations",)
    assert (parsed.completion.min_seconds, parsed.completion.video_percent) == (600, 90)
    assert parsed.completion.quiz is True
    assert parsed.body.startswith("## Markers\n")
    assert parsed.source == text
    first, second = parsed.videos
    assert (first.kind, first.ref, first.line) == ("youtube", "abcdefghijk", 15)
    assert first.title == "Role-play: a withdrawal marker  # not a comment"
    assert (second.kind, second.ref, second.captions) == (
        "file",
        "media/clip.mp4",
        "media/clip.en.vtt",
    )
    assert second.url == "media/clip.mp4"


def test_slug_defaults_to_file_name_without_number():
    parsed = parse_module(module(), FILE)
    assert parsed.slug == "detecting-withdrawal"
    assert parsed.requires == ()
    assert parsed.completion.quiz is False


def test_video_key_is_sha256_prefix_of_url():
    parsed = parse_module(module(body=video(f"url: {YOUTUBE}", "title: T")), FILE)
    key = hashlib.sha256(YOUTUBE.encode()).hexdigest()[:12]
    assert parsed.videos == (
        Video(key, "youtube", "abcdefghijk", YOUTUBE, "T", None, None, line=7),
    )
    assert parsed.videos[0].line == 7


@pytest.mark.parametrize(
    ("url", "kind", "ref"),
    [
        ("https://youtu.be/abcdefghijk", "youtube", "abcdefghijk"),
        ("https://www.youtube.com/embed/abc_efg-ijk", "youtube", "abc_efg-ijk"),
        ("https://www.youtube-nocookie.com/embed/abcdefghijk", "youtube", "abcdefghijk"),
        ("https://vimeo.com/76979871", "vimeo", "76979871"),
        ("https://player.vimeo.com/video/76979871", "vimeo", "76979871"),
        ("media/role-play/take_2.webm", "file", "media/role-play/take_2.webm"),
    ],
)
def test_allowed_video_urls(url, kind, ref):
    (parsed,) = parse_module(module(body=video(f"url: {url}", "title: T")), FILE).videos
    assert (parsed.kind, parsed.ref, parsed.url) == (kind, ref, url)


RULES = {
    "unknown key": (module("titel: x\n"), 6, "unknown key 'titel' (allowed: title, slug, order"),
    "missing key": (module(front="title: T\norder: 2\nestimated_minutes: 3\n"), 2, "'summary'"),
    "order not a number": (
        module(front=BASE.replace("order: 2", "order: two")),
        3,
        "'order' must be a whole number",
    ),
    "order below 1": (module(front=BASE.replace("order: 2", "order: 0")), 3, "between 1 and"),
    "order beyond a database integer": (
        module(front=BASE.replace("order: 2", "order: 99999999999999999999999")),
        3,
        "'order' must be between 1 and 10000",
    ),
    "order is a boolean": (module(front=BASE.replace("order: 2", "order: yes")), 3, "whole"),
    "minutes zero": (
        module(front=BASE.replace("minutes: 30", "minutes: 0")),
        5,
        "'estimated_minutes' must be between 1 and 6000",
    ),
    "title not text": (
        module(front=BASE.replace("title: Detecting withdrawal", "title: 12")),
        2,
        "text",
    ),
    "summary empty": (
        module(front=BASE.replace("summary: Notice withdrawal.", "summary: ''")),
        4,
        "empty",
    ),
    "bad slug": (module("slug: Detecting_Withdrawal\n"), 6, "not a valid slug"),
    "requires not a list": (module("requires: foundations\n"), 6, "'requires' must be a list"),
    "requires bad entry": (module("requires:\n  - foundations\n  - Bad Slug\n"), 8, "'Bad Slug'"),
    "requires twice": (module("requires: [a, b, a]\n"), 6, "lists 'a' twice"),
    "completion unknown key": (module("completion:\n  min_secs: 5\n"), 7, "unknown key 'min_secs'"),
    "completion not a mapping": (module("completion: pass\n"), 6, "mapping"),
    "min_seconds negative": (module("completion:\n  min_seconds: -1\n"), 7, "between 0 and 86400"),
    "video_percent over 100": (
        module("completion:\n  video_percent: 101\n", body=video(f"url: {YOUTUBE}", "title: T")),
        7,
        "between 0 and 100",
    ),
    "quiz not pass": (module("completion:\n  quiz: yes\n"), 7, "'quiz' must be 'pass'"),
    "video_percent without video": (
        module("completion:\n  video_percent: 50\n"),
        7,
        "no video block",
    ),
    "yaml syntax error": (module("note: a: b\n"), 6, "YAML syntax error"),
    "yaml duplicate key": (module("title: Again\n"), 6, "duplicate key 'title'"),
    "yaml alias": (
        module(
            front=BASE.replace("title: D", "title: &t D").replace(
                "summary: Notice withdrawal.", "summary: *t"
            )
        ),
        4,
        "aliases",
    ),
    "front matter not a mapping": (module(front="- a\n- b\n"), 1, "mapping"),
    "empty front matter": (module(front=""), 1, "mapping"),
    "missing front matter": ("# Just Markdown\n", 1, "missing front matter"),
    "unclosed front matter": ("---\n" + BASE + "# Body\n", 1, "not closed"),
    "disallowed video host": (
        module(body=video("url: https://evil.example/watch?v=abcdefghijk", "title: T")),
        8,
        "video url 'https://evil.example/watch?v=abcdefghijk' is not allowed",
    ),
    "javascript video url": (
        module(body=video("url: javascript:alert(1)", "title: T")),
        8,
        "not allowed",
    ),
    "ftp scheme on youtube": (
        module(body=video("url: ftp://youtu.be/abcdefghijk", "title: T")),
        8,
        "not allowed",
    ),
    "youtube id malformed": (
        module(body=video("url: https://youtu.be/abc", "title: T")),
        8,
        "not allowed",
    ),
    "local path escapes media": (
        module(body=video("url: media/../secret.mp4", "title: T")),
        8,
        "not allowed",
    ),
    "local path absolute": (module(body=video("url: /media/a.mp4", "title: T")), 8, "not allowed"),
    "local path wrong type": (module(body=video("url: media/a.mov", "title: T")), 8, "not allowed"),
    "video unknown key": (
        module(body=video(f"url: {YOUTUBE}", "title: T", "autoplay: true")),
        10,
        "unknown key 'autoplay' in video block (allowed: url, title, captions, duration)",
    ),
    "video missing title": (
        module(body=video(f"url: {YOUTUBE}")),
        7,
        "missing required key 'title'",
    ),
    "video missing url": (module(body=video("title: T")), 7, "missing required key 'url'"),
    "video empty value": (
        module(body=video(f"url: {YOUTUBE}", "title:")),
        9,
        "'title' in video block must not be empty",
    ),
    "video duplicate key": (
        module(body=video(f"url: {YOUTUBE}", "title: T", "title: U")),
        10,
        "duplicate key 'title'",
    ),
    "video line not key value": (
        module(body=video(f"url: {YOUTUBE}", "title: T", "just words")),
        10,
        "key: value",
    ),
    "captions not vtt": (
        module(body=video(f"url: {YOUTUBE}", "title: T", "captions: media/a.srt")),
        10,
        "must be a WebVTT file under media/",
    ),
    "captions outside media": (
        module(body=video(f"url: {YOUTUBE}", "title: T", "captions: https://x.example/a.vtt")),
        10,
        "WebVTT file under media/",
    ),
    "same video url twice": (
        module(
            body=video(f"url: {YOUTUBE}", "title: T") + "\n" + video(f"url: {YOUTUBE}", "title: U")
        ),
        13,
        "same video url is used twice in this module (first at line 8)",
    ),
}


@pytest.mark.parametrize(("text", "line", "fragment"), RULES.values(), ids=RULES.keys())
def test_module_rule_reports_file_and_line(text, line, fragment):
    errors = errors_of(text)
    assert [(error.file, error.line) for error in errors] == [(FILE, line)], errors
    assert fragment in errors[0].message


@pytest.mark.parametrize("name", ["2-x.md", "02_x.md", "02-X.md", "02-x.markdown", "x.md"])
def test_file_name_must_be_nn_slug(name):
    errors = errors_of(module(), f"modules/{name}")
    assert [(error.file, error.line) for error in errors] == [(f"modules/{name}", 1)]
    assert "NN-slug.md" in errors[0].message


def test_every_problem_in_a_file_is_reported_at_once():
    text = module(
        "titel: x\ncompletion:\n  quiz: maybe\n",
        body="Intro\n\n" + video("url: https://evil.example/v.mp4", "title: T"),
    )
    errors = errors_of(text)
    assert [error.line for error in errors] == [6, 8, 13]
    assert str(errors[0]).startswith(f"{FILE}:6: unknown key 'titel'")


def test_video_fence_inside_another_fence_is_just_code():
    body = "````markdown\n" + video("url: https://evil.example/x", "title: T") + "````\n"
    assert parse_module(module(body=body), FILE).videos == ()


def test_video_line_counts_front_matter_lines():
    parsed = parse_module(
        module("requires: [a]\n", body="\n\n" + video(f"url: {YOUTUBE}", "title: T")), FILE
    )
    # Front matter ends on line 7; two blank lines, then the fence on line 10.
    assert parsed.videos[0].line == 10


def test_crlf_files_parse():
    text = module(body="Intro\n\n" + video(f"url: {YOUTUBE}", "title: T")).replace("\n", "\r\n")
    parsed = parse_module(text, FILE)
    assert parsed.videos[0].url == YOUTUBE
    assert parsed.source == text


@pytest.mark.parametrize(
    ("written", "title"),
    [
        ("Session #2 # of 3", "Session #2 # of 3"),
        ('"Quoted: yes"  # comment', "Quoted: yes"),
        ("'It''s fine'", "It's fine"),
        ('"Half" quoted', '"Half" quoted'),
    ],
)
def test_video_titles_are_text_with_optional_quotes(written, title):
    body = video(f'url: "{YOUTUBE}"  # quoted too', f"title: {written}")
    (clip,) = parse_module(module(body=body), FILE).videos
    assert (clip.title, clip.url) == (title, YOUTUBE)


def test_design_document_example_parses():
    text = (
        "---\n"
        "title: Detecting withdrawal ruptures\n"
        "slug: detecting-withdrawal        # default: file name without the NN- prefix\n"
        "order: 2\n"
        "summary: One sentence.\n"
        "estimated_minutes: 30\n"
        "requires: [foundations]           # modules that must be complete first\n"
        "completion:                       # every listed criterion must hold\n"
        "  min_seconds: 600                # active time on the page\n"
        "  video_percent: 90               # unique seconds watched\n"
        "  quiz: pass                      # quizzes/<slug>.yaml must be passed\n"
        "---\n"
        "```video\n"
        "url: https://www.youtube.com/watch?v=dQw4w9WgXcQ   # youtube, vimeo, or a file\n"
        "title: Role-play: a withdrawal marker\n"
        "captions: media/withdrawal.en.vtt               # WebVTT, optional\n"
        "```\n"
    )
    parsed = parse_module(text, FILE)
    assert parsed.slug == "detecting-withdrawal"
    (clip,) = parsed.videos
    assert (clip.url, clip.ref) == ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "dQw4w9WgXcQ")
    assert (clip.title, clip.captions) == (
        "Role-play: a withdrawal marker",
        "media/withdrawal.en.vtt",
    )
