"""Browser fixtures: a live server per test and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import gc
import os
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("COURSE_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items) -> None:
    """Everything under tests/e2e is a browser test."""
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser(skip_or_fail):
    """One headless Chromium for the session (fails under CI=true when missing)."""
    if not os.path.exists(CHROMIUM):
        skip_or_fail(f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class _ClosedOnceRead:
    """A response body closed as soon as it has been read to the end.

    Werkzeug's development server calls ``close()`` in a ``finally`` that first reads what
    is left of the request; a browser that has already moved on resets the connection,
    that read raises, and ``close()`` never comes. The open file of a static response (or
    a streamed response's database connection) would then be left to the garbage
    collector, whose warning lands in whatever test is running. Production servers close
    bodies themselves; the outbox has its own guard for mail (course/mail/outbox.py).
    """

    def __init__(self, body, done=None) -> None:
        self.body, self.iterator, self.closed = body, iter(body), False
        self.done = done

    def __iter__(self):
        return self

    def __next__(self):
        try:
            return next(self.iterator)
        except StopIteration:
            self.close()
            raise

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            try:
                if hasattr(self.body, "close"):
                    self.body.close()
            finally:
                if self.done is not None:
                    self.done()


@contextmanager
def serve(app) -> Iterator[str]:
    """Serve ``app`` on a free loopback port; yields its base URL."""

    # Werkzeug's threaded server makes daemon threads it never joins, so the requests still
    # being answered are counted here: each ends when its body is written and closed (the
    # outbox sends a request's mail then).
    answering = [0]
    idle = threading.Condition()

    def finished() -> None:
        with idle:
            answering[0] -= 1
            idle.notify_all()

    def closing(environ, start_response):
        with idle:
            answering[0] += 1
        try:
            return _ClosedOnceRead(app(environ, start_response), finished)
        except BaseException:
            finished()
            raise

    server = make_server("127.0.0.1", 0, closing, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        # Requests still being answered (a favicon the browser asked for as the page closed,
        # a first visit to a page that imports a large library) finish before the test's
        # database goes, rather than fail in a thread afterwards.
        deadline = time.monotonic() + 30
        with idle:
            while answering[0] > 0 and time.monotonic() < deadline:
                idle.wait(timeout=max(0.0, deadline - time.monotonic()))
        server.socket.close()
        # Werkzeug's development server skips close() on a response whose client has
        # already reset the connection, so a request's database connection can be left to
        # the garbage collector. Collect it here, where it belongs to this server, instead
        # of in whichever later test the collector happens to run (psycopg warns as it
        # closes it).
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            gc.collect()


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """Serve the test app on a free loopback port; yields its base URL."""
    with serve(app) as url:
        yield url


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context and page pointed at the live server."""
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def mail_count(outbox):
    """``mail_count(n)`` waits until ``n`` e-mails have arrived (up to 15 s, for a loaded
    machine), then returns them.

    The outbox sends a request's e-mail once the response body is written; the browser may
    already be showing the next page by then.
    """

    def wait(n: int, seconds: float = 15.0) -> list:
        deadline = time.monotonic() + seconds
        while len(outbox) < n and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(outbox) == n, f"expected {n} e-mails, got {len(outbox)}"
        return list(outbox)

    return wait


@pytest.fixture
def assert_accessible():
    """``assert_accessible(page)``: axe-core finds no serious or critical violation."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page) -> None:
        results = axe.run(page)
        bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
        details = [
            f"{v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(str(n["target"]) for n in v["nodes"][:3])
            for v in bad
        ]
        assert not bad, f"axe on {page.url}:\n" + "\n".join(details)

    return check


@pytest.fixture
def sign_in(page):
    """``sign_in(user)``: fill the sign-in form like a person and submit it."""

    def fill(user, password: str = "correct horse battery staple") -> None:
        page.goto("/auth/login")
        page.get_by_label("E-mail").fill(user.email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()

    return fill
