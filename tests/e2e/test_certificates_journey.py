"""In Chromium: a therapist who finished the shipped course answers the post-course survey
(saving halfway and resuming), confirms the name, downloads the certificate and checks it;
an admin revokes it and the public page says so."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pypdf
import pytest
from playwright.sync_api import expect

from course.catalog.models import Module
from course.extensions import db

SURVEY = "Post-course acceptability survey"


@pytest.fixture
def finished(app, import_course, project_root, make_user, complete_modules):
    """The shipped course, and a therapist whose every module is complete."""
    import_course(project_root)
    therapist = make_user("therapist", arm="open", name="Dana Smyth")
    with app.app_context():
        slugs = db.session.scalars(db.select(Module.slug)).all()
    complete_modules(therapist, *slugs, active_seconds=900.0)
    return therapist


def _item(page, number: int):
    """The question group whose legend starts with its number."""
    return page.get_by_role("group", name=re.compile(rf"^{number}\. "))


def _answer(page, first: int, last: int, label: str | None = "Agree") -> None:
    for number in range(first, last + 1):
        group = _item(page, number)
        if label is None:
            group.get_by_role("radio").nth(3).check()  # the TFA items have their own anchors
        else:
            group.get_by_label(label, exact=True).check()


def test_survey_certificate_download_verify_and_revoke(
    page, finished, make_user, sign_in, assert_accessible
):
    page.on("dialog", lambda dialog: dialog.accept())  # the submit and revoke confirmations
    sign_in(finished)
    expect(page.get_by_role("heading", name="Working with Alliance Tensions")).to_be_visible()
    surveys = page.get_by_role("region", name="What is still needed")
    expect(surveys.get_by_role("link", name=SURVEY).first).to_be_visible()
    assert_accessible(page)

    # Halfway: the AIM and IAM, then save and leave.
    surveys.get_by_role("link", name=SURVEY).first.click()
    expect(page.get_by_role("heading", level=1, name=SURVEY)).to_be_visible()
    expect(_item(page, 1)).to_contain_text(
        "The Working with Alliance Tensions course meets my approval."
    )
    assert_accessible(page)
    _answer(page, 1, 8)
    page.get_by_role("button", name="Save and finish later").click()
    expect(page.get_by_text("Your answers are saved.")).to_be_visible()
    page.get_by_role("link", name="Foundations: the alliance and why ruptures matter").click()
    page.get_by_role("link", name="My course").click()

    # Resume: the saved answers are there; finish and submit.
    expect(page.get_by_text("continue where you left off")).to_be_visible()
    page.get_by_role("link", name=SURVEY).first.click()
    expect(page.get_by_text("You saved this survey on")).to_be_visible()
    expect(_item(page, 8).get_by_label("Agree", exact=True)).to_be_checked()
    expect(_item(page, 9).get_by_role("radio", checked=True)).to_have_count(0)
    _answer(page, 9, 12)
    _answer(page, 13, 22, label="Neither agree nor disagree")
    _answer(page, 23, 30, label=None)
    page.get_by_label(re.compile("Would you use this kind of training")).fill(
        "Yes, <b>with</b> my consultation group."
    )
    page.get_by_role("button", name="Submit answers").click()
    expect(
        page.get_by_text(f"Thank you: your answers to “{SURVEY}” were submitted.")
    ).to_be_visible()

    # The certificate: confirm the name (fixing the typo), then download it.
    needed = page.get_by_role("region", name="What is still needed")
    needed.get_by_role("link", name="Confirm your name to receive your certificate").click()
    expect(
        page.get_by_role("heading", name="Confirm your name to receive your certificate")
    ).to_be_visible()
    assert_accessible(page)
    name = page.get_by_label("Your name as it should appear on the certificate")
    expect(name).to_have_value("Dana Smyth")
    name.fill("Dana Smith")
    page.get_by_role("button", name="Confirm my name and issue my certificate").click()
    expect(page.get_by_role("alert")).to_contain_text("Tick the box to confirm")  # not yet
    page.get_by_label("I have checked: print my name exactly as written above.").check()
    page.get_by_role("button", name="Confirm my name and issue my certificate").click()
    expect(page.get_by_text("Your certificate has been issued.")).to_be_visible()
    assert_accessible(page)
    code = page.locator("dt:has-text('Verification code') + dd").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", code)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download your certificate (PDF)").click()
    data = Path(download.value.path()).read_bytes()
    text = " ".join(
        " ".join(p.extract_text().split()) for p in pypdf.PdfReader(io.BytesIO(data)).pages
    )
    assert "Dana Smith" in text and code in text and "4 CE hours" in text
    assert download.value.suggested_filename == f"certificate-{code}.pdf"

    # The public page, signed out.
    page.get_by_role("button", name="Sign out").click()
    page.goto(f"/verify/{code}")
    expect(page.get_by_text("Status: valid.")).to_be_visible()
    expect(page.get_by_text("Dana Smith")).to_be_visible()
    assert_accessible(page)

    # An admin revokes it with a reason.
    sign_in(make_user("admin"))
    page.get_by_role("link", name="Certificates").click()
    page.get_by_label("Search name, e-mail or code").fill(code)
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=code).click()
    page.get_by_label("Reason for revoking").fill("Issued by mistake during testing")
    page.get_by_role("button", name="Revoke certificate").click()
    expect(page.get_by_text(f"Certificate {code} was revoked.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()

    page.goto(f"/verify/{code}")
    status = page.get_by_role("status")
    expect(status).to_contain_text("Status: revoked")
    expect(status).to_contain_text(re.compile(r"on [A-Z][a-z]+ \d{1,2}, \d{4}"))
    assert_accessible(page)
    page.goto("/verify/ZZZZ-ZZZZ-ZZZZ")
    expect(page.get_by_role("heading", name="No certificate with this code")).to_be_visible()
    assert_accessible(page)
