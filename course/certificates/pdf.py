"""Certificate PDFs: WeasyPrint, a template of our own, and a fetcher that reads only static/."""

from __future__ import annotations

import functools
import math
import mimetypes
import re
import secrets
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

import segno
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
TEMPLATE = "certificates/certificate_pdf.html"
# Crockford base32 has no I, L, O or U, so a code read aloud or retyped stays unambiguous.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12  # 12 symbols x 5 bits = 60 bits from secrets
CODE_RE = re.compile(rf"^[{CODE_ALPHABET}]{{4}}-[{CODE_ALPHABET}]{{4}}-[{CODE_ALPHABET}]{{4}}$")
_LOOKALIKES = str.maketrans("OIL", "011")
# Spaces and every dash a phone or word processor might turn a hyphen into.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212]+")
_MONTHS = "January February March April May June July August September October November December"
MONTHS = tuple(_MONTHS.split())  # not strftime: %B follows the process locale
LONG_TEXT = 48  # characters beyond which the name or title is set smaller to stay on one line


@dataclass(frozen=True)
class CertificateData:
    """The facts printed on one certificate."""

    holder_name: str
    course_title: str
    provider: str
    ce_hours: float
    completed_on: date
    code: str

    def __post_init__(self) -> None:
        for name in ("holder_name", "course_title", "provider", "code"):
            if not str(getattr(self, name)).strip():
                raise ValueError(f"a certificate needs a {name.replace('_', ' ')}")
        if not math.isfinite(self.ce_hours) or self.ce_hours < 0:
            raise ValueError(f"CE hours must be a number of at least 0, not {self.ce_hours!r}")


class StaticFetcher(URLFetcher):
    """Serves file: URLs inside one folder to WeasyPrint and refuses everything else."""

    def __init__(self, static_dir: Path) -> None:
        # fail_on_errors: a refused or missing asset stops the render instead of quietly
        # producing a certificate without its stylesheet, which would then be stored.
        super().__init__(allowed_protocols=("file",), allow_redirects=False, fail_on_errors=True)
        self.static_dir = Path(static_dir).resolve()

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        """The bytes of a file inside the static folder; ValueError for anything else."""
        path = self.resolve(url)
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": mime})

    def resolve(self, url: str) -> Path:
        """The file a URL names, if it is a file inside the static folder."""
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            raise ValueError(f"certificates may only load files from the static folder: {url!r}")
        # resolve() follows '..' and symlinks, so neither can reach outside static/.
        path = Path(url2pathname(parts.path)).resolve()
        if not path.is_relative_to(self.static_dir):
            raise ValueError(f"refused {url!r}: it is outside the static folder")
        if not path.is_file():
            raise ValueError(f"refused {url!r}: no such file in the static folder")
        return path


def render_certificate(data: CertificateData, *, static_dir: Path, verify_url: str) -> bytes:
    """The certificate as PDF bytes: landscape US letter with a QR code to verify_url."""
    html = certificate_html(data, verify_url=verify_url)
    return write_pdf(html, static_dir=static_dir, what="certificate")


def write_pdf(html: str, *, static_dir: Path, what: str) -> bytes:
    """A page as PDF bytes, fetching nothing outside static/; a refused or missing asset
    is a ValueError naming ``what`` (the certificate, the consent copy)."""
    fetcher = StaticFetcher(static_dir)
    base_url = fetcher.static_dir.as_uri() + "/"
    try:
        return HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf()
    except FatalURLFetchingError as exc:
        raise ValueError(f"{what} not rendered: {exc.__cause__ or exc}") from exc


def certificate_html(data: CertificateData, *, verify_url: str) -> str:
    """The certificate page as HTML, every value escaped; WeasyPrint turns it into the PDF."""
    if urlsplit(verify_url).scheme not in ("http", "https"):
        raise ValueError(f"the verification link must be an http(s) URL, not {verify_url!r}")
    # Inline SVG: nothing to fetch, and it stays sharp in print. segno's output is ours.
    qr_svg = Markup(segno.make(verify_url, error="m").svg_inline(omitsize=True))  # noqa: S704
    return (
        pdf_templates()
        .get_template(TEMPLATE)
        .render(
            holder_name=data.holder_name,
            course_title=data.course_title,
            provider=data.provider,
            ce_hours=format_hours(data.ce_hours),
            completed_on=format_date(data.completed_on),
            code=data.code,
            verify_url=verify_url,
            qr_svg=qr_svg,
            long_name=len(data.holder_name) > LONG_TEXT,
            long_title=len(data.course_title) > LONG_TEXT,
        )
    )


def format_hours(hours: float) -> str:
    """'6 CE hours', '1 CE hour', '1.5 CE hours'."""
    return f"{hours:g} CE hour{'' if hours == 1 else 's'}"


def format_date(day: date) -> str:
    """'November 23, 2026', whatever the process locale."""
    return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"


def generate_code() -> str:
    """A random verification code such as '7KQ2-M9XD-4HTB' (60 bits from secrets)."""
    return _group("".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)))


def normalize_code(text: str) -> str:
    """A typed code in canonical form: upper-case, O read as 0, I and L as 1, regrouped."""
    cleaned = _SEPARATORS.sub("", text).upper().translate(_LOOKALIKES)
    return _group(cleaned) if len(cleaned) == CODE_LENGTH else cleaned


def _group(code: str) -> str:
    return "-".join(code[start : start + 4] for start in range(0, len(code), 4))


@functools.cache
def pdf_templates() -> Environment:
    """The Jinja environment of the PDF pages (certificate, consent copy): our own, with
    autoescape, as they are rendered outside any Flask request."""
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
