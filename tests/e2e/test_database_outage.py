"""In Chromium, on PostgreSQL: the database goes away and comes back while a therapist learns.

The app reaches PostgreSQL through a TCP proxy in this test, so the outage is real from the
app's side: open connections break and new ones are refused. Pages answer with the friendly
503 page, the module page keeps its unsent progress events in the browser, and once the
database is back the app recovers by itself and the page resends them: none is lost.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import socket
import threading

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from sqlalchemy.engine import make_url

from course.extensions import db
from course.learning.models import ProgressEvent

pytestmark = pytest.mark.postgres_only


class TcpProxy:
    """Forward a loopback port to the database; ``cut()`` breaks it, ``restore()`` mends it."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self.up = True
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            try:
                upstream = socket.create_connection(self.target) if self.up else None
            except OSError:
                upstream = None
            with self.lock:  # cut() holds the lock: a connection is either cut or refused
                if upstream is None or not self.up:
                    for s in (client, upstream):
                        if s is not None:
                            s.close()  # the server is "down": refuse at once
                    continue
                self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        self.up = False
        with self.lock:
            for s in self.sockets:
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()
            self.sockets.clear()

    def restore(self) -> None:
        self.up = True

    def close(self) -> None:
        self.cut()
        self.listener.close()


@pytest.fixture
def proxied(settings):
    """The app's database URL goes through a TcpProxy; listed before ``app`` is built."""
    url = make_url(settings["DATABASE_URL"])
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    settings["DATABASE_URL"] = url.set(host="127.0.0.1", port=proxy.port).render_as_string(
        hide_password=False
    )
    yield proxy
    proxy.close()


@pytest.fixture
def quick_course(tmp_path, fixture_root, import_course):
    root = tmp_path / "course"
    shutil.copytree(fixture_root, root)
    module = root / "modules" / "01-intro.md"
    module.write_text(module.read_text().replace("min_seconds: 60", "min_seconds: 3"))
    import_course(root)


def _queued_ids(page) -> list[str]:
    raw = page.evaluate(
        "() => Object.keys(localStorage).filter(k => k.startsWith('course-progress-queue:'))"
        ".map(k => localStorage.getItem(k))"
    )
    return [entry["event"]["id"] for text in raw for entry in json.loads(text)]


def _read_for(page, seconds: int) -> None:
    for step in range(seconds):
        page.mouse.move(200 + step * 15, 300)
        page.mouse.wheel(0, 30)
        page.clock.run_for(1000)


def test_events_kept_during_an_outage_arrive_once_the_database_returns(
    proxied, app, page, make_user, sign_in, quick_course
):
    page.clock.install()  # reading time passes on Playwright's clock
    sign_in(make_user("therapist"))
    page.goto("/learning/modules/intro")
    expect(page.get_by_role("heading", level=1, name="Introduction to tensions")).to_be_visible()
    page.get_by_text("A tension is a strain in the working alliance.").click()
    _read_for(page, 2)

    proxied.cut()
    _read_for(page, 2)
    with page.expect_response(lambda r: r.url.endswith("/learning/events")) as sent:
        page.evaluate("window.courseProgress.flush()")
    assert sent.value.status == 503
    kept = _queued_ids(page)
    assert kept, "the page should keep the events the server could not take"

    # Any page meanwhile: the friendly 503, not a stack trace.
    response = page.goto("/learning/")
    assert response.status == 503
    expect(page.get_by_text("The platform is briefly unavailable. Please retry.")).to_be_visible()

    proxied.restore()
    page.goto("/learning/modules/intro")  # the app reconnects by itself (pool_pre_ping)
    expect(page.get_by_role("heading", level=1, name="Introduction to tensions")).to_be_visible()
    for _ in range(100):  # the page resends what it kept as soon as it loads
        if not set(kept) & set(_queued_ids(page)):
            break
        page.wait_for_timeout(100)
    with app.app_context():
        stored = db.session.scalars(
            select(ProgressEvent.client_id).where(ProgressEvent.client_id.in_(kept))
        ).all()
    assert sorted(stored) == sorted(kept)  # each kept event is there, exactly once
