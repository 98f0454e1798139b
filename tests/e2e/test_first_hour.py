"""Every role's first hour on the database `make run` builds: the schema, `content import`
of the shipped course, then `users demo` (one account per role with a printed password,
the demo consultation sessions and the seeded demo trial). At a phone's 390 px and a
desktop's 1280 px each role signs in with the printed password and opens its main pages:
none scrolls sideways, axe finds nothing serious, and the researcher's dashboard has data.

The database is built once for the module (importing the course and seeding the trial
take several seconds) and served by one live server; each role gets its own browser.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from course import create_app
from course.consultations.models import ConsultationSeries
from course.extensions import db
from tests.conftest import ClosingClient, _default_settings
from tests.e2e.conftest import serve

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
ROLES = ("therapist", "trainer", "researcher", "admin")
#: A line of `users demo`'s account list: role, e-mail, password.
ACCOUNT = re.compile(r"^\s+(therapist|trainer|researcher|admin)\s+(\S+@\S+)\s+(\S+)\s*$", re.M)
#: Pages each role opens beyond its menu ({series}: the demo consultation series).
PAGES = {
    "therapist": [
        "/learning/",
        "/learning/modules/foundations",
        "/assessments/foundations/quiz",
    ],
    "trainer": [
        "/consultations/",
        "/consultations/week",
        "/consultations/series/{series}/roster",
        "/authoring/",
        "/authoring/modules/foundations/edit",
        "/authoring/modules/foundations/quiz",
    ],
    "researcher": ["/research/", "/research/exports"],
    "admin": ["/admin/users", "/admin/audit", "/admin/outbox"],
}


@pytest.fixture(scope="module")
def demo_site(database, smtp_server, shared_root, tmp_path_factory) -> Iterator[dict]:
    """The `make run` database, served: its base URL, the accounts and the series id."""
    database.fresh(shared_root)
    storage = tmp_path_factory.mktemp("first-hour-storage")
    settings = {
        **_default_settings(database, smtp_server, shared_root),
        "STORAGE_DIR": str(storage),
    }
    app = create_app(settings)
    app.test_client_class = ClosingClient
    runner = app.test_cli_runner()
    imported = runner.invoke(args=["content", "import"])
    assert imported.exit_code == 0, imported.output
    demo = runner.invoke(args=["users", "demo"])
    assert demo.exit_code == 0, demo.output
    assert "Demo trial:" in demo.output, demo.output
    accounts = {role: (email, password) for role, email, password in ACCOUNT.findall(demo.output)}
    assert set(accounts) == set(ROLES), demo.output
    with app.app_context():
        series = db.session.scalar(select(ConsultationSeries.id).order_by(ConsultationSeries.id))
    assert series is not None
    with serve(app) as url:
        yield {"url": url, "accounts": accounts, "series": series}
    with app.app_context():
        db.engine.dispose()
    shutil.rmtree(storage, ignore_errors=True)


@pytest.fixture
def visitor(browser, demo_site):
    """A fresh browser context on the demo site."""
    context = browser.new_context(base_url=demo_site["url"], viewport=DESKTOP)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def _sign_in(page, email: str, password: str) -> None:
    page.goto("/auth/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "/auth/login" not in page.url, f"{email} could not sign in"


def _fits(page) -> None:
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner, f"{page.url} scrolls sideways at {inner} px: {scroll} px wide"


def _menu(page) -> list[str]:
    return page.locator("nav[aria-label=Main] a").evaluate_all("els => els.map(a => a.pathname)")


def _dashboard_has_data(page) -> None:
    status = page.get_by_role("status").filter(has_text="consented participant").inner_text()
    shown = int(re.search(r"Showing (\d+) consented", status).group(1))
    assert shown > 0, status
    invited = page.locator("table.consort tr", has=page.locator("th", has_text="Invited"))
    assert int(invited.locator("td").last.inner_text()) > 0
    randomized = page.locator("table.consort tr", has=page.locator("th", has_text="Randomized"))
    assert int(randomized.locator("td").last.inner_text()) > 0
    marks = page.locator("svg.chart").evaluate_all(
        """svgs => Object.fromEntries(svgs.map(svg => [
            svg.getAttribute('aria-labelledby').split('-title')[0],
            svg.querySelectorAll('.bar, .box, .dot, .line').length]))"""
    )
    drawn = {chart for chart, n in marks.items() if n > 0}
    assert {"enrolment", "funnel", "active", "quizzes"} <= drawn, marks


@pytest.mark.parametrize("role", ROLES)
def test_each_role_opens_its_main_pages_at_a_phone_and_a_desktop_width(
    visitor, demo_site, assert_accessible, role
):
    email, password = demo_site["accounts"][role]
    _sign_in(visitor, email, password)
    pages = [p.format(series=demo_site["series"]) for p in PAGES[role]]
    paths = list(dict.fromkeys([*pages, *_menu(visitor)]))
    for size in (PHONE, DESKTOP):
        visitor.set_viewport_size(size)
        for path in paths:
            response = visitor.goto(path)
            assert response.ok, f"{role} {path} at {size['width']} px: {response.status}"
            _fits(visitor)
            assert_accessible(visitor)
            if path == "/research/":
                _dashboard_has_data(visitor)
