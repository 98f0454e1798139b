"""Certificate PDFs: content, page size, escaping, the locked-down fetcher, and codes."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from pathlib import Path

import pypdf
import pytest
import segno

from course.certificates.pdf import (
    CODE_ALPHABET,
    CODE_RE,
    CertificateData,
    StaticFetcher,
    certificate_html,
    format_date,
    format_hours,
    generate_code,
    normalize_code,
    render_certificate,
)

STATIC = Path(__file__).resolve().parents[2] / "static"
HOSTILE_NAME = "<script>alert(1)</script> & Co"
VERIFY_URL = "https://course.example.org/verify/7KQ2-M9XD-4HTB"
DATA = CertificateData(
    holder_name=HOSTILE_NAME,
    course_title="Working with Alliance Tensions",
    provider="Alliance Training Platform",
    ce_hours=6.5,
    completed_on=date(2026, 11, 23),
    code="7KQ2-M9XD-4HTB",
)


@pytest.fixture(scope="module")
def page() -> pypdf.PageObject:
    """The one rendered page, shared: a render takes a noticeable fraction of a second."""
    pdf = render_certificate(DATA, static_dir=STATIC, verify_url=VERIFY_URL)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    return reader.pages[0]


@pytest.fixture(scope="module")
def text(page: pypdf.PageObject) -> str:
    return page.extract_text()


@pytest.mark.parametrize(
    "expected",
    [
        "Working with Alliance Tensions",
        "ALLIANCE TRAINING PLATFORM",  # the stylesheet sets the provider in capitals
        "6.5 CE hours",
        "November 23, 2026",
        "7KQ2-M9XD-4HTB",
        VERIFY_URL,
    ],
)
def test_pdf_text_carries_the_certificate_facts(text, expected):
    assert expected in text


def test_html_in_the_holder_name_is_printed_as_literal_text(text):
    assert HOSTILE_NAME in text


def test_page_is_landscape_us_letter(page):
    assert (float(page.mediabox.width), float(page.mediabox.height)) == (792, 612)


def test_pdf_links_to_the_verification_page(page):
    uris = [annot.get_object()["/A"].get("/URI") for annot in page.get("/Annots", [])]
    assert VERIFY_URL in uris


def test_html_escapes_every_value_and_embeds_the_qr_for_the_verify_url():
    html = certificate_html(DATA, verify_url=VERIFY_URL)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in html
    assert segno.make(VERIFY_URL, error="m").svg_inline(omitsize=True) in html


@pytest.mark.parametrize("url", ["javascript:alert(1)", "/verify/ABC", "ftp://example.org/v"])
def test_verify_url_must_be_http(url):
    with pytest.raises(ValueError, match="http"):
        certificate_html(DATA, verify_url=url)


def test_render_stops_when_the_stylesheet_cannot_be_read(tmp_path):
    # An empty static folder: no stylesheet. A certificate without it must not be stored.
    with pytest.raises(ValueError, match="certificate not rendered"):
        render_certificate(DATA, static_dir=tmp_path, verify_url=VERIFY_URL)


ELSEWHERE = "only load files from the static folder"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://example.org/x.png", ELSEWHERE),
        ("https://example.org/x.css", ELSEWHERE),
        ("ftp://example.org/x.png", ELSEWHERE),
        ("data:text/css,body{}", ELSEWHERE),
        (
            "file://evil.example.org" + (STATIC / "certificates/certificate.css").as_posix(),
            ELSEWHERE,
        ),
        ("file:///etc/passwd", "outside the static folder"),
        ((STATIC / "certificates").as_uri() + "/../../pyproject.toml", "outside the static folder"),
        (
            (STATIC / "certificates").as_uri() + "/%2E%2E/%2E%2E/pyproject.toml",
            "outside the static",
        ),
        ((STATIC / "certificates" / "missing.css").as_uri(), "no such file"),
    ],
)
def test_fetcher_refuses_anything_but_files_inside_static(url, message):
    with pytest.raises(ValueError, match=message):
        StaticFetcher(STATIC)(url)


def test_fetcher_refuses_a_symlink_out_of_static(tmp_path):
    static = tmp_path / "static"
    static.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("not for certificates")
    (static / "link.css").symlink_to(secret)
    with pytest.raises(ValueError, match="outside the static folder"):
        StaticFetcher(static)((static / "link.css").as_uri())


def test_fetcher_serves_the_stylesheet_with_its_type():
    response = StaticFetcher(STATIC)((STATIC / "certificates" / "certificate.css").as_uri())
    assert response.content_type == "text/css"
    assert b"letter landscape" in response.read()
    response.close()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"holder_name": "  "}, "holder name"),
        ({"code": ""}, "code"),
        ({"ce_hours": -1.0}, "at least 0"),
        ({"ce_hours": float("nan")}, "at least 0"),
    ],
)
def test_certificate_data_refuses_blank_or_impossible_values(changes, message):
    with pytest.raises(ValueError, match=message):
        replace(DATA, **changes)


@pytest.mark.parametrize(
    ("hours", "expected"), [(6.0, "6 CE hours"), (1, "1 CE hour"), (1.5, "1.5 CE hours")]
)
def test_format_hours(hours, expected):
    assert format_hours(hours) == expected


def test_format_date_spells_the_month():
    assert format_date(date(2026, 1, 5)) == "January 5, 2026"


def test_generated_codes_are_unique_and_well_formed():
    codes = {generate_code() for _ in range(10_000)}
    assert len(codes) == 10_000
    assert all(CODE_RE.match(code) for code in codes)
    assert not set("ILOU") & set(CODE_ALPHABET)
    assert len(CODE_ALPHABET) == 32  # 12 symbols x 5 bits = 60 bits


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("7kq2-m9xd-4htb", "7KQ2-M9XD-4HTB"),
        ("7KQ2 M9XD 4HTB", "7KQ2-M9XD-4HTB"),
        ("7kq2m9xd4htb", "7KQ2-M9XD-4HTB"),
        (" 7KQ2\u2013M9XD\u20144HTB ", "7KQ2-M9XD-4HTB"),
        ("O0I1-L1o0-ABCD", "0011-1100-ABCD"),
        ("too-short", "T00SH0RT"),
    ],
)
def test_normalize_code_reads_what_people_type(typed, expected):
    assert normalize_code(typed) == expected


def test_normalize_code_round_trips_generated_codes():
    code = generate_code()
    assert normalize_code(code) == code
    assert normalize_code(code.lower().replace("0", "o").replace("1", "l")) == code
