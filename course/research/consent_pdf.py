"""The participant's PDF copy of the consent: WeasyPrint, as certificates are made.

The page is rendered by plain Jinja (autoescape on) outside any request; the consent text
arrives as sanitized HTML. The stamp names the version, the study ID, the time and the
SHA-256 of the text as shown; never a name or an e-mail address.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup

from course.certificates.pdf import pdf_templates, write_pdf
from course.web.i18n import LANGUAGE_TAGS, locale_for

TEMPLATE = "research/consent_pdf.html"


@dataclass(frozen=True)
class ConsentStamp:
    """The facts stamped on every page of a copy."""

    version: str
    study_id: str
    accepted_at: datetime  # UTC
    text_sha256: str
    confirmation: str  # what the participant confirmed, in words
    #: The language of the text agreed to (en, fr): the copy's words are in it too.
    language: str = "en"


def _words(stamp: ConsentStamp) -> dict[str, str]:
    """The copy's own words, in the language of the text agreed to."""
    with force_locale(locale_for(stamp.language)):
        pages = _("Page %(page)s of %(pages)s", page="\x00", pages="\x01")
        before, _sep, rest = pages.partition("\x00")
        middle = rest.partition("\x01")[0]
        return {
            "top": _(
                "Consent version %(version)s · Study ID %(study_id)s",
                version=stamp.version,
                study_id=stamp.study_id,
            ),
            "bottom": _("SHA-256 of the text: %(sha)s", sha=stamp.text_sha256),
            "page_before": before.strip(),  # the page counters go between these words
            "page_middle": middle.strip(),
            "title": _(
                "Consent copy, version %(version)s, %(study_id)s",
                version=stamp.version,
                study_id=stamp.study_id,
            ),
            "heading": _("Participant's copy of the research consent"),
            "version": _("Consent version"),
            "study_id": _("Study ID"),
            "agreed_at": _("Agreed at"),
            "sha": _("SHA-256 of the text as shown"),
            "confirmation": _("Confirmation."),
            "keep": _(
                "Keep this copy. The study team holds the same copy and can check it against "
                "the hash above; you can download it again from the Study consent page."
            ),
        }


def consent_pdf_html(stamp: ConsentStamp, text_html: str) -> str:
    """The copy as HTML; ``text_html`` must already be sanitized (render_markdown's)."""
    return (
        pdf_templates()
        .get_template(TEMPLATE)
        .render(
            stamp=stamp,
            words=_words(stamp),
            lang=LANGUAGE_TAGS.get(stamp.language, "en"),
            accepted_at=stamp.accepted_at.strftime("%Y-%m-%d %H:%M:%S UTC"),
            text_html=Markup(text_html),  # noqa: S704 - sanitized by render_markdown
        )
    )


def render_consent_pdf(stamp: ConsentStamp, text_html: str, *, static_dir: Path) -> bytes:
    """The copy as PDF bytes (US letter); fetches nothing outside static/."""
    return write_pdf(consent_pdf_html(stamp, text_html), static_dir=static_dir, what="consent copy")
