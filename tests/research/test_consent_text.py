"""The shipped consent text (TCPS 2 Article 3.2), its study settings, and closed enrolment."""

from __future__ import annotations

import logging
import re

import pytest
import yaml

from course.config import STUDY_SETTINGS, enrolment_closed, missing_study_settings
from course.extensions import db
from course.research.consent_text import (
    KEYS,
    UNKNOWN_MARK,
    fill,
    placeholders,
    unknown_placeholders,
)
from course.research.models import ConsentRecord
from course.web import ops

STUDY = {name: f"value of {name}" for name in STUDY_SETTINGS}


@pytest.fixture
def shipped(project_root) -> str:
    spec = yaml.safe_load((project_root / "modules" / "course.yaml").read_text())
    folder = project_root / "course" / "research" / "consent"
    return (folder / f"consent-{spec['consent_version']}.md").read_text(encoding="utf-8")


def test_the_shipped_text_fills_every_study_setting_and_names_no_other(shipped):
    assert unknown_placeholders(shipped) == []
    assert set(placeholders(shipped)) == set(KEYS)
    filled = fill(shipped, STUDY)
    assert "{{" not in filled and "[" not in filled.replace("[X]", "")
    for name in STUDY_SETTINGS:
        assert f"value of {name}" in filled


@pytest.mark.parametrize(
    "element",
    [
        "NCT07087730",
        "Principal investigator:** value of STUDY_PI",
        "telephone value of STUDY_PHONE",
        "e-mail value of STUDY_EMAIL",
        "contact value of STUDY_ETHICS_OFFICE",
        "Funded by:** value of STUDY_FUNDER",
        "Conflicts of interest:**\nvalue of STUDY_CONFLICTS",
        "Total time:** value of STUDY_TIME_COMMITMENT",
        "Compensation:** value of STUDY_COMPENSATION",
        "Continuing-education credit:** value of STUDY_CE_CREDIT",
        "How long it is kept, and how it is destroyed:** value of STUDY_RETENTION",
        "Where your information is stored:** value of STUDY_DATA_LOCATION",
        "United States",
        "Group consultations have limits.",
        "pseudonymous, not anonymous",
        "do not waive any of your legal rights",
        "Your copy of this form",
        "When the study team may end your participation",
        "Information about patients is part of this study.",
        "You can withdraw from the research at any time",
        "voluntary",
        "Risks and benefits",
    ],
)
def test_the_shipped_text_covers_each_element(shipped, element):
    assert element in fill(shipped, STUDY)


def test_the_shipped_text_neither_denies_patient_data_nor_calls_control_a_wait_list(shipped):
    flat = " ".join(shipped.split()).lower()
    assert "wait-list" not in flat and "waitlist" not in flat and "wait list" not in flat
    assert not re.search(r"(do not|don't|never) collect any information about your patients", flat)


def test_an_unset_setting_says_which_one_and_an_unknown_one_is_marked():
    assert fill("PI: {{ study.pi }}.", {}) == "PI: (not set yet: COURSE_STUDY_PI)."
    assert fill("PI: {{study.pi}}.", {"STUDY_PI": "  Dr. A\n B  "}) == "PI: Dr. A B."
    # Said in the text, not raised: every therapist is sent to the consent page.
    assert fill("{{ study.budget }}", {}) == f"{UNKNOWN_MARK} study.budget)"


def test_enrolment_closes_only_in_production_and_names_what_is_missing():
    assert enrolment_closed({"ENV": "development"}) is None
    assert enrolment_closed({"ENV": "testing"}) is None
    assert enrolment_closed({"ENV": "production", **STUDY}) is None
    partial = {"ENV": "production", **STUDY, "STUDY_PHONE": " ", "STUDY_FUNDER": None}
    assert missing_study_settings(partial) == ["COURSE_STUDY_PHONE", "COURSE_STUDY_FUNDER"]
    message = enrolment_closed(partial)
    assert message.startswith("Enrolment is closed")
    assert "COURSE_STUDY_PHONE, COURSE_STUDY_FUNDER are not set" in message


def test_in_production_without_the_settings_nobody_can_enrol(
    app, client, make_user, login, course, csrf
):
    app.config["ENV"] = "production"
    user = make_user("therapist", arm="self_paced", consent=False)
    login(user)
    page = client.get("/research/consent").get_data(as_text=True)
    assert "not open for enrolment yet" in page and "I agree to take part" not in page
    assert "(not set yet: COURSE_STUDY_PI)" not in page  # the test text has no placeholder
    data = {"csrf_token": csrf(client), "version": "1", "decision": "accept", "read": "y"}
    response = client.post("/research/consent", data=data | {"typed": "I agree"})
    assert response.status_code == 503
    assert "The study is not open for enrolment yet. Nothing has been recorded" in (
        response.get_data(as_text=True)
    )
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(ConsentRecord)) == 0

    app.config.update(STUDY)  # the operator sets them (and restarts)
    page = client.get("/research/consent").get_data(as_text=True)
    assert "I agree to take part" in page and "not open for enrolment" not in page


@pytest.mark.parametrize("path", ["/admin/users", "/admin/invitations"])
def test_admins_see_why_enrolment_is_closed_until_it_opens(app, client, make_user, login, path):
    login(make_user("admin"))
    assert "Enrolment is closed" not in client.get(path).get_data(as_text=True)  # testing
    app.config["ENV"] = "production"
    page = client.get(path).get_data(as_text=True)
    assert "Enrolment is closed" in page and "COURSE_STUDY_ETHICS_OFFICE" in page
    app.config.update(STUDY)
    assert "Enrolment is closed" not in client.get(path).get_data(as_text=True)


def test_the_start_up_log_says_enrolment_is_closed(app, caplog):
    app.config["ENV"] = "production"
    with caplog.at_level(logging.WARNING):
        ops._warn_about_settings(app)
    assert any("COURSE_STUDY_PI" in record.getMessage() for record in caplog.records)
    caplog.clear()
    app.config.update(STUDY)
    with caplog.at_level(logging.WARNING):
        ops._warn_about_settings(app)
    assert not any("Enrolment" in record.getMessage() for record in caplog.records)
