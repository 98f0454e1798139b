"""Shared benchmark plumbing: a real server process, seeding, and a multi-process load tool."""

from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG_ADMIN_URL = os.environ.get("COURSE_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
PASSWORD = "bench password long enough"  # noqa: S105 - seeded test accounts


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Site:
    """A database plus the environment that points the app at it."""

    url: str
    env: dict[str, str]

    def flask(self, *args: str, stdin: str | None = None) -> str:
        """Run ``flask --app app ARGS`` against this site; return its output."""
        done = subprocess.run(
            [str(BIN / "flask"), "--app", "app", *args],
            cwd=ROOT,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout

    def python(self, code: str) -> str:
        """Run Python inside an app context of this site (for bulk seeding)."""
        script = "from course import create_app\napp = create_app()\nwith app.app_context():\n"
        script += "\n".join("    " + line for line in code.strip().splitlines())
        done = subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout


def _env(url: str, storage: str) -> dict[str, str]:
    return {
        **os.environ,
        "COURSE_ENV": "development",
        "COURSE_DATABASE_URL": url,
        "COURSE_SECRET_KEY": secrets.token_urlsafe(48),
        "COURSE_STORAGE_DIR": storage,
        "COURSE_MAIL_OUTBOX": storage + "/mail",
        "COURSE_LOG_JSON": "false",
    }


@contextmanager
def site(backend: str = "sqlite") -> Iterator[Site]:
    """A fresh, migrated database on SQLite or on a new PostgreSQL database."""
    with tempfile.TemporaryDirectory(prefix="course-bench-") as folder:
        if backend == "sqlite":
            yield _ready(
                Site(f"sqlite:///{folder}/bench.db", _env(f"sqlite:///{folder}/bench.db", folder))
            )
            return
        import psycopg

        name = f"bench_{secrets.token_hex(4)}"
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        url = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
        url = f"{url}/{name}"
        try:
            yield _ready(Site(url, _env(url, folder)))
        finally:
            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def postgres_available() -> bool:
    """True when the benchmark's PostgreSQL server answers."""
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return True
    except Exception:
        return False


def _ready(s: Site) -> Site:
    s.flask("db", "upgrade")
    return s


@contextmanager
def server(
    s: Site, workers: int | None = 2, threads: int | None = 4, info: dict | None = None
) -> Iterator[int]:
    """Serve the site with gunicorn; yields the port once /healthz answers. With
    ``workers=None, threads=None``, gunicorn.conf.py sizes the server, as in production;
    ``info`` receives the master's ``pid``."""
    port = free_port()
    sizing = [] if workers is None else ["-w", str(workers), "-k", "gthread"]
    sizing += [] if threads is None else ["--threads", str(threads)]
    command = [
        str(BIN / "gunicorn"),
        *sizing,
        "-b",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        # gunicorn also reads ./gunicorn.conf.py: its worker recycling (max_requests) would
        # stall a measurement for a second or two mid-run, and its access log would cost
        # every request a write. Neither is what is being measured.
        "--max-requests",
        "0",
        "--access-logfile",
        os.devnull,
        "app:app",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=s.env)
    if info is not None:
        info["pid"] = process.pid
    try:
        for _ in range(100):
            try:
                if request(port, "GET", "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("the server did not start")
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=40)  # gunicorn.conf.py gives requests 30 s to finish
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def cpu_seconds(pids) -> float:
    """User plus system CPU seconds the living processes ``pids`` have used so far."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def server_processes(master: int, database: str | None = None) -> tuple[list[int], list[int]]:
    """The gunicorn workers of ``master``, and the PostgreSQL backends serving
    ``database`` (a backend's process title names its database)."""
    workers, pids = [], []
    for task in Path(f"/proc/{master}/task").iterdir():
        workers += [int(p) for p in (task / "children").read_text().split()]
    if database:
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                except OSError:
                    continue
                if title.startswith("postgres: ") and f" {database} " in title:
                    pids.append(int(entry.name))
    return workers, pids


def request(
    port: int,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    conn=None,
):
    """One HTTP request; returns (status, headers, body)."""
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        if own:
            conn.close()


def sign_in(port: int, email: str) -> tuple[str, str]:
    """Sign in through the form; returns (cookie header, CSRF token)."""
    status, headers, body = request(port, "GET", "/auth/login")
    cookie = headers["Set-Cookie"].split(";")[0]
    token = re.search(rb'name="csrf-token" content="([^"]+)"', body).group(1).decode()
    form = f"email={email}&password={PASSWORD.replace(' ', '+')}&csrf_token={token}".encode()
    status, headers, _ = request(
        port,
        "POST",
        "/auth/login",
        form,
        {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 302, f"sign-in failed: {status}"
    cookie = headers["Set-Cookie"].split(";")[0]
    _, _, page = request(port, "GET", "/auth/forgot", headers={"Cookie": cookie})
    token = re.search(rb'name="csrf-token" content="([^"]+)"', page).group(1).decode()
    return cookie, token


def visit(port: int, path: str, cookie: str) -> str:
    """GET ``path`` as a browser would; returns the cookie the browser then holds.

    Load tools replay one fixed cookie. Taking it from a page the person has opened
    measures what browsers send (for a therapist, a session that has passed the
    consent gate), not a session that must be checked again on every request.
    """
    status, headers, _ = request(port, "GET", path, headers={"Cookie": cookie})
    assert status == 200, f"{path} answered {status}"
    return headers["Set-Cookie"].split(";")[0] if "Set-Cookie" in headers else cookie


def _hammer(args) -> tuple[int, int, list[float]]:
    port, path, headers, seconds = args
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    done = errors = 0
    latencies = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        started = time.perf_counter()
        status, _, _ = request(port, "GET", path, headers=headers, conn=conn)
        latencies.append(time.perf_counter() - started)
        done += 1
        errors += status != 200
    conn.close()
    return done, errors, latencies


def load(port: int, path: str, *, headers=None, seconds: float = 8, clients: int = 8) -> dict:
    """GET ``path`` for ``seconds`` with wrk when installed (else our own processes)."""
    if shutil.which("wrk"):
        return _wrk(port, path, headers or {}, seconds, clients)
    with multiprocessing.get_context("fork").Pool(clients) as pool:
        results = pool.map(_hammer, [(port, path, headers or {}, seconds)] * clients)
    total = sum(r[0] for r in results)
    latencies = sorted(x for r in results for x in r[2])
    return {
        "rps": round(total / seconds, 1),
        "errors": sum(r[1] for r in results),
        "p95_ms": round(1000 * latencies[int(0.95 * (len(latencies) - 1))], 1),
        "p99_ms": round(1000 * latencies[int(0.99 * (len(latencies) - 1))], 1),
    }


def _wrk(port: int, path: str, headers: dict, seconds: float, clients: int) -> dict:
    command = ["wrk", "-t2", f"-c{clients * 2}", f"-d{int(seconds)}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    return {
        "rps": round(rps, 1),
        "errors": int(bad.group(1)) if bad else 0,
        "p99_ms": round(float(p99.group(1)) * scale, 1),
        "tool": "wrk",
    }


def dumps(value) -> bytes:
    """Compact JSON bytes."""
    return json.dumps(value, separators=(",", ":")).encode()
