"""`make load`: two gunicorn processes on PostgreSQL and Redis, driven by simulated learners.

Each run seeds 500 therapists on a fresh PostgreSQL database, starts two gunicorn
processes on two ports (the load tool balances between them round robin and fails over
when one stops answering, as a proxy would), and drives learners for the set duration:
sign in, open the home page and a module, post progress-event batches, take a quiz, and
join (or wait for) a group series. Afterwards it checks in the database that everything
the server acknowledged is there exactly once and that no session is over capacity.

The second run repeats the first and SIGKILLs one gunicorn process group halfway.

    make load                      # 2 runs of 180 s each
    LOAD_SECONDS=30 make load      # a quick look

Figures go to stdout and bench/results/load.json. Needs PostgreSQL (COURSE_BENCH_PG) and
Redis (COURSE_LOAD_REDIS, default redis://127.0.0.1:6379/15).
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import random
import re
import signal
import subprocess
import sys
import time
import uuid
from collections import defaultdict
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from bench.harness import BIN, PASSWORD, ROOT, free_port, site

THERAPISTS = 500
GATE_MET = 250  # the first half have finished the consultation gate modules
SERIES, CAPACITY, SESSIONS = 15, 6, 10  # 90 seats for 250 eligible therapists
CLIENTS = int(os.environ.get("LOAD_CLIENTS", "8"))  # client processes, one request at a time each
REDIS_URL = os.environ.get("COURSE_LOAD_REDIS", "redis://127.0.0.1:6379/15")
GATE = ("foundations", "detecting-withdrawal", "detecting-confrontation", "repairing-ruptures")
RESULTS = Path(__file__).parent / "results"


# ---------------------------------------------------------------- seeding


SEED = f"""
from datetime import time as clock_time, timedelta
from werkzeug.security import generate_password_hash
from course import clock
from course.auth.models import User
from course.catalog.models import Module
from course.consultations.scheduling import Plan, create_series
from course.consultations.times import wall_clock
from course.extensions import db
from course.learning.models import ModuleProgress
from course.research.consent import seed_participant
hashed = generate_password_hash({PASSWORD!r}, method="scrypt")
modules = {{m.slug: m for m in db.session.scalars(db.select(Module))}}
now = clock.now_utc()
trainer = User(email="trainer@load.test", name="Load Trainer", role="trainer",
               password_hash=hashed, study_id="T-LOAD0001", timezone="America/Toronto")
db.session.add(trainer)
for n in range({THERAPISTS}):
    user = User(email=f"t{{n}}@load.test", name=f"Therapist {{n}}", role="therapist",
                arm="self_paced", password_hash=hashed, study_id=f"P-LOAD{{n:04d}}",
                timezone="America/Vancouver", region="BC", profession="psychologist")
    db.session.add(user)
    db.session.flush()
    seed_participant(user)
    if n < {GATE_MET}:
        for slug in {GATE!r}:
            db.session.add(ModuleProgress(
                user_id=user.id, module_id=modules[slug].id, started_at=now,
                last_activity_at=now, active_seconds=900, completed_at=now,
                completed_revision_id=modules[slug].published_revision_id))
day = wall_clock(now, trainer.timezone).date() + timedelta(days=7)
series = []
for n in range({SERIES}):
    plan = Plan(title=f"Group {{n + 1}}", day=day + timedelta(days=n % 7),
                start=clock_time(9 + n % 8), end=clock_time(10 + n % 8),
                timezone=trainer.timezone, capacity={CAPACITY},
                meeting_url="https://meet.example.org/load", notes="")
    series.append(create_series(trainer, plan, trainer, None, 14, {SESSIONS}).id)
db.session.commit()
revisions = {{slug: (m.published.id, m.published.videos[0]["key"] if m.published.videos else "")
             for slug, m in modules.items()}}
