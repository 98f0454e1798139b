"""The participant's PDF copy of the consent: WeasyPrint, as certificates are made.

The page is rendered by plain Jinja (autoescape on) outside any request; the consent text
arrives as sanitized HTML. The stamp names the version, the study ID, the time and the
SHA-256 of the text as shown; never a name or an e-mail address.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError

from course.certificates.pdf import StaticFetcher

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
TEMPLATE = "research/consent_pdf.html"


@dataclass(frozen=True)
class ConsentStamp:
    """The facts stamped on every page of a copy."""

    version: str
    study_id: str
    accepted_at: datetime  # UTC
    text_sha256: str
    confirmation: str  # what the participant confirmed, in words


def consent_pdf_html(stamp: ConsentStamp, text_html: str) -> str:
    """The copy as HTML; ``text_html`` must already be sanitized (render_markdown's)."""
    return (
        _environment()
        .get_template(TEMPLATE)
        .render(
            stamp=stamp,
            accepted_at=stamp.accepted_at.strftime("%Y-%m-%d %H:%M:%S UTC"),
            text_html=Markup(text_html),  # noqa: S704 - sanitized by render_markdown
        )
    )


def render_consent_pdf(stamp: ConsentStamp, text_html: str, *, static_dir: Path) -> bytes:
    """The copy as PDF bytes (US letter); fetches nothing outside static/."""
    fetcher = StaticFetcher(static_dir)
    html = consent_pdf_html(stamp, text_html)
    try:
        return HTML(
            string=html, base_url=fetcher.static_dir.as_uri() + "/", url_fetcher=fetcher
        ).write_pdf()
    except FatalURLFetchingError as exc:
        raise ValueError(f"consent copy not rendered: {exc.__cause__ or exc}") from exc


@functools.cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
