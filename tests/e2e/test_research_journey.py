"""In Chromium: a therapist consents and later withdraws; a researcher randomizes,
filters the dashboard by arm, reads the practice figures, downloads an export and creates
an API token."""

from __future__ import annotations

import io
import shutil
import zipfile

import pytest
from playwright.sync_api import expect

from course import clock
from course.catalog import published_drills, published_scenario
from course.extensions import db
from course.feedback.models import FeedbackRequest, FeedbackReview
from course.practice.models import DrillResponse, ScenarioChoice, ScenarioRun


@pytest.fixture
def settings(settings, tmp_path):
    """A consent text for the test course's consent version "1"."""
    folder = tmp_path / "consent"
    folder.mkdir()
    (folder / "consent-1.md").write_text(
        "# Consent to take part\n\nYour data carries a study ID. "
        "You can **withdraw** at any time.\n"
    )
    return {**settings, "RESEARCH_CONSENT_DIR": str(folder)}


def _sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_a_recruit_consents_is_randomized_and_withdraws(
    page, make_user, sign_in, assert_accessible, course
):
    recruit = make_user("therapist", arm="control", consent=False, name="Rae Recruit")
    sign_in(recruit)
    expect(page.get_by_role("heading", level=1, name="Study consent")).to_be_visible()
    expect(page.get_by_role("heading", name="Consent to take part")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="I agree to take part").click()  # not yet confirmed
    refusal = "Tick the box to confirm that you have read the consent form."
    expect(page.get_by_text(refusal, exact=True)).to_be_visible()  # beside the box
    assert_accessible(page)
    page.get_by_label("I have read this consent form").check()
    page.get_by_label('To agree, type "I agree"').fill("I agree")
    page.get_by_role("button", name="I agree to take part").click()
    expect(page.get_by_text("will assign your study group soon")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download your consent copy").click()
    assert download.value.suggested_filename == f"consent-1-{recruit.study_id}.pdf"
    assert_accessible(page)
    page.goto("/learning/")  # nothing opens before the allocation
    expect(page.get_by_role("heading", level=1, name="Study consent")).to_be_visible()
    _sign_out(page)

    sign_in(make_user("researcher", name="Riley Researcher"))
    page.get_by_role("link", name="Randomization").first.click()
    expect(page.get_by_text("1 therapist waiting")).to_be_visible()
    expect(page.get_by_text(recruit.study_id)).to_be_visible()
    assert_accessible(page)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Randomize pending therapists").click()
    expect(page.get_by_text("Randomized 1 therapist.")).to_be_visible()
    expect(page.get_by_role("cell", name=recruit.study_id)).to_be_visible()
    _sign_out(page)

    sign_in(recruit)
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Study consent")
    page.get_by_role("link", name="Study consent").click()
    expect(page.get_by_text("You are taking part in the research")).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())  # the confirmation, then the check
    page.get_by_role("button", name="Withdraw from the research").click()
    expect(
        page.get_by_text("Tick the box to confirm that you want to withdraw.", exact=True)
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_label("I understand that my data will be left out").check()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Withdraw from the research").click()
    expect(page.get_by_text("You withdrew from the research on")).to_be_visible()
    assert_accessible(page)


def test_a_researcher_filters_the_dashboard_and_downloads_an_export(
    page, make_user, sign_in, assert_accessible, course
):
    for arm in ("self_paced", "workshop", "workshop", "control"):
        make_user("therapist", arm=arm)
    sign_in(make_user("researcher", name="Riley Researcher"))
    expect(page.get_by_role("heading", level=1, name="Research dashboard")).to_be_visible()
    expect(page.get_by_text("Showing 4 consented participants")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Arm", exact=True).select_option("workshop")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("Showing 2 consented participants in the Workshop arm")).to_be_visible()
    expect(page.get_by_role("img", name="Consented participants over time")).to_be_visible()
    expect(page.get_by_role("table", name="Participant flow")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Exports").click()
    expect(page.get_by_role("heading", level=1, name="Research exports")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Arm", exact=True).select_option("workshop")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the export (.zip)").click()
    data = download.value.path().read_bytes()
    assert download.value.suggested_filename.startswith("research-export-")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        participants = archive.read("participants.csv").decode().splitlines()
    assert {"participants.csv", "redcap_import.csv", "xapi.jsonl", "manifest.json"} <= names
    assert len(participants) == 3  # the header and the two workshop participants
    page.reload()
    expect(page.get_by_role("cell", name="arm: workshop")).to_be_visible()

    page.get_by_role("link", name="API token").click()
    expect(page.get_by_role("heading", level=1, name="API tokens")).to_be_visible()
    page.get_by_label("Token name").fill("Nightly REDCap pull")
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_label("New API token")).to_have_value(__import__("re").compile("^atp_"))
    assert_accessible(page)


@pytest.fixture
def practised(app, tmp_path, fixture_root, import_course, make_user):
    """The test course with the small scenario and drill set; one therapist reached an
    ending and rated a drill response."""
    root = tmp_path / "course"
    shutil.copytree(fixture_root, root)
    shutil.copytree(fixture_root.parent / "practice" / "scenarios", root / "scenarios")
    shutil.copytree(fixture_root.parent / "practice" / "drills", root / "drills")
    import_course(root)
    user = make_user("therapist", arm="workshop")
    now = clock.now_utc()
    with app.app_context():
        scenario = published_scenario("small")
        run = ScenarioRun(
            user_id=user.id, scenario_id=scenario.scenario_id, revision_id=scenario.id, number=1,
            current_step="repaired", position=1, points=2, started_at=now, ended_at=now,
        )  # fmt: skip
        db.session.add(run)
        db.session.flush()
        db.session.add(
            ScenarioChoice(
                run_id=run.id, position=1, step_id="opening", choice_id="name-it",
                tags=["attuned", "withdrawal-marker"], points=2, at=now,
            )
        )  # fmt: skip
        drills = published_drills("withdrawal")
        db.session.add(
            DrillResponse(
                user_id=user.id, drill_set_id=drills.drill_set_id, revision_id=drills.id,
                item_id="fine-b1", level="beginner", text="I notice you said that quickly.",
                length=31, created_at=now, ratings={"observe": 4, "invite": 3},
                difficulty="about_right", rated_at=now,
            )
        )  # fmt: skip
        db.session.commit()


def test_a_researcher_reads_the_practice_figures(
    page, make_user, sign_in, assert_accessible, practised
):
    sign_in(make_user("researcher", name="Riley Researcher"))
    expect(page.get_by_role("heading", level=2, name="Practice")).to_be_visible()
    expect(
        page.get_by_role("img", name="A small scenario: participants who reached each ending")
    ).to_be_visible()
    expect(
        page.get_by_role("table", name="A small scenario: choices taken at each step")
    ).to_be_visible()
    expect(
        page.get_by_role("row", name="opening: name-it Name the minimal response 1 100%")
    ).to_be_visible()
    expect(page.get_by_role("img", name="Drill items answered and rated")).to_be_visible()
    assert_accessible(page)


@pytest.fixture
def double_rated(app, tmp_path, fixture_root, import_course, make_user):
    """The withdrawal drill set asking for a second rater; three of a therapist's responses
    scored by two trainers (observe (1, 2), (2, 2), (3, 3); invite always 4)."""
    root = tmp_path / "course"
    shutil.copytree(fixture_root, root)
    shutil.copytree(fixture_root.parent / "practice" / "drills", root / "drills")
    drills = root / "drills" / "withdrawal.yaml"
    drills.write_text(
        drills.read_text().replace("min_response_chars:", "second_rater: true\nmin_response_chars:")
    )
    import_course(root)
    user = make_user("therapist", arm="self_paced")
    raters = [make_user("trainer"), make_user("trainer")]
    now = clock.now_utc()
    with app.app_context():
        revision = published_drills("withdrawal")
        for one, two in ((1, 2), (2, 2), (3, 3)):
            response = DrillResponse(
                user_id=user.id, drill_set_id=revision.drill_set_id, revision_id=revision.id,
                item_id="fine-b1", level="beginner", text="I notice you paused there.",
                length=26, created_at=now,
            )  # fmt: skip
            db.session.add(response)
            db.session.flush()
            request = FeedbackRequest(
                response_id=response.id, user_id=user.id, raters_needed=2, requested_at=now,
                completed_at=now,
            )  # fmt: skip
            db.session.add(request)
            db.session.flush()
            for number, (rater, score) in enumerate(zip(raters, (one, two), strict=True), 1):
                db.session.add(
                    FeedbackReview(
                        request_id=request.id, rater_id=rater.id, rater_number=number,
                        scores={"observe": score, "invite": 4}, comment="Noted.", created_at=now,
                    )
                )  # fmt: skip
        db.session.commit()


def test_a_researcher_reads_the_rater_agreement(
    page, make_user, sign_in, assert_accessible, double_rated
):
    sign_in(make_user("researcher", name="Riley Researcher"))
    page.get_by_role("navigation", name="Research tools").get_by_role(
        "link", name="Rater agreement"
    ).click()
    expect(page.get_by_role("heading", level=1, name="Rater agreement")).to_be_visible()
    table = page.get_by_role("table", name="Agreement between the first and the second")
    expect(table).to_be_visible()
    expect(table.get_by_role("row", name="observe 3 0.75 -0.40 to 0.99")).to_be_visible()
    expect(table.get_by_role("row", name="invite 3 undefined")).to_be_visible()
    expect(table.get_by_role("row", name="own 0 not enough double-rated")).to_be_visible()
    assert_accessible(page)