print(__import__("json").dumps({{"series": series, "revisions": revisions}}))
"""


# ---------------------------------------------------------------- the client


class Balancer:
    """Round robin over the app ports; a port that refuses is skipped for a while."""

    def __init__(self, ports: list[int]):
        self.ports = ports
        self.turn = random.randrange(len(ports))
        self.down_until = dict.fromkeys(ports, 0.0)
        self.conns: dict[int, http.client.HTTPConnection] = {}
        self.failovers = 0

    def _conn(self, port: int) -> http.client.HTTPConnection:
        if port not in self.conns:
            self.conns[port] = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        return self.conns[port]

    def send(self, method: str, path: str, body: bytes | None, headers: dict):
        """(status, headers, body) from the next live port; retried on a dead one."""
        for _ in range(2 * len(self.ports) + 2):
            self.turn = (self.turn + 1) % len(self.ports)
            port = self.ports[self.turn]
            if self.down_until[port] > time.monotonic():
                continue
            conn = self._conn(port)
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                return response.status, response.headers, response.read()
            except (OSError, http.client.HTTPException):
                # Refused, reset or closed mid-answer: not acknowledged, so try elsewhere
                # (events carry ids and a repeated join is refused, so a retry is safe).
                conn.close()
                self.conns.pop(port, None)
                self.down_until[port] = time.monotonic() + 2
                self.failovers += 1
        raise ConnectionError("no app process answers")


class Learner:
    """One therapist's browser: cookie, CSRF token, and what the server acknowledged."""

    def __init__(self, n: int):
        self.n = n
        self.cookie = ""
        self.token = ""
        self.booked = False
        self.waiting = False
        self.video_at = 0.0


class Stats:
    """Latencies per route and everything acknowledged, returned to the parent."""

    def __init__(self):
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.events: list[tuple[int, str]] = []
        self.bookings: list[tuple[int, int]] = []
        self.waits: list[tuple[int, int]] = []
        self.attempts: list[tuple[int, int]] = []
        self.refusals = 0


def _call(
    lb: Balancer,
    stats: Stats,
    route: str,
    learner: Learner | None,
    method: str,
    path: str,
    body: bytes | None = None,
    ok=(200,),
    extra=None,
):
    headers = {"Cookie": learner.cookie} if learner and learner.cookie else {}
    if method == "POST" and learner:
        headers["X-CSRFToken"] = learner.token
        headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
    headers.update(extra or {})
    started = time.perf_counter()
    status, answer_headers, data = lb.send(method, path, body, headers)
    stats.latency[route].append(time.perf_counter() - started)
    if learner and learner.cookie and "Set-Cookie" in answer_headers:
        learner.cookie = answer_headers["Set-Cookie"].split(";")[0]  # as a browser keeps it
    if status not in ok:
        stats.errors[f"{route} {status}"] += 1
    return status, answer_headers, data


def _sign_in(lb, stats, learner: Learner) -> bool:
    learner.cookie = ""
    status, headers, body = _call(lb, stats, "GET /auth/login", None, "GET", "/auth/login")
    learner.cookie = headers["Set-Cookie"].split(";")[0]
    learner.token = re.search(rb'name="csrf-token" content="([^"]+)"', body).group(1).decode()
    form = f"email=t{learner.n}%40load.test&password={PASSWORD.replace(' ', '+')}"
    status, headers, _ = _call(
        lb, stats, "POST /auth/login", learner, "POST", "/auth/login", form.encode(), ok=(302,)
    )
    if status != 302:
        return False
    learner.cookie = headers["Set-Cookie"].split(";")[0]
    # The session changed at sign-in; its CSRF token comes with the next page.
    status, _, body = _call(lb, stats, "GET /learning/", learner, "GET", "/learning/")
    found = re.search(rb'name="csrf-token" content="([^"]+)"', body)
    learner.token = found.group(1).decode() if found else ""
    return status == 200


def _events(lb, stats, learner: Learner, slug: str, revision: int, video: str) -> None:
    now = datetime.now(UTC).isoformat()
    events = [{"id": uuid.uuid4().hex, "type": "active", "at": now, "seconds": 5} for _ in range(9)]
    if video:
        start = learner.video_at
        learner.video_at = (start + 10) % 500
        events.append(
            {
                "id": uuid.uuid4().hex,
                "type": "played",
                "at": now,
                "video": video,
                "from": start,
                "to": start + 10,
                "duration": 600,
            }
        )
    body = json.dumps({"module": slug, "revision": revision, "events": events}).encode()
    status, _, _ = _call(
        lb,
        stats,
        "POST /learning/events",
        learner,
        "POST",
        "/learning/events",
        body,
        extra={"Content-Type": "application/json"},
    )
    if status == 200:
        stats.events.extend((learner.n, event["id"]) for event in events)


