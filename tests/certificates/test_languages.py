"""Certificates in the holder's language, in the other one, or in both on one page."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from pathlib import Path

import pypdf
import pytest

from course.auth.models import User
from course.certificates.models import Certificate
from course.certificates.pdf import CertificateData, certificate_html, render_certificate
from course.extensions import db

STATIC = Path(__file__).resolve().parents[2] / "static"
VERIFY_URL = "https://course.example.org/verify/7KQ2-M9XD-4HTB"
DATA = CertificateData(
    holder_name="Dana Smith",
    course_title="Working with Alliance Tensions",
    provider="Alliance Training Platform",
    ce_hours=6.5,
    completed_on=date(2026, 12, 4),
    code="7KQ2-M9XD-4HTB",
)
FR = {"Accept-Language": "fr-CA"}


def _text(pdf: bytes) -> tuple[int, str]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return len(reader.pages), " ".join(" ".join(p.extract_text().split()) for p in reader.pages)


def test_a_french_certificate_says_everything_in_french():
    pages, text = _text(render_certificate(DATA, static_dir=STATIC, verify_url=VERIFY_URL,
                                           language="fr"))  # fmt: skip
    assert pages == 1
    for expected in ("Attestation de réussite", "La présente atteste que", "Dana Smith",
                     "a terminé la formation", "6,5 heures de formation continue",
                     "4 décembre 2026", "Code de vérification", "7KQ2-M9XD-4HTB",
                     "balayez le code", VERIFY_URL):  # fmt: skip
        assert expected in text, expected
    assert "Certificate of Completion" not in text and "December" not in text


def test_a_bilingual_certificate_has_both_languages_on_one_page():
    pages, text = _text(render_certificate(DATA, static_dir=STATIC, verify_url=VERIFY_URL,
                                           language="both"))  # fmt: skip
    assert pages == 1
    for expected in ("Certificate of Completion", "Attestation de réussite",
                     "This certifies that", "La présente atteste que",
                     "6.5 CE hours", "6,5 heures de formation continue",
                     "December 4, 2026", "4 décembre 2026"):  # fmt: skip
        assert expected in text, expected
    html = certificate_html(DATA, verify_url=VERIFY_URL, language="both")
    assert '<html lang="en">' in html and 'lang="fr-CA">Attestation de réussite' in html


def test_a_long_name_and_title_keep_a_bilingual_certificate_on_one_page():
    from dataclasses import replace

    long = replace(DATA, holder_name="Maximiliana " * 9, course_title="Alliance tensions " * 8)
    pages, _ = _text(render_certificate(long, static_dir=STATIC, verify_url=VERIFY_URL,
                                        language="both"))  # fmt: skip
    assert pages == 1


def test_an_unknown_language_is_refused():
    with pytest.raises(ValueError, match="en, fr or both"):
        certificate_html(DATA, verify_url=VERIFY_URL, language="de")


def _issue(app, client, make_user, login, finish, claim, locale=None):
    therapist = make_user("therapist")
    if locale:
        with app.app_context():
            db.session.get(User, therapist.id).locale = locale
            db.session.commit()
    finish(therapist, at=datetime(2026, 12, 4, 15, 0, tzinfo=UTC))
    login(therapist)
    assert claim(client).status_code == 302
    with app.app_context():
        return db.session.scalar(db.select(Certificate.code))


def test_downloads_in_the_holders_language_or_the_one_chosen(
    app, client, make_user, login, cert_course, finish, claim
):
    code = _issue(app, client, make_user, login, finish, claim, locale="fr_CA")
    page = client.get("/certificates/").get_data(as_text=True)
    assert "4 décembre 2026" in page  # the completion date, by Babel in the page's language
    for lang in ("en", "fr", "both"):
        assert f"/certificates/{code}.pdf?lang={lang}" in page
    default = client.get(f"/certificates/{code}.pdf")
    assert default.status_code == 200
    assert "Attestation de réussite" in _text(default.data)[1]  # the holder speaks French
    english = client.get(f"/certificates/{code}.pdf?lang=en")
    assert "Certificate of Completion" in _text(english.data)[1]
    assert "Attestation" not in _text(english.data)[1]
    both = client.get(f"/certificates/{code}.pdf?lang=both")
    assert "-both.pdf" in both.headers["Content-Disposition"]
    text = _text(both.data)[1]
    assert "Certificate of Completion" in text and "Attestation de réussite" in text
    again = client.get(f"/certificates/{code}.pdf?lang=both")
    assert again.data == both.data  # stored at the first download
    refused = client.get(f"/certificates/{code}.pdf?lang=de")
    assert refused.status_code == 400
    assert "en anglais (en), en français (fr) ou dans les deux langues (both)" in (
        refused.get_data(as_text=True)
    )
    verify = client.get(f"/verify/{code}", headers=FR).get_data(as_text=True)
    assert "4 décembre 2026" in verify and "Statut\u00a0: valide." in verify


def test_an_english_holder_gets_english_by_default(
    app, client, make_user, login, cert_course, finish, claim
):
    code = _issue(app, client, make_user, login, finish, claim)
    page = client.get("/certificates/").get_data(as_text=True)
    assert "December 4, 2026" in page
    text = _text(client.get(f"/certificates/{code}.pdf").data)[1]
    assert "Certificate of Completion" in text and "December 4, 2026" in text
