"""Issuing: the rule, the name confirmation, the stored PDF and its downloads."""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, date, datetime
from pathlib import Path

import pypdf
import pytest

from course.audit.models import AuditEntry
from course.certificates.models import Certificate
from course.certificates.pdf import CODE_RE
from course.extensions import db


def _certificates(app):
    with app.app_context():
        return db.session.scalars(db.select(Certificate).order_by(Certificate.id)).all()


def fetch(client, path: str):
    """GET a file and close the response (send_file keeps the file open until then)."""
    response = client.get(path)
    response.get_data()
    response.close()
    return response


def _pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_home_and_certificate_page_say_what_is_still_missing(
    app, client, make_user, login, cert_course, finish, claim
):
    therapist = make_user("therapist")
    login(therapist)
    home = client.get("/learning/").get_data(as_text=True)
    needed = home.split("For your certificate")[1]
    assert "Complete the module “Introduction to tensions”." in needed
    assert "Complete the module “The next step”." in needed
    assert "Answer the survey “Post-course acceptability survey”: it opens when you finish" in (
        needed
    )
    finish(therapist, survey=False)
    home = client.get("/learning/").get_data(as_text=True).split("For your certificate")[1]
    assert "Complete the module" not in home
    assert (
        '<a href="/surveys/acceptability/after_course">Answer the survey '
        "“Post-course acceptability survey”.</a>" in home
    )
    page = client.get("/certificates/").get_data(as_text=True)
    assert "Still needed" in page and "Answer the survey" in page
    refused = claim(client)
    assert refused.status_code == 409 and "not ready yet" in refused.get_data(as_text=True)
    assert _certificates(app) == []


def test_confirming_the_name_issues_the_certificate_with_the_facts_in_the_pdf(
    app, client, make_user, login, cert_course, finish, claim
):
    therapist = make_user("therapist", name="Dana Smyth")
    finish(therapist)
    login(therapist)
    home = client.get("/learning/").get_data(as_text=True)
    assert "Confirm your name to receive your certificate" in home
    page = client.get("/certificates/").get_data(as_text=True)
    assert 'value="Dana Smyth"' in page and "I have checked" in page

    issued = claim(client, "  Dana   Smith ")  # the typo corrected while confirming
    assert issued.status_code == 302
    (certificate,) = _certificates(app)
    assert certificate.holder_name == "Dana Smith" and CODE_RE.match(certificate.code)
    assert (certificate.course_title, certificate.provider) == ("Test Course", "Test Provider")
    assert certificate.ce_hours == 1.5 and certificate.valid
    stored = Path(app.config["STORAGE_DIR"]) / certificate.pdf_path
    assert stored.is_file() and stored.parent.name == "certificates"

    home = client.get("/learning/").get_data(as_text=True)
    link = f"/certificates/{certificate.code}.pdf"
    assert f'href="{link}"' in home and "Download your certificate (PDF)" in home
    download = fetch(client, link)
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert "attachment" in download.headers["Content-Disposition"]
    assert download.data == stored.read_bytes()
    text = _pdf_text(download.data)
    assert "Dana Smith" in text and "1.5 CE hours" in text and certificate.code in text
    assert "Test Course" in text and f"http://localhost/verify/{certificate.code}" in text
    with app.app_context():
        entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action.like("cert%")))
    assert (entry.action, entry.target) == ("certificate.issued", f"certificate:{certificate.code}")


def test_later_downloads_serve_the_stored_file_without_rendering(
    app, client, make_user, login, cert_course, finish, claim, monkeypatch
):
    therapist = make_user("therapist")
    finish(therapist)
    login(therapist)
    claim(client)
    (certificate,) = _certificates(app)
    stored = Path(app.config["STORAGE_DIR"]) / certificate.pdf_path
    original = stored.read_bytes()

    def refuse(*args, **kwargs):
        raise AssertionError("rendered again")

    monkeypatch.setattr("course.certificates.services.render_certificate", refuse)
    first = fetch(client, f"/certificates/{certificate.code}.pdf")
    second = fetch(client, f"/certificates/{certificate.code}.pdf")
    assert first.data == second.data == original
    assert hashlib.sha256(original).hexdigest() == certificate.pdf_sha256
    assert first.headers["ETag"].strip('"') == certificate.pdf_sha256


