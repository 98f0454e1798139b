"""In Chromium, as a trainer: write a scenario with a step nobody can reach, see the problem
beside the text and on the map, go to its line, fix it and publish; axe at 1280 and 390 px."""

from __future__ import annotations

import re

from playwright.sync_api import expect

SCENARIO = """title: "First session: a quiet client"
summary: Notice a minimal response and invite more.
steps:
  - id: opening
    moment: |
      Sam says "Fine." and looks at the floor.
    choices:
      - id: name-it
        text: "You said that quickly. What was it like to answer?"
        goto: opened-up
        feedback: Naming a **minimal response**, tentatively.
        points: 1
      - id: move-on
        text: "Good. Let's look at the homework."
        goto: opened-up
        feedback: Moving on misses the marker.
  - id: second-chance
    moment: Sam goes quiet again.
    choices:
      - id: try-again
        text: "Can I check how that landed?"
        goto: opened-up
        feedback: A second chance.
  - id: opened-up
    moment: Sam pauses, then talks.
    ending:
      title: The tension is named
      debrief: You noticed the marker.
"""
UNREACHABLE = "step 'second-chance' cannot be reached from the start ('opening')"


def test_a_trainer_writes_fixes_and_publishes_a_scenario(
    page, make_user, sign_in, assert_accessible, course
):
    sign_in(make_user("trainer", name="Tess Trainer"))
    page.get_by_role("link", name="Course content").click()
    page.get_by_role("link", name="Scenarios and drill sets").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Practice: scenarios and drill sets")
    assert_accessible(page)

    # Write a scenario whose second step no choice leads to: the checks run as you type.
    page.get_by_role("link", name="New scenario").click()
    page.get_by_label("Slug").fill("first-session")
    source = page.get_by_label("File text (YAML)")
    source.fill(SCENARIO)
    problems = page.get_by_role("region", name="Problems")
    expect(problems.get_by_role("listitem")).to_have_text(
        re.compile(rf"Line 17: {re.escape(UNREACHABLE)}\s+steps\[1\]\.id")
    )
    expect(problems.get_by_role("status")).to_have_text(re.compile("^1 problem to fix."))
    map_section = page.get_by_role("region", name="Map of the steps")
    drawing = map_section.get_by_role("img", name="Map of the scenario's steps and links")
    expect(drawing).to_be_visible()
    expect(drawing.locator("text", has_text="⚠ unreachable")).to_be_visible()
    expect(drawing.locator("text", has_text="Below: steps that cannot be reached")).to_be_visible()
    steps = map_section.get_by_role("list", name="Steps and links")
    expect(steps.get_by_role("listitem").filter(has_text="second-chance").first).to_contain_text(
        "⚠ Cannot be reached from the start."
    )
    assert_accessible(page)

    # Publishing is refused: nothing is saved, the text is kept, the line is one click away.
    page.get_by_role("button", name="Publish").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Nothing was saved.")
    expect(summary).to_contain_text(UNREACHABLE)
    expect(source).to_have_value(SCENARIO)
    summary.get_by_role("link", name="Line 17").click()
    expect(source).to_be_focused()
    selected = source.evaluate("box => box.value.slice(box.selectionStart, box.selectionEnd)")
    assert selected == "  - id: second-chance"

    # Fix it: "move-on" now leads to the second chance.
    fixed = SCENARIO.replace(
        "goto: opened-up\n        feedback: Moving on",
        "goto: second-chance\n        feedback: Moving on",
    )
    source.fill(fixed)
    expect(problems.get_by_role("status")).to_have_text(re.compile("^No problems found."))
    expect(drawing.locator("text", has_text="⚠")).to_have_count(0)
    preview = page.get_by_role("region", name="Preview")
    expect(preview.get_by_role("heading", name="second-chance")).to_be_visible()
    expect(preview.locator("strong", has_text="minimal response")).to_be_attached()
    assert_accessible(page)

    # On a phone: nothing scrolls sideways but the map's own box, and axe is still content.
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("button", name="Publish").click()
    expect(
        page.get_by_text("Published “First session: a quiet client” as revision 1.")
    ).to_be_visible()
    row = page.get_by_role("row", name=re.compile("First session: a quiet client"))
    expect(row).to_contain_text("Published: learners see revision 1.")
    row.get_by_role("link", name=re.compile("^History")).click()
    expect(page.get_by_role("cell", name="Published, learners see this")).to_be_visible()
    assert_accessible(page)