def _quiz(lb, stats, learner: Learner, slug: str) -> None:
    path = f"/assessments/{slug}/quiz"
    status, _, body = _call(lb, stats, "GET /assessments/<slug>/quiz", learner, "GET", path)
    attempt = re.search(rb'action="/assessments/[^/]+/attempts/(\d+)"', body)
    if status != 200 or not attempt:
        return
    answers: dict[str, str] = {}
    for name, value in re.findall(rb'name="(q-[^"]+)" value="([^"]+)"', body):
        answers.setdefault(name.decode(), value.decode())
    form = "&".join(f"{k}={v}" for k, v in answers.items()).encode()
    status, headers, _ = _call(
        lb,
        stats,
        "POST /assessments/<slug>/attempts/<id>",
        learner,
        "POST",
        f"/assessments/{slug}/attempts/{attempt.group(1).decode()}",
        form,
        ok=(302,),
    )
    if status == 302 and "/attempts/" in headers.get("Location", ""):
        stats.attempts.append((learner.n, int(attempt.group(1))))


def _book(lb, stats, learner: Learner, series: list[int]) -> None:
    chosen = random.choice(series)
    status, _, _ = _call(lb, stats, "GET /consultations/", learner, "GET", "/consultations/")
    status, _, _ = _call(
        lb,
        stats,
        "POST /consultations/series/<id>/join",
        learner,
        "POST",
        f"/consultations/series/{chosen}/join",
        b"",
        ok=(302, 409),
    )
    if status == 302:
        learner.booked = True
        stats.bookings.append((learner.n, chosen))
        return
    if status == 409:  # full: the page offers the waitlist
        stats.refusals += 1
        if learner.waiting:
            return
        status, _, _ = _call(
            lb,
            stats,
            "POST /consultations/series/<id>/waitlist",
            learner,
            "POST",
            f"/consultations/series/{chosen}/waitlist",
            b"",
            ok=(302, 409),
        )
        if status == 302:
            learner.waiting = True
            stats.waits.append((learner.n, chosen))


def _client(args) -> dict:
    ports, numbers, seconds, seeded = args
    random.seed(numbers[0])  # each client process its own, repeatable choices
    lb, stats = Balancer(ports), Stats()
    learners = [Learner(n) for n in numbers]
    revisions, series = seeded["revisions"], seeded["series"]
    end = time.monotonic() + seconds
    turn = 0
    while time.monotonic() < end:
        learner = learners[turn % len(learners)]
        turn += 1
        try:
            if not learner.cookie and not _sign_in(lb, stats, learner):
                continue
            gate_met = learner.n < GATE_MET
            slug = "diversity-tensions" if gate_met else "foundations"
            revision, video = revisions[slug]
            _call(lb, stats, "GET /learning/", learner, "GET", "/learning/")
            _call(
                lb,
                stats,
                "GET /learning/modules/<slug>",
                learner,
                "GET",
                f"/learning/modules/{slug}",
            )
            for _ in range(2):
                _events(lb, stats, learner, slug, revision, video)
            if random.random() < 0.25:
                _quiz(lb, stats, learner, slug)
            if gate_met and not learner.booked and random.random() < 0.5:
                _book(lb, stats, learner, series)
        except ConnectionError:
            stats.errors["no app process answers"] += 1
            time.sleep(0.5)
        except (KeyError, AttributeError):  # a page without the cookie or token it needs
            stats.errors["unexpected page"] += 1
            learner.cookie = ""  # sign in again next time
    return {
        "latency": dict(stats.latency),
        "errors": dict(stats.errors),
        "events": stats.events,
        "bookings": stats.bookings,
        "waits": stats.waits,
        "attempts": stats.attempts,
        "refusals": stats.refusals,
        "failovers": lb.failovers,
    }


# ---------------------------------------------------------------- servers and checks


@contextmanager
def _gunicorns(s, count: int, logs: Path):
    """``count`` gunicorn process groups from gunicorn.conf.py, each on its own port."""
    started = []
    for n in range(count):
        port = free_port()
        env = {**s.env, "PORT": str(port), "WEB_CONCURRENCY": "2"}
        log = (logs / f"gunicorn-{n}.log").open("w")
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "app:app"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        started.append((port, process, log))
    try:
        for port, _, _ in started:
            for _ in range(200):
                try:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                    conn.request("GET", "/readyz")
                    if conn.getresponse().status == 200:
                        break
                except OSError:
                    time.sleep(0.1)
            else:
                raise RuntimeError(f"gunicorn on {port} did not become ready; see {logs}")
        yield started
    finally:
        for _, process, log in started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)
            log.close()


