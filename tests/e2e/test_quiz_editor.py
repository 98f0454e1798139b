"""In Chromium: the quiz editor's folded questions open by mouse, keyboard and the error
summary, and pass axe folded and open at both widths."""

from __future__ import annotations

from playwright.sync_api import expect

QUIZ = "/authoring/modules/intro/quiz"


def test_folded_questions_open_by_keyboard_by_button_and_from_the_error_summary(
    page, make_user, sign_in, assert_accessible, course
):
    sign_in(make_user("trainer"))
    page.goto(QUIZ)
    first = page.get_by_role("group", name="Question 1", exact=True)
    second = page.get_by_role("group", name="Question 2", exact=True)
    expect(first).to_be_hidden()
    expect(second).to_be_hidden()
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page)

    summary = page.locator("summary", has_text="Question 2")
    expect(summary).to_contain_text("Which are exploratory strategies?")
    summary.focus()
    page.keyboard.press("Enter")
    expect(second).to_be_visible()
    page.keyboard.press("Space")
    expect(second).to_be_hidden()

    page.get_by_role("button", name="Open every question").click()
    expect(first).to_be_visible()
    expect(second).to_be_visible()
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # A problem in question 2: only it opens, and the summary's link reaches its field.
    second.get_by_label("Prompt (Markdown)").fill("")
    page.get_by_role("button", name="Publish").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Question 2")
    expect(first).to_be_hidden()
    expect(second).to_be_visible()
    expect(page.locator("summary", has_text="Question 2")).to_contain_text("(has problems)")
    page.get_by_role("button", name="Fold every question").click()
    expect(second).to_be_hidden()
    alert.get_by_role("link").first.click()  # the folded question opens at its field
    expect(second.get_by_label("Prompt (Markdown)")).to_be_visible()
    assert_accessible(page)