def test_a_lost_file_is_rendered_again_from_the_stored_facts(
    app, client, make_user, login, cert_course, finish, claim
):
    therapist = make_user("therapist")
    finish(therapist)
    login(therapist)
    claim(client, "Dana Smith")
    (certificate,) = _certificates(app)
    stored = Path(app.config["STORAGE_DIR"]) / certificate.pdf_path
    stored.unlink()
    again = fetch(client, f"/certificates/{certificate.code}.pdf")
    assert again.status_code == 200 and stored.is_file()
    assert "Dana Smith" in _pdf_text(again.data)


@pytest.mark.parametrize(
    ("name", "confirm", "message"),
    [
        ("Dana Smith", False, "Tick the box to confirm that your name is spelled correctly."),
        ("   ", True, "Enter your name as it should appear on the certificate."),
        ("12345", True, "The name must contain letters."),
        ("Dana\x07Smith", True, "characters that cannot be printed"),
        ("D" * 121, True, "The name may be at most 120 characters long."),
    ],
)
def test_a_name_that_is_not_confirmed_or_not_a_name_issues_nothing(
    app, client, make_user, login, cert_course, finish, claim, name, confirm, message
):
    therapist = make_user("therapist")
    finish(therapist)
    login(therapist)
    response = claim(client, name, confirm=confirm)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _certificates(app) == []
    assert not (Path(app.config["STORAGE_DIR"]) / "certificates").exists()


def test_a_second_confirmation_issues_nothing_more(
    app, client, make_user, login, cert_course, finish, claim
):
    therapist = make_user("therapist")
    finish(therapist)
    login(therapist)
    assert claim(client).status_code == 302
    again = claim(client, "Someone Else")
    assert again.status_code == 409 and "already been issued" in again.get_data(as_text=True)
    assert [c.holder_name for c in _certificates(app)] == ["Dana Smith"]


def test_downloads_are_for_the_holder_and_admins_only(
    app, client, make_user, login, cert_course, finish, claim
):
    holder = make_user("therapist")
    finish(holder)
    login(holder)
    claim(client)
    (certificate,) = _certificates(app)
    link = f"/certificates/{certificate.code}.pdf"
    other = app.test_client()
    login(make_user("therapist"), on=other)
    assert other.get(link).status_code == 404
    assert other.get("/certificates/0000-0000-0000.pdf").status_code == 404
    admin = app.test_client()
    login(make_user("admin"), on=admin)
    assert fetch(admin, link).status_code == 200
    anonymous = app.test_client()
    assert anonymous.get(link).status_code == 302


def test_completion_date_is_the_day_the_rule_was_met_in_the_holders_zone(
    app, client, make_user, login, cert_course, finish, claim
):
    therapist = make_user("therapist", timezone="America/Toronto")
    finish(therapist, at=datetime(2026, 3, 1, 3, 0, tzinfo=UTC))  # Feb 28, 22:00 in Toronto
    login(therapist)
    claim(client)
    (certificate,) = _certificates(app)
    assert certificate.completed_on == date(2026, 2, 28)
    page = client.get("/certificates/").get_data(as_text=True)
    assert "February 28, 2026" in page and "1.5 CE hours" in page


def test_a_name_with_markup_is_printed_and_shown_as_text(
    app, client, make_user, login, cert_course, finish, claim
):
    therapist = make_user("therapist")
    finish(therapist)
    login(therapist)
    claim(client, "<script>alert(1)</script> Dana")
    (certificate,) = _certificates(app)
    for path in ("/certificates/", f"/verify/{certificate.code}"):
        page = client.get(path).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt; Dana" in page
