"""Rendering: Markdown features, video players, links, quizzes."""

from __future__ import annotations

import json

import pytest

from course.content import (
    TocEntry,
    parse_module,
    parse_quiz,
    render_markdown,
    render_module,
    render_quiz,
)

FRONT = "---\ntitle: T\norder: 1\nsummary: S.\nestimated_minutes: 5\n---\n"
FILE = "modules/01-test.md"


def rendered(body: str, **urls):
    return render_module(parse_module(FRONT + body, FILE), **urls)


def only(elements, tag):
    found = [attrs for name, attrs, _ in elements if name == tag]
    assert len(found) == 1, found
    return found[0]


def test_tables_keep_alignment_without_style(html_elements):
    elements = html_elements(rendered("| a | b |\n|:--|--:|\n| 1 | 2 |\n").html)
    assert [tag for tag, _, _ in elements] == [
        "table",
        "thead",
        "tr",
        "th",
        "th",
        "tbody",
        "tr",
        "td",
        "td",
    ]
    assert [attrs.get("align") for tag, attrs, _ in elements if tag in ("th", "td")] == [
        "left",
        "right",
        "left",
        "right",
    ]


def test_footnotes_link_both_ways(html_elements):
    elements = html_elements(rendered("Claim.[^1]\n\n[^1]: Safran & Muran, 2000.\n").html)
    assert only(elements, "sup")["id"] == "fnref:1"
    ref, back = [attrs for tag, attrs, _ in elements if tag == "a"]
    assert (ref["href"], ref["class"]) == ("#fn:1", "footnote-ref")
    assert (back["href"], back["class"]) == ("#fnref:1", "footnote-backref")
    assert only(elements, "li")["id"] == "fn:1"
    assert only(elements, "div")["class"] == "footnote"


def test_headings_get_prefixed_anchors_and_toc(html_elements):
    result = rendered("# Markers &amp; signs\n\n## Withdrawal\n\n## Withdrawal\n\n### Deep\n")
    assert result.toc == (
        TocEntry(1, "sec-markers-signs", "Markers & signs"),
        TocEntry(2, "sec-withdrawal", "Withdrawal"),
        TocEntry(2, "sec-withdrawal_1", "Withdrawal"),
        TocEntry(3, "sec-deep", "Deep"),
    )
    ids = [attrs["id"] for tag, attrs, _ in html_elements(result.html) if tag in ("h1", "h2", "h3")]
    assert ids == [entry.anchor for entry in result.toc]


def test_toc_marker_renders_a_toc_block(html_elements):
    elements = html_elements(rendered("[TOC]\n\n# One\n").html)
    assert elements[0][0:2] == ("div", {"class": "toc"})
    assert {"href": "#sec-one", "rel": "noopener"} in [a for tag, a, _ in elements if tag == "a"]


@pytest.mark.parametrize(
    ("marker", "kind", "title"),
    [
        ('!!! try "Try this in your next session"', "try", "Try this in your next session"),
        ('!!! key-points "Key points"', "key-points", "Key points"),
        (
            '!!! exchange "Illustrative exchange (fictional)"',
            "exchange",
            "Illustrative exchange (fictional)",
        ),
        ("!!! note", "note", "Note"),
    ],
)
def test_admonitions_keep_their_classes(html_elements, marker, kind, title):
    result = rendered(f"{marker}\n    Body text.\n")
    elements = html_elements(result.html)
    assert elements[0][0:2] == ("div", {"class": f"admonition {kind}"})
    assert elements[1][0:2] == ("p", {"class": "admonition-title"})
    assert f">{title}</p>" in result.html


def test_unknown_admonition_type_loses_only_that_class(html_elements):
    elements = html_elements(rendered("!!! danger onclick\n    Body.\n").html)
    assert elements[0][0:2] == ("div", {"class": "admonition"})


def test_attribute_lists_are_not_enabled(html_elements):
    result = rendered('# Heading {#location .evil}\n\nText\n{: onclick="x" }\n')
    assert html_elements(result.html)[0][0:2] == ("h1", {"id": "sec-heading-location-evil"})
    assert "{: onclick" in result.html


def test_youtube_becomes_privacy_enhanced_embed(html_elements):
    result = rendered(
        "```video\nurl: https://youtu.be/abcdefghijk\ntitle: Role-play: a <marker>\n```\n"
    )
    elements = html_elements(result.html)
    module = parse_module(
        FRONT + "```video\nurl: https://youtu.be/abcdefghijk\ntitle: x\n```\n", FILE
    )
    figure = only(elements, "figure")
    assert figure == {
        "class": "video",
        "data-video-key": module.videos[0].key,
        "data-video-kind": "youtube",
    }
    assert only(elements, "iframe") == {
        "src": "https://www.youtube-nocookie.com/embed/abcdefghijk?enablejsapi=1&rel=0",
        "title": "Role-play: a <marker>",
        "allow": "encrypted-media; picture-in-picture; fullscreen",
        "loading": "lazy",
        "referrerpolicy": "strict-origin-when-cross-origin",
    }
    assert [tag for tag, _, _ in elements] == ["figure", "iframe", "figcaption"]


def test_vimeo_gets_do_not_track(html_elements):
    elements = html_elements(
        rendered("```video\nurl: https://vimeo.com/76979871\ntitle: V\n```\n").html
    )
    assert only(elements, "iframe")["src"] == "https://player.vimeo.com/video/76979871?dnt=1"
    assert only(elements, "figure")["data-video-kind"] == "vimeo"


