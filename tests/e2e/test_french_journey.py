"""In Chromium, a French browser: everything in French, part of a module worked, then English
with the same progress, then French again; axe passes on the French pages at both widths."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

#: The first test module in French, shared with tests/learning/test_french_content.py.
INTRO_FR = (
    Path(__file__).parents[1] / "fixtures" / "translations" / "modules" / "fr" / "01-intro.md"
)


@pytest.fixture
def french_course(tmp_path, fixture_root, import_course):
    """The test course with a long first section, and its course file and first module in
    French (the second module stays English)."""
    root = tmp_path / "course"
    shutil.copytree(fixture_root, root)
    intro = root / "modules" / "01-intro.md"
    filler = "\n\n".join(f"Paragraph {i} about noticing strain as it happens." for i in range(40))
    intro.write_text(
        intro.read_text().replace(
            "A tension is a strain in the working alliance.",
            "A tension is a strain in the working alliance.\n\n" + filler,
        )
    )
    (root / "modules" / "fr").mkdir()
    french_filler = "\n\n".join(
        f"Paragraphe {i} sur la tension qui se présente." for i in range(40)
    )
    (root / "modules" / "fr" / "01-intro.md").write_text(
        INTRO_FR.read_text(encoding="utf-8").replace(
            "l'alliance thérapeutique.", "l'alliance thérapeutique.\n\n" + french_filler
        )
    )
    course_file = (root / "modules" / "course.yaml").read_text()
    (root / "modules" / "fr" / "course.yaml").write_text(
        course_file.replace("title: Test Course", "title: Cours d'essai").replace(
            "provider: Test Provider", "provider: Fournisseur d'essai"
        )
    )
    import_course(root)


def _check(page, assert_accessible) -> None:
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        width = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1], f"{page.url} scrolls sideways at {width[1]} px"
        assert_accessible(page)


def _percent(page) -> str:
    return re.search(r"\d+", page.locator("#module-status").inner_text())[0]


def _wait_until_sent(page) -> None:
    """Until the page's queue is empty (the CSP forbids wait_for_function's eval)."""
    for _ in range(100):
        if page.evaluate("window.courseProgress.pending()") == 0:
            return
        page.wait_for_timeout(50)
    raise AssertionError("the module page kept events it could not send")


def test_french_browser_switches_language_and_keeps_its_progress(
    browser, live_server, make_user, assert_accessible, french_course
):
    context = browser.new_context(base_url=live_server, locale="fr-CA", viewport=DESKTOP)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.clock.install()
    user = make_user("therapist", arm="self_paced")

    # 1. Signing in with a French browser: every page is in French.
    page.goto("/auth/login")
    expect(page.locator("html")).to_have_attribute("lang", "fr-CA")
    _check(page, assert_accessible)
    page.get_by_label("Courriel").fill(user.email)
    page.get_by_label("Mot de passe").fill("correct horse battery staple")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Cours d'essai")).to_be_visible()
    expect(page.get_by_role("button", name="English")).to_be_visible()
    _check(page, assert_accessible)

    # 2. Part of the first module, in French: reading time and the second section.
    page.get_by_role("link", name=re.compile(r"Commencer\s:\sIntroduction aux tensions")).click()
    expect(page.get_by_role("heading", level=1, name="Introduction aux tensions")).to_be_visible()
    expect(page.get_by_role("navigation", name="Table des matières")).to_be_visible()
    _check(page, assert_accessible)
    page.get_by_text("Une tension est une contrainte").click()
    for step in range(40):
        page.mouse.move(200 + step % 5 * 20, 300)
        page.mouse.wheel(0, 20)
        page.clock.run_for(1000)
    heading = page.get_by_role("heading", name="Pourquoi c'est important")
    heading.evaluate("h => h.scrollIntoView()")
    with page.expect_response(lambda r: r.url.endswith("/intro/position") and r.status == 204):
        page.evaluate("window.courseReading.send()")
    # A minute without input makes the reader idle, so no active time accrues after this
    # flush: leaving then has nothing to send that the course page could miss (a beacon on
    # leaving may be dropped, and what it held would reach the server on the next visit).
    page.clock.run_for(61_000)
    with page.expect_response(lambda r: r.url.endswith("/learning/events") and r.ok):
        page.evaluate("window.courseProgress.flush()")
    _wait_until_sent(page)
    french_percent = _percent(page)
    assert french_percent != "0"
    page.goto("/learning/")
    resume_fr = re.compile(r"Reprendre là où vous en étiez\s:\sIntroduction aux tensions, «\s")
    expect(page.get_by_role("link", name=resume_fr)).to_be_visible()
    module_fr = page.locator("#progress-intro").get_attribute("value")

    # 3. English: the same module progress, the same place to resume.
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Test Course")).to_be_visible()
    expect(
        page.get_by_role(
            "link",
            name="Resume where you left off: Introduction to tensions, “Why it matters”",
        )
    ).to_be_visible()
    assert page.locator("#progress-intro").get_attribute("value") == module_fr

    # 4. Back to French: the choice is kept on the account, the progress is the same.
    page.get_by_role("button", name="Français").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr-CA")
    resume = page.get_by_role("link", name=resume_fr)
    expect(resume).to_be_visible()
    assert page.locator("#progress-intro").get_attribute("value") == module_fr
    _check(page, assert_accessible)
    resume.click()
    expect(page).to_have_url(re.compile(r"/learning/modules/intro#sec-why-it-matters$"))
    expect(page.get_by_role("heading", level=1, name="Introduction aux tensions")).to_be_visible()
    # The same measure as the course page's (which counts the time sent on leaving).
    assert _percent(page) == module_fr
    context.close()
