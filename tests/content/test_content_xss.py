"""Every vector in xss_vectors.txt, through every path authored text can reach HTML."""

from __future__ import annotations

import dataclasses
import html
import re
from pathlib import Path

import pytest

from course.content import ContentErrors, parse_module, render_markdown, render_module

FRONT = "---\ntitle: T\norder: 1\nsummary: S.\nestimated_minutes: 5\n---\n"  # body starts on line 7
FILE = "modules/01-xss.md"
BASE = parse_module(FRONT + "Base.\n", FILE)

# The spec's allow-list, written out here rather than imported, so a change to
# the sanitizer cannot quietly change what this test accepts.
AUTHOR_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "a", "strong", "em", "b", "i", "code",
    "pre", "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "table", "thead", "tbody", "tr",
    "th", "td", "sup", "sub", "div", "span", "aside", "figure", "figcaption", "details",
    "summary", "mark", "abbr", "img",
}  # fmt: skip
PLAYER_TAGS = {"video", "track", "iframe"}
HEADING_IDS = {f"h{level}": {"id"} for level in range(1, 7)}
ATTRIBUTES = {
    **HEADING_IDS,
    "a": {"href", "title", "rel", "id", "class"},
    "th": {"align", "colspan", "rowspan"},
    "td": {"align", "colspan", "rowspan"},
    "abbr": {"title"},
    "li": {"id"},
    "sup": {"id"},
    "div": {"class"},
    "p": {"class"},
    "ol": {"start"},
    "img": {"src", "alt", "title"},
    "figure": {"class", "data-video-key", "data-video-kind"},
    "iframe": {"src", "title", "allow", "loading", "referrerpolicy"},
    "video": {"controls", "preload", "src", "aria-label"},
    "track": {"kind", "src", "srclang", "label", "default"},
}
CLASSES = {
    "admonition", "try", "key-points", "exchange", "note", "admonition-title", "footnote",
    "footnote-ref", "footnote-backref", "toc",
}  # fmt: skip
PLAYER_SRC = re.compile(
    r"^https://(www\.youtube-nocookie\.com/embed/[A-Za-z0-9_-]{11}\?enablejsapi=1&rel=0"
    r"|player\.vimeo\.com/video/[0-9]+\?dnt=1)$"
)
MEDIA_SRC = re.compile(r"^/static/media/[A-Za-z0-9._-][A-Za-z0-9._/-]*$")
SAFE_SCHEMES = {"http", "https", "mailto"}


def _decode(line: str) -> str:
    escapes = {"n": "\n", "t": "\t"}
    return re.sub(
        r"\\(n|t|x[0-9a-fA-F]{2})",
        lambda m: escapes.get(m.group(1)) or chr(int(m.group(1)[1:], 16)),
        line,
    )


def load_vectors() -> list[str]:
    text = (Path(__file__).parent / "xss_vectors.txt").read_text(encoding="utf-8")
    return [_decode(line) for line in text.splitlines() if line and not line.startswith(";;")]


VECTORS = load_vectors()


def url_is_safe(value: str | None) -> bool:
    # Unescape again and drop whitespace/control characters, as lenient browsers would.
    cleaned = re.sub(r"[\x00-\x20\x7f-\x9f]+", "", html.unescape(value or ""))
    scheme = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*):", cleaned)
    return scheme is None or scheme.group(1).lower() in SAFE_SCHEMES


def assert_safe(markup: str, html_elements, *, players: int | None) -> None:
    """Parse the output and check every element and attribute against the allow-list."""
    elements = html_elements(markup)
    for tag, attrs, parents in elements:
        assert tag in AUTHOR_TAGS | PLAYER_TAGS, (tag, markup)
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name, markup)
            assert name not in ("style", "srcdoc", "formaction"), (tag, name, markup)
            assert name in ATTRIBUTES.get(tag, set()), (tag, name, markup)
            if name in ("href", "src"):
                assert url_is_safe(value), (tag, name, value, markup)
            if name == "id":
                # Authored ids could clobber DOM globals; only generated prefixes pass.
                assert re.match(r"^(sec-|fn:|fnref[0-9]*:)", value or ""), (tag, value, markup)
        if "class" in attrs:
            allowed = CLASSES | ({"video"} if tag == "figure" else set())
            assert set((attrs["class"] or "").split()) <= allowed, (attrs, markup)
        if tag == "iframe":
            assert PLAYER_SRC.match(attrs["src"] or ""), attrs
            assert parents[-1:] == ("figure",), parents
        if tag == "video":
            assert MEDIA_SRC.match(attrs["src"] or "") and ".." not in attrs["src"], attrs
            assert parents[-1:] == ("figure",), parents
        if tag == "track":
            assert MEDIA_SRC.match(attrs["src"] or "") and ".." not in attrs["src"], attrs
            assert parents[-1:] == ("video",), parents
        if tag == "img" and "src" in attrs:
            assert MEDIA_SRC.match(attrs["src"] or "") and ".." not in attrs["src"], attrs
        if tag == "figure" and "data-video-kind" in attrs:
            assert attrs["class"] == "video" and attrs["data-video-kind"] in {
                "youtube",
                "vimeo",
                "file",
            }
    figures = [
        attrs for tag, attrs, _ in elements if tag == "figure" and "data-video-kind" in attrs
    ]
    if players is not None:
        assert len(figures) == players, markup
        player_tags = [tag for tag, _, _ in elements if tag in ("iframe", "video")]
        assert len(player_tags) == players, markup