def test_local_video_has_track_and_transcript(html_elements):
    body = '```video\nurl: media/clip.mp4\ntitle: Clip "one"\ncaptions: media/clip.en.vtt\n```\n'
    result = rendered(
        body,
        media_url=lambda path: "https://cdn.example/" + path,
        transcript_url=lambda path: "/transcripts/" + path,
    )
    elements = html_elements(result.html)
    assert only(elements, "video") == {
        "controls": None,
        "preload": "metadata",
        "src": "https://cdn.example/media/clip.mp4",
        "aria-label": 'Clip "one"',
    }
    track, parents = next((attrs, parents) for tag, attrs, parents in elements if tag == "track")
    assert track == {
        "kind": "captions",
        "src": "https://cdn.example/media/clip.en.vtt",
        "srclang": "en",
        "label": "English",
        "default": None,
    }
    assert parents[-1] == "video"
    link = only(elements, "a")
    assert link["href"] == "/transcripts/media/clip.en.vtt"
    assert only(elements, "figure")["data-video-kind"] == "file"


def test_video_without_captions_has_no_track_or_transcript(html_elements):
    elements = html_elements(rendered("```video\nurl: media/clip.webm\ntitle: C\n```\n").html)
    tags = [tag for tag, _, _ in elements]
    assert tags == ["figure", "video", "figcaption"]
    assert only(elements, "video")["src"] == "/static/media/clip.webm"


def test_videos_render_in_place_even_inside_html_blocks(html_elements):
    body = (
        "Before.\n\n```video\nurl: https://vimeo.com/1\ntitle: A\n```\n\n"
        "<details><summary>More</summary>\n\n```video\nurl: https://vimeo.com/2\ntitle: B\n```\n\n"
        "</details>\n\nAfter.\n"
    )
    elements = html_elements(rendered(body).html)
    iframes = [(attrs["src"], parents) for tag, attrs, parents in elements if tag == "iframe"]
    assert iframes == [
        ("https://player.vimeo.com/video/1?dnt=1", ("figure",)),
        ("https://player.vimeo.com/video/2?dnt=1", ("details", "figure")),
    ]


def test_links_get_noopener(html_elements):
    body = (
        "[in](#sec-x) [out](https://example.org) [mail](mailto:a@example.org) <https://x.example>\n"
    )
    links = [attrs for tag, attrs, _ in html_elements(rendered(body).html) if tag == "a"]
    assert [(link["href"], link["rel"]) for link in links] == [
        ("#sec-x", "noopener"),
        ("https://example.org", "noopener noreferrer"),
        ("mailto:a@example.org", "noopener"),
        ("https://x.example", "noopener noreferrer"),
    ]


def test_images_only_from_media(html_elements):
    body = "![ok](media/diagram.png) ![no](https://evil.example/x.png) ![no](media/../x.png)\n"
    images = [attrs for tag, attrs, _ in html_elements(rendered(body).html) if tag == "img"]
    assert images == [
        {"alt": "ok", "src": "/static/media/diagram.png"},
        {"alt": "no"},
        {"alt": "no"},
    ]


def test_script_and_style_content_is_dropped_not_shown(html_elements):
    result = rendered("Before <script>alert(1)</script><style>p{color:red}</style> after.\n")
    assert [tag for tag, _, _ in html_elements(result.html)] == ["p"]
    assert result.word_count == 2


def test_word_count_counts_reading_text():
    result = rendered(
        "# Two words\n\nIt's a rupture-repair cycle, really.\n\n"
        "```video\nurl: https://vimeo.com/1\ntitle: Not counted here\n```\n"
    )
    # Two + words + It's + a + rupture-repair + cycle + really; the video title is not text.
    assert result.word_count == 7


def test_render_markdown_treats_video_blocks_as_code(html_elements):
    html = render_markdown("```video\nurl: https://youtu.be/abcdefghijk\ntitle: T\n```\n\n## Sub\n")
    elements = html_elements(html)
    assert [tag for tag, _, _ in elements] == ["pre", "code", "h2"]
    assert all(attrs == {} for _, attrs, _ in elements)


def test_render_quiz_is_json_ready():
    quiz = parse_quiz(
        "pass_mark: 75\nmax_attempts: 2\nshuffle: true\nquestions:\n"
        "  - id: q1\n    type: multiple\n    prompt: Pick *all*\n    explanation: '[See](https://example.org)'\n"
        "    options:\n      - {text: '**A**', correct: true, feedback: Good}\n"
        "      - {text: B, correct: true}\n      - {id: z, text: C, correct: false}\n",
        "quizzes/test.yaml",
    )
    data = render_quiz(quiz)
    assert json.loads(json.dumps(data)) == data
    assert {k: data[k] for k in ("slug", "pass_mark", "max_attempts", "shuffle")} == {
        "slug": "test",
        "pass_mark": 75,
        "max_attempts": 2,
        "shuffle": True,
    }
    (question,) = data["questions"]
    assert (question["id"], question["type"]) == ("q1", "multiple")
    assert question["prompt_html"] == "<p>Pick <em>all</em></p>"
    assert question["explanation_html"] == (
        '<p><a href="https://example.org" rel="noopener noreferrer">See</a></p>'
    )
    assert question["options"] == [
        {
            "id": "a",
            "text_html": "<strong>A</strong>",  # option text sits inside a <label>
            "correct": True,
            "feedback_html": "<p>Good</p>",
        },
        {"id": "b", "text_html": "B", "correct": True, "feedback_html": None},
        {"id": "z", "text_html": "C", "correct": False, "feedback_html": None},
    ]
