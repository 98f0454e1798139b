"""Confirmed acceptance and the participant's PDF copy: stored, downloaded, checked by staff."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy.exc import DBAPIError

from course.extensions import db
from course.research.consent_text import sha256_text
from course.research.models import ConsentCopy, ConsentRecord

TEXT = "# Consent\n\nYou may **withdraw** at any time.\n"  # tests/research/conftest.py


def shown_hash(client) -> str:
    page = client.get("/research/consent").get_data(as_text=True)
    return re.search(r'name="text_sha256" type="hidden" value="([0-9a-f]*)"', page).group(1)


def accept(client, csrf, **change):
    data = {
        "csrf_token": csrf(client),
        "version": "1",
        "decision": "accept",
        "read": "y",
        "typed": "I agree",
        "text_sha256": shown_hash(client),
    }
    data |= change
    return client.post("/research/consent", data={k: v for k, v in data.items() if v is not None})


def rows(app, model, user):
    with app.app_context():
        return db.session.scalars(db.select(model).where(model.user_id == user.id)).all()


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_page_shows_the_hash_of_the_text_it_shows(client, make_user, login, course):
    login(make_user("therapist", arm="self_paced", consent=False))
    page = client.get("/research/consent").get_data(as_text=True)
    assert shown_hash(client) == sha256_text(TEXT) and sha256_text(TEXT) in page
    assert "I have read this consent form" in page and 'type "I agree"' in page


def test_accepting_stores_a_stamped_pdf_copy_without_name_or_email(
    app, client, make_user, login, course, csrf
):
    user = make_user("therapist", arm="control", consent=False, name="Ada Lovelace")
    login(user)
    assert accept(client, csrf).status_code == 302
    [copy] = rows(app, ConsentCopy, user)
    [record] = rows(app, ConsentRecord, user)
    assert (copy.consent_record_id, copy.version, copy.study_id) == (record.id, "1", user.study_id)
    assert copy.text == TEXT and copy.text_sha256 == sha256_text(TEXT)
    assert copy.pdf_sha256 == hashlib.sha256(copy.pdf).hexdigest()
    assert copy.created_at == record.at
    page = client.get("/research/consent").get_data(as_text=True)
    link = f"/research/consent/copy/{copy.id}.pdf"
    assert link in page and "Download your consent copy" in page
    response = client.get(link)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert f"consent-1-{user.study_id}.pdf" in response.headers["Content-Disposition"]
    assert response.data == copy.pdf
    text = " ".join(pdf_text(response.data).split())
    stamp = record.at.strftime("%Y-%m-%d %H:%M:%S UTC")
    for fact in ("Consent version 1", user.study_id, stamp, copy.text_sha256, "withdraw"):
        assert fact in text, fact
    assert "Ada" not in text and "Lovelace" not in text and user.email not in text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"read": None}, "Tick the box to confirm that you have read"),
        ({"typed": None}, "Type &#34;I agree&#34; in the box"),
        ({"typed": "I agre"}, "Type &#34;I agree&#34; in the box"),
        ({"text_sha256": "0" * 64}, "changed while you were reading"),
        ({"text_sha256": None}, "changed while you were reading"),
    ],
)
def test_an_unconfirmed_acceptance_records_nothing(
    app, client, make_user, login, course, csrf, change, message
):
    user = make_user("therapist", arm="self_paced", consent=False)
    login(user)
    response = accept(client, csrf, **change)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert rows(app, ConsentRecord, user) == [] and rows(app, ConsentCopy, user) == []


@pytest.mark.parametrize("typed", ["i agree", "  I   AGREE. ", "I agree!"])
def test_the_typed_confirmation_forgives_case_spacing_and_a_stop(
    app, client, make_user, login, course, csrf, typed
):
    user = make_user("therapist", arm="self_paced", consent=False)
    login(user)
    accept(client, csrf, typed=typed)
    assert [r.decision for r in rows(app, ConsentRecord, user)] == ["accepted"]


def test_declining_needs_no_confirmation_and_makes_no_copy(
    app, client, make_user, login, course, csrf
):
    user = make_user("therapist", arm="self_paced", consent=False)
    login(user)
    data = {"csrf_token": csrf(client), "version": "1", "decision": "decline"}
    assert client.post("/research/consent", data=data).status_code == 302
    assert [r.decision for r in rows(app, ConsentRecord, user)] == ["declined"]
    assert rows(app, ConsentCopy, user) == []


def test_a_copy_is_only_its_owners_and_staff_can_find_and_check_it(
    app, client, make_user, login, course, csrf
):
    owner = make_user("therapist", arm="self_paced", consent=False)
    login(owner)
    accept(client, csrf)
    [copy] = rows(app, ConsentCopy, owner)
    other = app.test_client()
    login(make_user("therapist", arm="self_paced"), on=other)
    assert other.get(f"/research/consent/copy/{copy.id}.pdf").status_code == 404
    assert other.get("/research/consent-copies").status_code == 403
    for role in ("researcher", "admin"):
        staff = app.test_client()
        login(make_user(role), on=staff)
        for term in (owner.study_id, copy.text_sha256[:12], copy.pdf_sha256):
            page = staff.get(f"/research/consent-copies?q={term}").get_data(as_text=True)
            assert owner.study_id in page and copy.text_sha256 in page and ">Yes<" in page
        page = staff.get("/research/consent-copies?q=P-NOSUCH").get_data(as_text=True)
        assert "No consent copy matches" in page and copy.text_sha256 not in page
        download = staff.get(f"/research/consent-copies/{copy.id}.pdf")
        assert download.status_code == 200 and download.data == copy.pdf
        assert staff.get("/research/consent-copies/999999.pdf").status_code == 404


def test_copies_are_append_only(app, client, make_user, login, course, csrf):
    user = make_user("therapist", arm="self_paced", consent=False)
    login(user)
    accept(client, csrf)
    for statement in ("UPDATE consent_copies SET version = 'x'", "DELETE FROM consent_copies"):
        with app.app_context():
            with pytest.raises(DBAPIError, match="append-only"):
                db.session.execute(db.text(statement))
                db.session.flush()
            db.session.rollback()
    assert len(rows(app, ConsentCopy, user)) == 1


def test_a_text_naming_an_unknown_setting_is_shown_but_cannot_be_accepted(
    app, client, make_user, login, course, csrf
):
    folder = app.config["RESEARCH_CONSENT_DIR"]
    with open(f"{folder}/consent-1.md", "a", encoding="utf-8") as text:
        text.write("\nContact {{ study.pi_phone }}.\n")  # a typo in a new version
    user = make_user("therapist", arm="self_paced", consent=False)
    login(user)
    page = client.get("/research/consent")
    assert page.status_code == 200  # every therapist is sent here: never a 500
    assert "names an unknown setting: study.pi_phone" in page.get_data(as_text=True)
    response = accept(client, csrf)
    assert response.status_code == 503
    assert "error the study team must correct" in response.get_data(as_text=True)
    assert rows(app, ConsentRecord, user) == [] and rows(app, ConsentCopy, user) == []
