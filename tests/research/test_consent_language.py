"""Consent in French: the French text of the same version, the language decided in kept on
the record, the PDF copy in that language; English with a note when there is no French text."""

from __future__ import annotations

import io
import re
from pathlib import Path

from pypdf import PdfReader

from course.extensions import db
from course.research.models import ConsentCopy, ConsentRecord

FR = {"Accept-Language": "fr-CA,fr;q=0.9"}
FRENCH_TEXT = "# Consentement\n\nVous pouvez vous **retirer** en tout temps.\n"


def _form(client, headers=None) -> dict[str, str]:
    page = client.get("/research/consent", headers=headers or {}).get_data(as_text=True)
    fields = dict(re.findall(r'name="(\w+)" type="hidden" value="([^"]*)"', page))
    return {k: fields[k] for k in ("csrf_token", "version", "text_sha256", "language")}


def _accept(client, form, typed, headers=None):
    data = {**form, "decision": "accept", "read": "y", "typed": typed}
    return client.post("/research/consent", data=data, headers=headers or {})


def _french(app) -> None:
    folder = Path(app.config["RESEARCH_CONSENT_DIR"]) / "fr"
    folder.mkdir(exist_ok=True)
    (folder / "consent-1.md").write_text(FRENCH_TEXT, encoding="utf-8")


def _records(app, user):
    with app.app_context():
        rows = db.session.scalars(db.select(ConsentRecord).where(ConsentRecord.user_id == user.id))
        return [(r.version, r.decision, r.language) for r in rows]


def _copy(app, user) -> tuple[str, str]:
    with app.app_context():
        copy = db.session.scalar(db.select(ConsentCopy).where(ConsentCopy.user_id == user.id))
        pdf = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(copy.pdf)).pages)
        return copy.text, " ".join(pdf.split())


def test_a_french_page_shows_the_french_text_and_records_french(
    app, client, make_user, login, course
):
    _french(app)
    user = make_user("therapist", arm="self_paced", consent=False)
    login(user)
    page = client.get("/research/consent", headers=FR).get_data(as_text=True)
    assert "Vous pouvez vous <strong>retirer</strong> en tout temps." in page
    assert '<div lang="fr-CA">' in page and "withdraw" not in page
    assert "pas encore été traduit" not in page
    form = _form(client, FR)
    assert form["language"] == "fr"
    assert _accept(client, form, "J'accepte", FR).status_code == 302
    assert _records(app, user) == [("1", "accepted", "fr")]
    text, pdf = _copy(app, user)
    assert text == FRENCH_TEXT
    assert "Version du consentement" in pdf and "retirer en tout temps" in pdf
    assert "Consent version" not in pdf


def test_the_record_keeps_the_language_of_the_text_shown_whatever_the_language_now(
    app, client, make_user, login, course
):
    _french(app)
    user = make_user("therapist", arm="self_paced", consent=False)
    login(user)
    form = _form(client, FR)  # read in French, then the interface switched to English
    assert _accept(client, form, "I agree").status_code == 302
    assert _records(app, user) == [("1", "accepted", "fr")]


def test_without_a_french_text_the_english_one_is_shown_with_a_note_and_recorded(
    app, client, make_user, login, course
):
    user = make_user("therapist", arm="self_paced", consent=False)
    login(user)
    page = client.get("/research/consent", headers=FR).get_data(as_text=True)
    assert "You may <strong>withdraw</strong> at any time." in page
    assert '<div lang="en">' in page
    assert "n\u2019a pas encore été traduit en français" in page
    form = _form(client, FR)
    assert form["language"] == "en"
    assert _accept(client, form, "J'accepte", FR).status_code == 302
    assert _records(app, user) == [("1", "accepted", "en")]
    _, pdf = _copy(app, user)
    assert "Consent version" in pdf


def test_an_english_page_records_english(app, client, make_user, login, course):
    _french(app)
    user = make_user("therapist", arm="self_paced", consent=False)
    login(user)
    page = client.get("/research/consent").get_data(as_text=True)
    assert "You may <strong>withdraw</strong> at any time." in page
    assert _accept(client, _form(client), "I agree").status_code == 302
    assert _records(app, user) == [("1", "accepted", "en")]