def _check(s, results: list[dict]) -> dict:
    """Everything acknowledged is in the database exactly once; no session is over capacity."""
    import psycopg

    url = s.url.replace("postgresql+psycopg://", "postgresql://")
    events = [e for r in results for e in r["events"]]
    bookings = [b for r in results for b in r["bookings"]]
    waits = [w for r in results for w in r["waits"]]
    attempts = [a for r in results for a in r["attempts"]]
    with psycopg.connect(url) as conn:
        users = dict(
            conn.execute(
                "SELECT id, CAST(substr(email, 2, position('@' in email) - 2) AS integer) "
                "FROM users WHERE role = 'therapist'"
            ).fetchall()
        )
        number = {uid: n for uid, n in users.items()}
        stored = defaultdict(int)
        for uid, client_id in conn.execute("SELECT user_id, client_id FROM progress_events"):
            stored[(number[uid], client_id)] += 1
        seats = defaultdict(int)
        for uid, series_id in conn.execute(
            "SELECT user_id, series_id FROM bookings WHERE status = 'booked'"
        ):
            seats[(number[uid], series_id)] += 1
        waiting = {
            (number[uid], sid)
            for uid, sid in conn.execute("SELECT user_id, series_id FROM waitlist_entries")
        }
        submitted = {
            (number[uid], aid)
            for aid, uid in conn.execute(
                "SELECT id, user_id FROM quiz_attempts WHERE submitted_at IS NOT NULL"
            )
        }
        over = conn.execute(
            "SELECT s.id, s.capacity, count(b.id) FROM consultation_sessions s "
            "JOIN bookings b ON b.session_id = s.id AND b.status = 'booked' "
            "GROUP BY s.id, s.capacity HAVING count(b.id) > s.capacity"
        ).fetchall()
        twice = conn.execute(
            "SELECT session_id, user_id FROM bookings WHERE status = 'booked' "
            "GROUP BY session_id, user_id HAVING count(*) > 1"
        ).fetchall()
        series_per_person = conn.execute(
            "SELECT user_id FROM bookings WHERE status = 'booked' AND series_id IS NOT NULL "
            "GROUP BY user_id HAVING count(DISTINCT series_id) > 1"
        ).fetchall()
        filled = conn.execute("SELECT count(*) FROM bookings WHERE status = 'booked'").fetchone()[0]
    checks = {
        "acknowledged_events": len(events),
        "events_missing": sum(1 for e in events if stored[e] == 0),
        "events_duplicated": sum(1 for e in events if stored[e] > 1),
        "acknowledged_series_joins": len(bookings),
        # a join books every remaining session of the series: SESSIONS seats per join
        "joins_missing_seats": sum(1 for b in bookings if seats[b] != SESSIONS),
        "acknowledged_waitlist_joins": len(waits),
        "waitlist_missing": sum(1 for w in waits if w not in waiting),
        "acknowledged_quiz_submissions": len(attempts),
        "quiz_submissions_missing": sum(1 for a in attempts if a not in submitted),
        "sessions_over_capacity": len(over),
        "seats_booked_twice": len(twice),
        "therapists_in_two_series": len(series_per_person),
        "seats_filled": filled,
        "seats_offered": SERIES * CAPACITY * SESSIONS,
    }
    bad = (
        "events_missing",
        "events_duplicated",
        "joins_missing_seats",
        "waitlist_missing",
        "quiz_submissions_missing",
        "sessions_over_capacity",
        "seats_booked_twice",
        "therapists_in_two_series",
    )
    # Nothing vacuous: events, joins, waitlist places and quiz submissions were all exercised.
    exercised = (
        "acknowledged_events",
        "acknowledged_series_joins",
        "acknowledged_waitlist_joins",
        "acknowledged_quiz_submissions",
    )
    checks["passed"] = all(checks[k] == 0 for k in bad) and all(checks[k] > 0 for k in exercised)
    return checks


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return round(1000 * ordered[min(len(ordered) - 1, int(share * len(ordered)))], 1)


