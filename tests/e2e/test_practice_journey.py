"""In Chromium: a therapist plays a scenario, leaves and resumes, and works through drills."""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect

MODELS = ("What was it like to answer?", "Can we look at what just happened between us?")


@pytest.fixture
def practice_course(tmp_path, fixture_root, import_course):
    """The test course; module "next" needs the small scenario and two drill items."""
    root = tmp_path / "course"
    shutil.copytree(fixture_root, root)
    for folder in ("scenarios", "drills"):
        shutil.copytree(fixture_root.parent / "practice" / folder, root / folder)
    module = root / "modules" / "02-next.md"
    module.write_text(
        module.read_text().replace(
            "  min_seconds: 30\n",
            "  scenario: small\n  practice:\n    set: withdrawal\n    items: 2\n",
        )
    )
    import_course(root)


def _checked(page, width: int, assert_accessible) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    assert_accessible(page)
    scrolls = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not scrolls, f"{page.url} scrolls sideways at {width} px"


def _respond_and_rate(page, difficulty: str, assert_accessible=None) -> None:
    page.get_by_label("What would you say?").fill(
        "I notice we moved away from that just now; I may have pushed too fast."
    )
    page.get_by_role("button", name="Save my response and see the feedback").click()
    expect(page.get_by_role("heading", name="Model responses")).to_be_visible()
    if assert_accessible is not None:
        _checked(page, 1280, assert_accessible)
    for group in page.locator("fieldset.rating").all()[:-1]:
        group.get_by_label("4").check()
    page.get_by_label(difficulty).check()
    page.get_by_role("button", name="Save my ratings").click()
    expect(page.get_by_role("heading", name="Your ratings")).to_be_visible()
    page.get_by_role("link", name="Next item").click()


def test_a_therapist_resumes_a_scenario_and_practises_until_the_module_completes(
    page, make_user, sign_in, assert_accessible, practice_course, complete_modules
):
    ana = make_user("therapist", arm="self_paced", name="Ana Practice")
    complete_modules(ana, "intro")
    sign_in(ana)
    page.goto("/learning/modules/next")
    expect(page.get_by_role("region", name="To complete this module")).to_contain_text(
        "Scenario: A small scenario: not finished yet"
    )
    page.get_by_role("link", name="Play the scenario").click()
    expect(page.get_by_role("heading", level=1, name="A small scenario")).to_be_visible()
    for width in (1280, 390):
        _checked(page, width, assert_accessible)

    # Halfway: one choice, then leave for the course home and come back.
    page.get_by_role("button", name="Move on to homework").click()
    expect(page.get_by_text("The client goes quiet again.")).to_be_visible()
    page.goto("/learning/")
    page.goto("/practice/scenarios/small")
    expect(page.get_by_text("The client goes quiet again.")).to_be_visible()
    path = page.get_by_role("region", name="Your path so far")
    expect(path).to_contain_text("you chose “Move on to homework”")
    expect(path).to_contain_text("That misses the minimal response.")

    # To an ending, and its debrief.
    page.get_by_role("button", name="Try again, gently").click()
    expect(page.get_by_role("heading", name="Ending: Partly repaired")).to_be_visible()
    expect(page.get_by_text("You got there late.")).to_be_visible()
    _checked(page, 1280, assert_accessible)

    # Drills: no model response shows before the therapist's own is saved.
    page.goto("/practice/drills/withdrawal")
    for model in MODELS:
        expect(page.get_by_text(model)).to_have_count(0)
    page.get_by_label("Practise at another level").select_option("intermediate")
    page.get_by_role("button", name="Change level").click()
    expect(page.get_by_text("Level: Intermediate (your choice)")).to_be_visible()
    for width in (1280, 390):
        _checked(page, width, assert_accessible)
    _respond_and_rate(page, "Too hard", assert_accessible)
    _respond_and_rate(page, "Too hard")
    expect(page.get_by_text("Level: Beginner")).to_be_visible()  # two "too hard" in a row
    _respond_and_rate(page, "About right")  # a beginner item: the second distinct item

    # The module completes once the scenario has ended and two items are rated.
    page.goto("/learning/modules/next")
    checklist = page.get_by_role("region", name="To complete this module")
    expect(checklist).to_contain_text("Practice: 2 of 2 drill items answered and rated")
    expect(checklist).to_contain_text("Scenario: A small scenario: an ending reached")
    expect(page.get_by_role("status").filter(has_text="Complete")).to_be_visible()