def test_corpus_is_large_enough():
    assert len(VECTORS) >= 60
    assert len(set(VECTORS)) == len(VECTORS)


@pytest.mark.parametrize("vector", VECTORS)
def test_module_body_is_sanitized(vector, html_elements):
    try:
        expected = len(parse_module(FRONT + vector + "\n", FILE).videos)
    except ContentErrors:
        expected = None  # rejected at import; render anyway to prove rendering alone is safe
    module = dataclasses.replace(BASE, body=vector + "\n")
    assert_safe(render_module(module).html, html_elements, players=expected)


@pytest.mark.parametrize("vector", VECTORS)
def test_markdown_fragment_is_sanitized(vector, html_elements):
    # Quiz prompts, option text, feedback and explanations all go through render_markdown.
    assert_safe(render_markdown(vector), html_elements, players=0)


@pytest.mark.parametrize("vector", VECTORS)
def test_video_title_is_escaped(vector, html_elements):
    title = vector.replace("\n", " ").strip()
    body = f"```video\nurl: https://www.youtube.com/watch?v=abcdefghijk\ntitle: {title}\n```\n"
    module = parse_module(FRONT + body, FILE)
    markup = render_module(module).html
    assert_safe(markup, html_elements, players=1)
    iframe = next(attrs for tag, attrs, _ in html_elements(markup) if tag == "iframe")
    assert iframe["title"] == module.videos[0].title


VIDEO_URLS = [
    "javascript:alert(1)",
    "JAVASCRIPT:alert(1)//https://youtu.be/abcdefghijk",
    "data:text/html,<script>alert(1)</script>",
    'https://youtu.be/abcdefghijk"onload="alert(1)',
    "https://youtu.be/abcdefghijk><script>alert(1)</script>",
    'https://www.youtube.com/watch?v=abcdefghijk&x="><img/src=x/onerror=alert(1)>',
    "https://www.youtube.com.evil.example/watch?v=abcdefghijk",
    "https://evil.example/?https://www.youtube.com/watch?v=abcdefghijk",
    "https://www.youtube.com@evil.example/watch?v=abcdefghijk",
    "https://evil.example\\@www.youtube.com/watch?v=abcdefghijk",
    "//www.youtube.com/watch?v=abcdefghijk",
    "https://vimeo.com/1<svg/onload=alert(1)>",
    "https://player.vimeo.com/video/1?x=<script>",
    'media/x.mp4"><script>alert(1)</script>',
    "media/<img src=x onerror=alert(1)>.mp4",
    "media/../../etc/passwd.mp4",
    "media//evil.example/x.mp4",
]


@pytest.mark.parametrize("url", VIDEO_URLS)
def test_html_in_video_url_is_rejected_or_inert(url, html_elements):
    body = f"```video\nurl: {url}\ntitle: T\n```\n"
    try:
        module = parse_module(FRONT + body, FILE)
    except ContentErrors as exc:
        assert [(error.file, error.line) for error in exc.errors] == [(FILE, 8)]
        assert "not allowed" in exc.errors[0].message
        return
    # Accepted only when the URL names a real player id; the URL itself is never output.
    markup = render_module(module).html
    assert_safe(markup, html_elements, players=1)
    assert url not in html.unescape(markup)


def test_checker_catches_unsafe_markup(html_elements):
    """The checker must fail on what it is meant to catch, or the tests above prove nothing."""
    unsafe = [
        '<p onclick="x">a</p>',
        '<a href=" java\tscript:alert(1)">a</a>',
        '<a href="&#106;avascript:x">a</a>',
        '<iframe src="https://evil.example/"></iframe>',
        "<script>x</script>",
        '<p style="color:red">a</p>',
        '<div class="admonition evil">a</div>',
        '<img src="https://evil.example/x.png">',
        '<h2 id="location" name="x">a</h2>',
    ]
    for markup in unsafe:
        with pytest.raises(AssertionError):
            assert_safe(markup, html_elements, players=None)
    with pytest.raises(AssertionError):
        assert_safe("<p>x</p>", html_elements, players=1)


def test_placeholder_in_an_attribute_cannot_become_a_player(monkeypatch, html_elements):
    """Even knowing the nonce, an author cannot get player markup into an attribute."""
    monkeypatch.setattr("course.content.render.secrets.token_hex", lambda size: "ab" * size)
    token = "vidph" + "ab" * 16 + "n0z"
    body = (
        "```video\nurl: https://vimeo.com/1\ntitle: V\n```\n\n"
        f'<p><a href="#sec-x" title="{token}">link</a> <abbr title="x {token} y">A</abbr></p>\n'
    )
    markup = render_module(dataclasses.replace(BASE, body=body)).html
    assert_safe(markup, html_elements, players=1)
    elements = html_elements(markup)
    assert [attrs for tag, attrs, _ in elements if tag in ("a", "abbr")] == [
        {"href": "#sec-x", "rel": "noopener"},
        {},
    ]