def _summary(results: list[dict], wall: float) -> dict:
    latency = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    for r in results:
        for route, values in r["latency"].items():
            latency[route].extend(values)
        for key, count in r["errors"].items():
            errors[key] += count
    total = sum(len(v) for v in latency.values())
    return {
        "seconds": round(wall, 1),
        "requests": total,
        "requests_per_second": round(total / wall, 1),
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
        "failovers": sum(r["failovers"] for r in results),
        "full_series_refusals": sum(r["refusals"] for r in results),
        "routes": {
            route: {
                "count": len(values),
                "p50_ms": _percentile(values, 0.50),
                "p95_ms": _percentile(values, 0.95),
                "p99_ms": _percentile(values, 0.99),
            }
            for route, values in sorted(latency.items())
        },
    }


def one_run(seconds: float, kill_halfway: bool) -> dict:
    """Seed, serve with two gunicorn processes, drive the learners, check the database."""
    with site("postgresql") as s:
        s.env.update(
            {
                "COURSE_ENV": "production",
                "COURSE_REDIS_URL": REDIS_URL,
                "COURSE_LOG_JSON": "true",
                "COURSE_BASE_URL": "https://course.example.org",
            }
        )
        s.env.pop("COURSE_MAIL_OUTBOX", None)
        s.flask("content", "import", str(ROOT))
        seeded = json.loads(s.python(SEED).strip().splitlines()[-1])
        logs = Path(s.env["COURSE_STORAGE_DIR"])
        with _smtp_sink() as smtp_port:
            s.env.update({"COURSE_MAIL_SERVER": "127.0.0.1", "COURSE_MAIL_PORT": str(smtp_port)})
            with _gunicorns(s, 2, logs) as servers:
                ports = [port for port, _, _ in servers]
                shares = [list(range(THERAPISTS))[n::CLIENTS] for n in range(CLIENTS)]
                jobs = [(ports, share, seconds, seeded) for share in shares]
                started = time.perf_counter()
                with multiprocessing.get_context("spawn").Pool(CLIENTS) as pool:
                    pending = pool.map_async(_client, jobs)
                    killed_at = None
                    if kill_halfway:
                        time.sleep(seconds / 2)
                        victim = servers[0][1]
                        os.killpg(victim.pid, signal.SIGKILL)
                        killed_at = round(time.perf_counter() - started, 1)
                    results = pending.get()
                wall = time.perf_counter() - started
                survivor_ready = _ready(ports[-1])
            redis_line = _log_mentions(logs, "redis")
        figures = _summary(results, wall)
        figures["killed_process_at_seconds"] = killed_at
        figures["survivor_ready_after"] = survivor_ready
        figures["limiter_storage_logged"] = redis_line
        figures["integrity"] = _check(s, results)
    return figures


def _ready(port: int) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("GET", "/readyz")
    return conn.getresponse().status


def _log_mentions(folder: Path, word: str) -> str:
    for log in sorted(folder.glob("gunicorn-*.log")):
        for line in log.read_text(errors="replace").splitlines():
            if word in line.lower() and "limit" in line.lower():
                return line[:200]
    return ""


@contextmanager
def _smtp_sink():
    """A real SMTP server on loopback that keeps nothing (booking e-mails go here)."""
    from aiosmtpd.controller import Controller

    class Sink:
        async def handle_DATA(self, server, session, envelope):
            return "250 OK"

    controller = Controller(Sink(), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller.port
    finally:
        controller.stop()


def main() -> int:
    seconds = float(os.environ.get("LOAD_SECONDS", "180"))
    figures = {
        "therapists": THERAPISTS,
        "client_processes": CLIENTS,
        "normal": one_run(seconds, kill_halfway=False),
        "one_process_killed": one_run(seconds, kill_halfway=True),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "load.json").write_text(json.dumps(figures, indent=2))
    print(json.dumps(figures, indent=2))
    killed = figures["one_process_killed"]
    passed = figures["normal"]["integrity"]["passed"] and killed["integrity"]["passed"]
    # The kill really happened, the load tool noticed, and the survivor is still ready.
    passed = passed and killed["killed_process_at_seconds"] is not None
    passed = passed and killed["failovers"] > 0 and killed["survivor_ready_after"] == 200
    print("integrity checks:", "PASSED" if passed else "FAILED", file=sys.stderr)
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
