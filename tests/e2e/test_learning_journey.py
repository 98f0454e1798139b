"""In Chromium: a therapist works through a module as a person would."""

from __future__ import annotations

import re
import shutil

import pytest
from playwright.sync_api import expect


@pytest.fixture
def quick_course(tmp_path, fixture_root, import_course):
    """The test course with a 3-second reading minimum, so the journey runs quickly."""
    root = tmp_path / "course"
    shutil.copytree(fixture_root, root)
    page = root / "modules" / "01-intro.md"
    page.write_text(page.read_text().replace("min_seconds: 60", "min_seconds: 3"))
    import_course(root)


def _checklist(page):
    return page.get_by_role("region", name="To complete this module")


def _flush(page):
    with page.expect_response(lambda r: r.url.endswith("/learning/events") and r.ok):
        page.evaluate("window.courseProgress.flush()")


def _wait_until(page, locator, predicate: str, seconds: float = 15) -> None:
    """Poll a predicate on an element (the CSP forbids Playwright's eval-based waits)."""
    for _ in range(int(seconds * 10)):
        if locator.evaluate(predicate):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"timed out waiting for {predicate}")


def _play_to_end(page, start_at=0.0, jump_to=None):
    video = page.locator("video")
    video.evaluate("(v, t) => { v.currentTime = t; }", start_at)
    video.evaluate("v => v.play()")
    if jump_to is not None:
        _wait_until(page, video, "v => v.currentTime > 1")
        video.evaluate("(v, t) => { v.currentTime = t; }", jump_to)
    _wait_until(page, video, "v => v.ended")


def test_therapist_reads_watches_fails_passes_and_unlocks_the_next_module(
    page, make_user, sign_in, assert_accessible, quick_course
):
    page.clock.install()  # the reading minutes pass on Playwright's clock, not in real time
    sign_in(make_user("therapist", arm="self_paced"))
    expect(page.get_by_role("heading", name="Test Course")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Start: Introduction to tensions").click()
    expect(page.get_by_role("heading", level=1, name="Introduction to tensions")).to_be_visible()
    expect(page.get_by_role("navigation", name="Contents")).to_be_visible()
    assert_accessible(page)

    # Reading: the tab is visible and the person moves and scrolls.
    page.get_by_text("A tension is a strain in the working alliance.").click()  # a gesture
    for step in range(5):
        page.mouse.move(200 + step * 20, 300)
        page.mouse.wheel(0, 40)
        page.clock.run_for(1000)

    # Watching with a jump ahead: what was skipped does not count.
    _play_to_end(page, 0.0, jump_to=3.2)
    _flush(page)
    watched = int(re.search(r"A short clip: (\d+)% watched", _checklist(page).inner_text())[1])
    assert watched < 90

    # Watching to the end from the start.
    _play_to_end(page, 0.0)
    _flush(page)
    checklist = _checklist(page)
    expect(checklist).to_contain_text("Done: Time on this page")
    expect(checklist).to_contain_text("Done: Video: A short clip: 100% watched")
    expect(checklist).to_contain_text("To do: Quiz: not taken yet")

    # The quiz: fail and see which questions were not right (not the key), then pass.
    page.get_by_role("link", name="Take the quiz").click()
    assert_accessible(page)
    page.get_by_label("Complaint about the therapist").check()
    page.get_by_label("Change the task").check()
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_text("The pass mark is 100%")).to_be_visible()
    expect(page.get_by_role("heading", name="Question 1: not right")).to_be_visible()
    expect(page.get_by_text("You have 2 of 3 attempts left.")).to_be_visible()
    expect(page.get_by_text("No, that would be a confrontation marker.")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("link", name="Try again").click()
    page.get_by_label("Minimal responses").check()
    page.get_by_label("Invite the patient to talk about what is happening between you").check()
    page.get_by_label("Acknowledge your own part").check()
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_text("You passed")).to_be_visible()
    expect(page.get_by_text("Right, short answers that shut the topic.")).to_be_visible()

    page.get_by_role("link", name="Back to the module").click()
    expect(page.get_by_role("status").filter(has_text="Complete")).to_be_visible()
    page.goto("/learning/")
    expect(page.locator(".module-card", has_text="Introduction to tensions")).to_contain_text(
        "Complete"
    )
    next_card = page.locator(".module-card", has_text="The next step")
    expect(next_card).to_contain_text("Available")
    next_card.get_by_role("link", name="The next step").click()
    expect(page.get_by_role("heading", level=1, name="The next step")).to_be_visible()


def test_control_arm_therapist_cannot_reach_any_module(
    page, make_user, sign_in, course, assert_accessible
):
    sign_in(make_user("therapist", arm="control"))
    expect(page.get_by_text("comparison group", exact=False)).to_be_visible()
    expect(page.get_by_text("Thank you for taking part")).to_have_count(0)
    assert_accessible(page)
    for path in ("/learning/modules/intro", "/learning/modules/next", "/assessments/intro/quiz"):
        response = page.goto(path)
        assert response.status == 403


@pytest.fixture
def transcript_course(tmp_path, fixture_root, import_course):
    """The test course whose first module counts its transcript read instead of the video
    (half the 4-second clip's length) and asks for no quiz."""
    root = tmp_path / "course"
    shutil.copytree(fixture_root, root)
    page = root / "modules" / "01-intro.md"
    page.write_text(
        page.read_text()
        .replace("min_seconds: 60", "min_seconds: 3")
        .replace(
            "video_percent: 90\n  quiz: pass\n", "video_percent: 90\n  transcript_percent: 50\n"
        )
    )
    import_course(root)


def test_therapist_completes_a_module_by_reading_the_transcript_instead_of_the_video(
    page, make_user, sign_in, assert_accessible, transcript_course
):
    page.clock.install()
    sign_in(make_user("therapist", arm="self_paced"))
    page.get_by_role("link", name="Start: Introduction to tensions").click()
    checklist = _checklist(page)
    expect(checklist).to_contain_text("or when you read its transcript instead")
    expect(checklist).to_contain_text(
        "To do: Video: A short clip: 0% watched (needs 90%), or transcript read 0 of 2 seconds"
    )

    # Open the transcript under the video and read it, without ever playing the video.
    page.get_by_text("Transcript of A short clip").click()
    expect(page.get_by_text("Captions work.")).to_be_visible()
    assert_accessible(page)
    for step in range(5):
        page.mouse.move(200 + step * 20, 300)
        page.clock.run_for(1000)
    _flush(page)

    expect(checklist).to_contain_text("Done: Time on this page")
    expect(checklist).to_contain_text(
        "Done: Video: A short clip: 0% watched (needs 90%), or transcript read 2 of 2 seconds"
    )
    expect(page.get_by_role("status").filter(has_text="Complete")).to_be_visible()
    assert page.locator("video").evaluate("v => v.played.length") == 0
