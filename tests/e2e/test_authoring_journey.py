"""In Chromium, as a new trainer: write a module with a video, revise it, restore, add a quiz."""

from __future__ import annotations

import re

from playwright.sync_api import expect

BODY = """## Practice

Watch the clip, then name the marker.

```video
url: media/short.mp4
title: Practice clip
captions: media/short.en.vtt
```
"""


def test_a_trainer_writes_revises_restores_and_adds_a_quiz(
    page, make_user, sign_in, assert_accessible, course
):
    sign_in(make_user("trainer", name="Tess Trainer"))
    page.get_by_role("link", name="Course content").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Course content")
    expect(page.get_by_role("row", name=re.compile("Introduction to tensions"))).to_be_visible()
    assert_accessible(page)

    # Create a module and watch the live preview render its video.
    page.get_by_role("link", name="Create a module").click()
    page.get_by_label("Title").fill("Role-play practice")
    page.get_by_label("Slug").fill("roleplay")
    page.get_by_label("Order").fill("3")
    page.get_by_label("Summary").fill("Practise spotting markers.")
    page.get_by_label("Estimated minutes").fill("15")
    page.get_by_label("Module text (Markdown)").fill(BODY)
    preview = page.get_by_role("region", name="Preview")
    expect(preview.get_by_text("Preview updated.")).to_be_visible()
    expect(preview.locator("video")).to_have_attribute("src", "/media/short.mp4")
    expect(preview.get_by_text("Transcript of Practice clip")).to_be_visible()
    expect(preview.get_by_role("heading", name="Practice")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Published “Role-play practice” as revision 1.")).to_be_visible()

    # Edit a paragraph: save a draft, then publish it.
    page.get_by_role("link", name="Edit Role-play practice").click()
    body = page.get_by_label("Module text (Markdown)")
    body.fill(BODY.replace("then name the marker", "then name the withdrawal marker"))
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved as revision 2.")).to_be_visible()
    expect(page.get_by_text("A newer draft is waiting: revision 2.")).to_be_visible()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Published “Role-play practice” as revision 3.")).to_be_visible()

    # History, the diff of the edit, and restoring the first revision.
    page.get_by_role("link", name="History of Role-play practice").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("History of “Role-play practice”")
    expect(page.get_by_role("row")).to_have_count(4)
    assert_accessible(page)
    page.get_by_role("link", name="View changes in revision 2").click()
    removed = page.get_by_role("deletion").filter(has_text="then name the marker.")
    added = page.get_by_role("insertion").filter(has_text="then name the withdrawal marker.")
    expect(removed).to_contain_text("\u2212 Removed: Watch the clip")  # the minus sign
    expect(added).to_contain_text("+ Added: Watch the clip")
    expect(page.get_by_text("lines starting with a plus sign are new")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="History of “Role-play practice”").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Restore as draft (revision 1)").click()
    expect(page.get_by_text("Revision 1 restored as a new draft, revision 4.")).to_be_visible()
    expect(page.get_by_label("Module text (Markdown)")).to_have_value(
        re.compile("then name the marker")
    )
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Published “Role-play practice” as revision 5.")).to_be_visible()

    # The quiz: one starter question, one added; correct options and feedback.
    page.get_by_role("link", name="Quiz for Role-play practice").click()
    expect(page.get_by_text("This module has no quiz yet.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Add a question").click()
    first = page.get_by_role("group", name="Question 1", exact=True)
    second = page.get_by_role("group", name="Question 2", exact=True)
    expect(second).to_be_visible()  # the new question is open, the first folded
    expect(first).to_be_hidden()
    folded = page.locator("details.question-panel > summary").first
    expect(folded).to_contain_text("Question 1")
    folded.focus()
    page.keyboard.press("Enter")  # a <summary> opens by keyboard
    expect(first).to_be_visible()
    _fill_question(first, "The patient says *fine* to everything.", "Withdrawal", "Confrontation")
    _fill_question(second, "The patient criticises the homework.", "Confrontation", "Withdrawal")
    assert_accessible(page)
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Published the quiz for roleplay as revision 1.")).to_be_visible()
    row = page.get_by_role("row", name=re.compile("Role-play practice"))
    expect(row.get_by_role("cell", name="Published", exact=True)).to_be_visible()  # the quiz


def _fill_question(question, prompt: str, right: str, wrong: str) -> None:
    question.get_by_label("Prompt (Markdown)").fill(prompt)
    correct = question.get_by_role("group", name="Option 1", exact=True)
    correct.get_by_label("Option text").fill(right)
    correct.get_by_label("Correct answer").check()
    correct.get_by_label("Feedback, shown once passed or after the last attempt (optional)").fill(
        f"Yes: {right}."
    )
    other = question.get_by_role("group", name="Option 2", exact=True)
    other.get_by_label("Option text").fill(wrong)
    other.get_by_label("Feedback, shown once passed or after the last attempt (optional)").fill(
        f"No: not {wrong}."
    )
