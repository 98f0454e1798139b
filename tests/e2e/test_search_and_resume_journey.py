"""In Chromium: a therapist reads into a module, comes back through "Resume where you left
off", and searches the course; both pages pass axe and fit a phone."""

from __future__ import annotations

import re
import shutil

import pytest
from playwright.sync_api import expect

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def long_course(tmp_path, fixture_root, import_course):
    """The test course with a long first section, so reading on means scrolling."""
    root = tmp_path / "course"
    shutil.copytree(fixture_root, root)
    page = root / "modules" / "01-intro.md"
    filler = "\n\n".join(f"Paragraph {i} about noticing strain as it happens." for i in range(60))
    page.write_text(
        page.read_text().replace(
            "A tension is a strain in the working alliance.",
            "A tension is a strain in the working alliance.\n\n" + filler,
        )
    )
    import_course(root)


def _fits(page) -> None:
    width = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{page.url} scrolls sideways at {width[1]} px: {width[0]} px"


def _check(page, assert_accessible) -> None:
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        _fits(page)
        assert_accessible(page)


def test_resume_where_left_off_and_search_the_course(
    page, make_user, sign_in, assert_accessible, long_course
):
    sign_in(make_user("therapist", arm="self_paced"))
    page.get_by_role("link", name="Start: Introduction to tensions").click()
    heading = page.get_by_role("heading", name="Why it matters")
    expect(heading).to_be_attached()
    heading.evaluate("h => h.scrollIntoView()")  # read on down to the second section
    with page.expect_response(lambda r: r.url.endswith("/intro/position") and r.status == 204):
        page.evaluate("window.courseReading.send()")

    page.goto("/learning/")
    resume = page.get_by_role(
        "link", name="Resume where you left off: Introduction to tensions, “Why it matters”"
    )
    expect(resume).to_be_visible()
    _check(page, assert_accessible)
    resume.click()
    expect(page).to_have_url(re.compile(r"/learning/modules/intro#sec-why-it-matters$"))

    page.goto("/search/")
    box = page.get_by_label("Words to find in the modules")
    box.fill("repaired outcomes")
    box.press("Enter")
    expect(page.get_by_role("heading", name="1 section found")).to_be_visible()
    result = page.get_by_role("link", name="Why it matters")
    expect(result).to_have_attribute("href", "/learning/modules/intro#sec-why-it-matters")
    expect(page.locator(".snippet mark").first).to_have_text("repaired")
    _check(page, assert_accessible)

    page.get_by_label("Words to find in the modules").fill('"" && ||')
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("alert")).to_contain_text("quotes, signs and symbols are ignored")
    _check(page, assert_accessible)

    page.set_viewport_size(DESKTOP)
    page.goto("/search/?q=" + "very+long+query+" * 40)
    expect(page.get_by_role("alert")).to_contain_text("at most 200 characters")
    _check(page, assert_accessible)
