"""In Chromium: a question with a phone number, the faculty queue, an answer, feedback."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

DISCUSSION = "/discussion/module/intro"


@pytest.fixture
def drill_course(tmp_path, fixture_root, import_course):
    root = tmp_path / "course"
    shutil.copytree(fixture_root, root)
    shutil.copytree(fixture_root.parent / "practice" / "drills", root / "drills")
    import_course(root)


def _sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def _widths(page, assert_accessible):
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page)
        assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_question_is_answered_by_faculty_and_feedback_comes_back(
    page, app, make_user, sign_in, assert_accessible, drill_course, outbox, mail_count
):
    ana = make_user("therapist", arm="self_paced", name="Ana Asker")
    tara = make_user("trainer", name="Tara Trainer")
    wes = make_user("therapist", arm="workshop", name="Wes Workshop")

    sign_in(ana)
    page.goto("/learning/modules/intro")
    page.get_by_role("link", name="Discussion with faculty").click()
    expect(
        page.get_by_role("heading", level=1, name="Discussion: Introduction to tensions")
    ).to_be_visible()
    _widths(page, assert_accessible)
    page.get_by_label("A question for faculty").check()
    page.get_by_label("Title").fill("Naming a withdrawal by phone?")
    body = "My client asked me to call (613) 555-0199 when she goes quiet. How do I name it?"
    page.get_by_label("Your post").fill(body)
    page.get_by_role("button", name="Post", exact=True).click()
    warning = page.get_by_role("alert").filter(has_text="Could this identify a client?")
    expect(warning).to_contain_text("(613) 555-0199")
    assert_accessible(page)
    page.get_by_label("Your post").fill("When a client goes quiet on the phone, how do I name it?")
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.get_by_text("Your post is published.")).to_be_visible()

    # A drill response, sent to faculty.
    page.goto("/practice/drills/withdrawal")
    page.get_by_label("What would you say?").fill(
        "I notice you said that quickly. What was it like?"
    )
    page.get_by_role("button", name="Save my response and see the feedback").click()
    page.get_by_role("button", name="Ask faculty for feedback").click()
    expect(page.get_by_text("Sent to faculty.")).to_be_visible()
    _sign_out(page)

    # The trainer: the queue, the answer, the review.
    sign_in(tara)
    page.get_by_role("link", name="Questions waiting").click()
    _widths(page, assert_accessible)
    page.get_by_role("link", name="Naming a withdrawal by phone?").click()
    reply = page.get_by_label("Reply")
    reply.fill("Name what you notice, tentatively: 'You went quiet just then.'")
    page.get_by_role("button", name="Reply", exact=True).click()
    outbox.clear()
    page.get_by_role("button", name="Mark as the answer").click()
    expect(page.get_by_text("The answer", exact=True)).to_be_visible()
    assert [m["To"] for m in mail_count(1)] == [ana.email]
    page.get_by_role("link", name="Practice to review").click()
    page.get_by_role("link", name="withdrawal: item fine-b1").click()
    _widths(page, assert_accessible)
    for group in page.locator("fieldset.rating").all():
        group.get_by_label("4").check()
    page.get_by_label("Comment for the therapist").fill("You named it well; now invite more.")
    page.get_by_role("button", name="Save review").click()
    expect(page.get_by_text("Review saved.")).to_be_visible()
    _sign_out(page)

    # The therapist is told, and sees the answer and the scores.
    sign_in(ana)
    page.get_by_role("link", name="Notices").click()
    page.get_by_role(
        "link", name="Faculty answered your question “Naming a withdrawal by phone?”."
    ).click()
    expect(page.get_by_text("The answer", exact=True)).to_be_visible()
    expect(page.get_by_text("Name what you notice, tentatively")).to_be_visible()
    page.goto("/notices/")
    page.get_by_role("link", name="Faculty feedback on your response").click()
    expect(page.get_by_text("You named it well; now invite more.")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Faculty")).to_be_visible()
    _widths(page, assert_accessible)
    _sign_out(page)

    # The workshop arm has no discussion.
    sign_in(wes)
    response = page.goto(DISCUSSION)
    assert response.status == 403


def _vectors() -> list[str]:
    path = Path(__file__).parents[1] / "content" / "test_content_xss.py"
    spec = importlib.util.spec_from_file_location("xss_corpus", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.VECTORS


def test_the_xss_corpus_in_posts_stays_inert(page, make_user, sign_in, course):
    ana = make_user("therapist", arm="self_paced")
    alerts = []
    page.on("dialog", lambda dialog: (alerts.append(dialog.message), dialog.dismiss()))
    sign_in(ana)
    token = page.locator('meta[name="csrf-token"]').get_attribute("content")
    vectors = _vectors()
    for vector in vectors:
        page.request.post(
            DISCUSSION,
            form={
                "csrf_token": token,
                "kind": "discussion",
                "title": vector[:200] or "x",
                "body": vector or "x",
                "confirm": "yes",
            },
        )
    page.goto(DISCUSSION)
    page.wait_for_load_state("networkidle")
    assert alerts == [], f"a vector ran script: {alerts[:3]}"
    assert page.locator("article.post").count() >= len([v for v in vectors if v.strip()]) // 2
