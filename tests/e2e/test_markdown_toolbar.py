"""In Chromium: the Markdown toolbar above the module text and a discussion post acts on the
selection, by button, shortcut and keyboard, can be undone, and passes axe at both widths."""

from __future__ import annotations

from playwright.sync_api import expect

EDITOR = "/authoring/modules/intro/edit"


def _select(box, text: str, occurrence: int = 0) -> None:
    """Select the ``occurrence``-th ``text`` in a text box, as a person dragging would."""
    box.evaluate(
        """(box, [text, n]) => {
            let at = -1;
            for (let i = 0; i <= n; i++) { at = box.value.indexOf(text, at + 1); }
            box.focus();
            box.setSelectionRange(at, at + text.length);
        }""",
        [text, occurrence],
    )


def _selected(box) -> str:
    return box.evaluate("box => box.value.slice(box.selectionStart, box.selectionEnd)")


def test_the_bold_button_wraps_the_selection_and_undo_takes_it_back(
    page, make_user, sign_in, assert_accessible, course
):
    sign_in(make_user("trainer"))
    page.goto(EDITOR)
    box = page.get_by_label("Module text (Markdown)")
    toolbar = page.get_by_role("toolbar", name="Markdown formatting")
    original = box.input_value()
    _select(box, "working alliance")
    toolbar.get_by_role("button", name="Bold").click()
    expect(box).to_have_value(original.replace("working alliance", "**working alliance**", 1))
    assert _selected(box) == "working alliance"  # still selected: a second press undoes it
    preview = page.get_by_role("region", name="Preview")
    expect(preview.locator("strong", has_text="working alliance")).to_be_visible()
    page.keyboard.press("Control+z")
    expect(box).to_have_value(original)

    # Ctrl+I inside the box; pressed again, the marks come off.
    _select(box, "working alliance")
    page.keyboard.press("Control+i")
    expect(box).to_have_value(original.replace("working alliance", "*working alliance*", 1))
    page.keyboard.press("Control+i")
    expect(box).to_have_value(original)

    # Whole lines: a bulleted list, then a quote; an empty selection gets a link to fill in.
    box.fill("First point\nSecond point\n")
    _select(box, "First point\nSecond")
    toolbar.get_by_role("button", name="Numbered list").click()
    expect(box).to_have_value("1. First point\n2. Second point\n")
    toolbar.get_by_role("button", name="Quote").click()
    expect(box).to_have_value("> 1. First point\n> 2. Second point\n")
    box.evaluate(
        "box => { box.focus(); box.setSelectionRange(box.value.length, box.value.length); }"
    )
    toolbar.get_by_role("button", name="Link").click()
    expect(box).to_have_value("> 1. First point\n> 2. Second point\n[link text](https://)")
    assert _selected(box) == "https://"  # what is left to type

    # The toolbar is one tab stop; the arrow keys move along it.
    toolbar.get_by_role("button", name="Bold").focus()
    page.keyboard.press("ArrowRight")
    expect(toolbar.get_by_role("button", name="Italic")).to_be_focused()
    page.keyboard.press("End")
    expect(toolbar.get_by_role("button", name="Quote")).to_be_focused()

    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_discussion_post_has_the_toolbar(page, make_user, sign_in, course):
    sign_in(make_user("therapist", arm="self_paced"))
    page.goto("/discussion/module/intro")
    box = page.get_by_label("Your post")
    box.fill("Is a short answer always withdrawal?")
    _select(box, "always")
    page.keyboard.press("Control+b")
    expect(box).to_have_value("Is a short answer **always** withdrawal?")


def test_without_javascript_the_text_box_is_a_plain_text_box(
    browser, live_server, make_user, course
):
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    trainer = make_user("trainer")
    page.goto("/auth/login")
    page.get_by_label("E-mail").fill(trainer.email)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    page.goto(EDITOR)
    expect(page.get_by_label("Module text (Markdown)")).to_be_editable()
    expect(page.get_by_role("toolbar")).to_have_count(0)  # no buttons that would do nothing
    context.close()
