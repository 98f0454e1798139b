"""In Chromium at a phone's 390 px and a desktop's 1280 px: every role's main pages fit the
width and pass axe, the menu folds behind a keyboard-operable button, the dashboard's charts
are readable and unclipped, the module sidebar fits a 1366x720 laptop, and printing drops
the site's chrome."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.research.conftest import seed_activity  # noqa: F401  (a fixture, used below)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
LAPTOP = {"width": 1366, "height": 720}
#: Extra pages per role beyond its menu.
EXTRA = {
    "therapist": ["/learning/modules/intro", "/assessments/intro/quiz", "/auth/account"],
    "trainer": [
        "/authoring/modules/intro/edit",
        "/authoring/modules/intro/quiz",
        "/assessments/intro/statistics",
        "/consultations/series/new",
    ],
    "researcher": ["/research/tokens", "/research/agreement", "/research/exports"],
    "admin": [],
}


@pytest.fixture
def people(make_user, seed_activity, course):  # noqa: F811
    """One account per role; three therapists in the trial with activity in every table."""
    for arm in ("self_paced", "workshop", "control"):
        seed_activity(make_user("therapist", arm=arm))
    return {
        "therapist": make_user("therapist", arm="self_paced", name="Thea Therapist"),
        "trainer": make_user("trainer", name="Terry Trainer"),
        "researcher": make_user("researcher", name="Riley Researcher"),
        "admin": make_user("admin", name="Ada Admin"),
    }


def _fits(page) -> None:
    width = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{page.url} scrolls sideways at {width[1]} px: {width[0]} px"


def _menu_links(page) -> list[str]:
    return page.locator("nav[aria-label=Main] a").evaluate_all("els => els.map(a => a.pathname)")


@pytest.mark.parametrize("role", ["therapist", "trainer", "researcher", "admin"])
def test_every_main_page_fits_a_phone_and_passes_axe_at_both_widths(
    page, people, sign_in, assert_accessible, role
):
    sign_in(people[role])
    paths = [*_menu_links(page), *EXTRA[role]]
    assert len(paths) >= 3
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        for path in paths:
            response = page.goto(path)
            assert response.ok, f"{path}: {response.status}"
            _fits(page)
            assert_accessible(page)


def test_the_menu_folds_on_a_phone_and_opens_by_keyboard(page, people, sign_in):
    page.set_viewport_size(PHONE)
    sign_in(people["admin"])
    menu = page.get_by_role("button", name="Menu", exact=True)  # the arrow is not read out
    users = page.get_by_role("navigation", name="Main").get_by_role("link", name="Users")
    sign_out = page.get_by_role("button", name="Sign out")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(users).to_be_hidden()
    expect(sign_out).to_be_hidden()
    header = page.locator(".site-header").bounding_box()
    assert header["height"] < 0.15 * PHONE["height"]  # was 40% of the first screen
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the brand
    page.keyboard.press("Tab")
    expect(menu).to_be_focused()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(users).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.get_by_role("navigation", name="Main").get_by_role("link").first).to_be_focused()
    page.keyboard.press("Escape")
    expect(menu).to_be_focused()
    expect(users).to_be_hidden()
    page.keyboard.press("Space")
    expect(users).to_be_visible()

    page.set_viewport_size(DESKTOP)  # on a desktop the menu is always there, no button
    expect(menu).to_be_hidden()
    page.keyboard.press("Escape")
    expect(users).to_be_visible()


def test_without_javascript_the_menu_shows(browser, live_server, people):
    context = browser.new_context(base_url=live_server, viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto("/auth/login")
    page.get_by_label("E-mail").fill(people["admin"].email)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Users")).to_be_visible()
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    _fits(page)
    context.close()


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["390px", "1280px"])
def test_dashboard_charts_are_readable_and_nothing_is_clipped(page, people, sign_in, size):
    page.set_viewport_size(size)
    sign_in(people["researcher"])
    page.goto("/research/")
    charts = page.locator("svg.chart")
    assert charts.count() >= 8
    report = charts.evaluate_all(
        """svgs => svgs.map(svg => {
            const box = svg.getBoundingClientRect();
            const scale = box.width / svg.viewBox.baseVal.width;  // drawn px per unit
            const texts = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim());
            return {
              id: svg.getAttribute('aria-labelledby'),
              ticks: svg.querySelectorAll('.tick-label').length,
              smallest: scale * Math.min(
                  ...texts.map(t => parseFloat(getComputedStyle(t).fontSize))),
              outside: texts.filter(t => {
                const r = t.getBoundingClientRect();
                return r.left < box.left - 0.5 || r.right > box.right + 0.5
                    || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5;
              }).map(t => t.textContent),
            };
        })"""
    )
    for chart in report:
        assert chart["smallest"] >= 12, chart
        assert not chart["outside"], chart
        assert chart["ticks"] >= 2, chart
    _fits(page)
    funnel = page.get_by_role("figure").filter(has=page.locator("svg[aria-labelledby^=funnel]"))
    with page.expect_download() as svg:
        funnel.get_by_role("link", name="SVG").click()
    assert svg.value.suggested_filename == "funnel.svg"
    with page.expect_download() as csv:
        funnel.get_by_role("link", name="CSV").click()
    assert csv.value.suggested_filename == "funnel.csv"


def test_a_wide_table_on_a_phone_scrolls_in_its_box_with_a_hint(
    page, people, sign_in, assert_accessible
):
    page.set_viewport_size(PHONE)
    sign_in(people["researcher"])
    page.goto("/research/")
    consort = page.get_by_role("region", name="Participant flow")
    expect(consort).to_be_visible()
    expect(consort).to_have_attribute("tabindex", "0")
    expect(page.get_by_text("scroll it sideways to see every column").first).to_be_visible()
    consort.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(300)
    assert consort.evaluate("box => box.scrollLeft") > 0
    _fits(page)
    assert_accessible(page)


def test_on_a_phone_the_module_title_comes_before_the_contents(page, people, sign_in):
    page.set_viewport_size(PHONE)
    sign_in(people["therapist"])
    page.goto("/learning/modules/intro")
    title = page.get_by_role("heading", level=1, name="Introduction to tensions")
    contents = page.get_by_role("navigation", name="Contents")
    expect(title).to_be_visible()
    assert title.bounding_box()["y"] < contents.bounding_box()["y"]
    _fits(page)


def test_the_quiz_button_is_on_screen_on_a_1366x720_laptop(
    page, make_user, sign_in, import_course, project_root, complete_modules
):
    import_course(project_root)  # the shipped course: a module with twelve headings
    therapist = make_user("therapist")
    complete_modules(therapist, "foundations", "detecting-withdrawal", "detecting-confrontation")
    page.set_viewport_size(LAPTOP)
    sign_in(therapist)
    page.goto("/learning/modules/repairing-ruptures")
    expect(page.get_by_role("navigation", name="Contents").get_by_role("link")).to_have_count(12)
    button = page.get_by_role("link", name="Take the quiz")
    for _ in range(2):  # at the top, then scrolled down: the sidebar stays beside the text
        expect(button).to_be_visible()
        box = button.bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= LAPTOP["height"], box
        page.mouse.wheel(0, 3000)
        page.wait_for_timeout(300)


@pytest.mark.parametrize(
    ("role", "path", "kept"),
    [
        ("therapist", "/learning/modules/intro", "Introduction to tensions"),
        ("therapist", "/certificates/", "My certificate"),
        ("researcher", "/research/", "CONSORT flow"),
    ],
)
def test_printing_drops_the_header_sign_out_and_sidebar(page, people, sign_in, role, path, kept):
    sign_in(people[role])
    page.goto(path)
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Sign out")).to_be_hidden()
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("complementary")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.get_by_role("heading", name=kept).first).to_be_visible()
    if role == "researcher":
        expect(page.get_by_role("search", name="Filter the dashboard")).to_be_hidden()
        expect(page.locator("table").first).to_be_visible()
    page.emulate_media(media="screen")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
