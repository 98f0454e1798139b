"""Progress events: batches from many simulated learners, events per second per backend.

The server runs with the production settings (gunicorn.conf.py: its workers and
threads). Every learner signs in first, untimed (a sign-in is a password hash, not
ingestion); then client processes post batches of 20 events for their share of the
learners in turn, so every learner's batches are spread over the whole run, and the
clock runs only over the posting. Afterwards the database must hold exactly the events
acknowledged. BENCH_LEARNERS (default 500) and BENCH_BATCHES (batches per learner,
default 6) size the run. Target: >= 3,300 events/s on PostgreSQL.
"""

from __future__ import annotations

import http.client
import multiprocessing
import os
import statistics
import time
import uuid
from datetime import UTC, datetime

from bench.harness import (
    PASSWORD,
    ROOT,
    cpu_seconds,
    dumps,
    postgres_available,
    request,
    server,
    server_processes,
    sign_in,
    site,
)

LEARNERS = int(os.environ.get("BENCH_LEARNERS", "500"))
BATCHES = int(os.environ.get("BENCH_BATCHES", "6"))
PER_BATCH = 20
CLIENTS = 10  # client processes, hence requests in flight at once
TARGET = 3300


def _signed_in(args) -> tuple[str, str]:
    port, email = args
    return sign_in(port, email)


def _batch(revision: int, video: str, number: int) -> bytes:
    now = datetime.now(UTC).isoformat()
    events = [
        {"id": uuid.uuid4().hex, "type": "active", "at": now, "seconds": 5}
        for _ in range(PER_BATCH - 1)
    ]
    start = (number % 50) * 10.0
    events.append(
        {
            "id": uuid.uuid4().hex,
            "type": "played",
            "at": now,
            "video": video,
            "from": start,
            "to": start + 5,
            "duration": 600,
        }
    )
    return dumps({"module": "foundations", "revision": revision, "events": events})


def _client(args) -> tuple[int, int, list[float]]:
    """Post every learner's batches of this client's share, learner after learner."""
    port, sessions, revision, video = args
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    stored = errors = 0
    latencies = []
    for number in range(BATCHES):
        for cookie, token in sessions:
            headers = {"Cookie": cookie, "X-CSRFToken": token, "Content-Type": "application/json"}
            body = _batch(revision, video, number)
            started = time.perf_counter()
            status, _, _ = request(port, "POST", "/learning/events", body, headers, conn=conn)
            latencies.append(time.perf_counter() - started)
            stored += PER_BATCH if status == 200 else 0
            errors += status != 200
    conn.close()
    return stored, errors, latencies


def _measure(backend: str) -> dict:
    with site(backend) as s:
        s.flask("content", "import", str(ROOT))
        # A cheap hash for the seeded accounts: signing 500 people in should not take
        # minutes of scrypt before the measurement starts.
        s.env["COURSE_PASSWORD_HASH"] = "pbkdf2:sha256:1000"  # noqa: S105 - a method
        info = s.python(f"""
from course.auth.services import create_user
from course.catalog.models import Module
from course.extensions import db
for n in range({LEARNERS}):
    create_user(f"learner{{n}}@example.org", role="therapist", arm="open",
                password={PASSWORD!r})
db.session.commit()
module = db.session.scalar(db.select(Module).where(Module.slug == "foundations"))
print(module.published.id, module.published.videos[0]["key"])
""")
        del s.env["COURSE_PASSWORD_HASH"]
        revision, video = info.split()
        master: dict = {}
        database = s.url.rsplit("/", 1)[1] if backend == "postgresql" else None
        with server(s, workers=None, threads=None, info=master) as port:
            started = time.perf_counter()
            with multiprocessing.get_context("fork").Pool(CLIENTS) as pool:
                sessions = pool.map(
                    _signed_in, [(port, f"learner{n}@example.org") for n in range(LEARNERS)]
                )
            sign_ins = time.perf_counter() - started
            shares = [sessions[k::CLIENTS] for k in range(CLIENTS)]
            jobs = [(port, share, int(revision), video) for share in shares]
            workers, backends = server_processes(master["pid"], database)
            app_cpu, db_cpu = cpu_seconds(workers), cpu_seconds(backends)
            started = time.perf_counter()
            with multiprocessing.get_context("fork").Pool(CLIENTS) as pool:
                results = pool.map(_client, jobs)
            wall = time.perf_counter() - started
            app_cpu, db_cpu = cpu_seconds(workers) - app_cpu, cpu_seconds(backends) - db_cpu
        kept = int(
            s.python(
                "from course.learning.models import ProgressEvent\n"
                "from course.extensions import db\n"
                "print(db.session.scalar(db.select(db.func.count(ProgressEvent.id))))"
            )
        )
    stored = sum(r[0] for r in results)
    cpu = app_cpu + db_cpu
    latencies = sorted(x for r in results for x in r[2])
    return {
        "learners": LEARNERS,
        "batches": len(latencies),
        "events": stored,
        "events_in_database": kept,
        "errors": sum(r[1] for r in results),
        "sign_in_seconds": round(sign_ins, 1),
        "seconds": round(wall, 1),
        "events_per_second": round(stored / wall, 1),
        "median_batch_ms": round(1000 * statistics.median(latencies), 1),
        "p95_batch_ms": round(1000 * latencies[int(0.95 * (len(latencies) - 1))], 1),
        # This machine's CPUs are shared, so the rate above moves with everything else
        # running. The server's own CPU per batch (workers, plus PostgreSQL's backends)
        # does not: it says what the rate would be with CPUs to itself.
        "server_cpu_ms_per_batch": round(1000 * cpu / len(latencies), 2),
        "app_cpu_ms_per_batch": round(1000 * app_cpu / len(latencies), 2),
        "database_cpu_ms_per_batch": round(1000 * db_cpu / len(latencies), 2),
        "events_per_server_cpu_second": round(stored / cpu, 1) if cpu else None,
    }


def run() -> dict:
    """SQLite, then PostgreSQL when the local server answers."""
    figures = {"sqlite": _measure("sqlite")}
    figures["postgresql"] = _measure("postgresql") if postgres_available() else "not available"
    pg = figures["postgresql"]
    if isinstance(pg, dict):
        figures["target_met"] = pg["events_per_second"] >= TARGET and not pg["errors"]
    figures["target"] = f"ingestion >= {TARGET:,} events/s on PostgreSQL, {LEARNERS} learners"
    return figures
