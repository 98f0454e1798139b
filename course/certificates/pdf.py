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
from babel.dates import format_date as babel_format_date
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
TEMPLATE = "certificates/certificate_pdf.html"
#: The interface catalogues; read here directly, as certificates are rendered outside Flask.
CATALOGUES = Path(__file__).resolve().parents[1] / "translations"
#: The languages a certificate is printed in, by the name the download asks for: English,
#: Canadian French, or both on one page (English first, French under each line).
LANGUAGES = {"en": ("en",), "fr": ("fr_CA",), "both": ("en", "fr_CA")}
#: The download's language for an interface locale.
FOR_LOCALE = {"en": "en", "fr_CA": "fr"}
# Crockford base32 has no I, L, O or U, so a code read aloud or retyped stays unambiguous.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12  # 12 symbols x 5 bits = 60 bits from secrets
CODE_RE = re.compile(rf"^[{CODE_ALPHABET}]{{4}}-[{CODE_ALPHABET}]{{4}}-[{CODE_ALPHABET}]{{4}}$")
_LOOKALIKES = str.maketrans("OIL", "011")
# Spaces and every dash a phone or word processor might turn a hyphen into.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212]+")
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


def N_(message: str) -> str:
    """Mark a string for the catalogue; it is translated when a certificate is printed."""
    return message


#: Every sentence printed on a certificate (translated in the catalogue like the pages).
TEXTS = {
    "document": N_("Certificate of completion: %(name)s"),
    "summary": N_("%(course)s, completed %(date)s"),
    "heading": N_("Certificate of Completion"),
    "certifies": N_("This certifies that"),
    "completed_course": N_("has completed the course"),
    "ce": N_("Continuing education"),
    "completed_on": N_("Completed on"),
    "code": N_("Verification code:"),
    "check": N_("To check this certificate, scan the code or visit"),
    "one_hour": N_("1 CE hour"),
    "hours": N_("%(hours)s CE hours"),
}


@functools.cache
def catalogue(locale: str) -> NullTranslations:
    """The interface catalogue of a locale (English: the strings as written)."""
    if locale == "en":
        return NullTranslations()
    return Translations.load(str(CATALOGUES), [locale])


@dataclass(frozen=True)
class Wording:
    """A certificate's text in one language."""

    lang: str  # the HTML lang: en, fr-CA
    text: dict[str, str]
    ce_hours: str
    completed_on: str


def wording(data: CertificateData, locale: str) -> Wording:
    """What a certificate says, in ``locale``: sentences, hours and date."""
    gettext = catalogue(locale).gettext
    completed_on = format_date(data.completed_on, locale)
    text = {key: gettext(message) for key, message in TEXTS.items()}
    text["document"] %= {"name": data.holder_name}
    text["summary"] %= {"course": data.course_title, "date": completed_on}
    return Wording(
        lang=locale.replace("_", "-"),
        text=text,
        ce_hours=format_hours(data.ce_hours, locale),
        completed_on=completed_on,
    )


def render_certificate(
    data: CertificateData, *, static_dir: Path, verify_url: str, language: str = "en"
) -> bytes:
    """The certificate as PDF bytes: landscape US letter with a QR code to verify_url, in
    a language of ``LANGUAGES`` (en, fr, both)."""
    html = certificate_html(data, verify_url=verify_url, language=language)
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


def certificate_html(data: CertificateData, *, verify_url: str, language: str = "en") -> str:
    """The certificate page as HTML, every value escaped; WeasyPrint turns it into the PDF."""
    if urlsplit(verify_url).scheme not in ("http", "https"):
        raise ValueError(f"the verification link must be an http(s) URL, not {verify_url!r}")
    if language not in LANGUAGES:
        raise ValueError(f"a certificate is printed in en, fr or both, not {language!r}")
    words = [wording(data, locale) for locale in LANGUAGES[language]]
    # Inline SVG: nothing to fetch, and it stays sharp in print. segno's output is ours.
    qr_svg = Markup(segno.make(verify_url, error="m").svg_inline(omitsize=True))  # noqa: S704
    return (
        pdf_templates()
        .get_template(TEMPLATE)
        .render(
            holder_name=data.holder_name,
            course_title=data.course_title,
            provider=data.provider,
            words=words,
            first=words[0],
            bilingual=len(words) > 1,
            code=data.code,
            verify_url=verify_url,
            qr_svg=qr_svg,
            long_name=len(data.holder_name) > LONG_TEXT,
            long_title=len(data.course_title) > LONG_TEXT,
        )
    )


def format_hours(hours: float, locale: str = "en") -> str:
    """'6 CE hours', '1 CE hour', '1.5 CE hours'; '1,5 heures de formation continue'."""
    gettext = catalogue(locale).gettext
    if hours == 1:
        return gettext(TEXTS["one_hour"])
    return gettext(TEXTS["hours"]) % {"hours": format_decimal(hours, locale=locale)}


def format_date(day: date, locale: str = "en") -> str:
    """'November 23, 2026' or '23 novembre 2026' (Babel: not the process locale)."""
    return babel_format_date(day, "long", locale=locale)


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
