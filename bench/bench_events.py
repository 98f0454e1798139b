"""Progress events: batches from many simulated learners, events per second per backend."""

from __future__ import annotations

import multiprocessing
import time
import uuid
from datetime import UTC, datetime

from bench.harness import (
    PASSWORD,
    ROOT,
    dumps,
    postgres_available,
    request,
    server,
    sign_in,
    site,
)

LEARNERS, BATCHES, PER_BATCH = 40, 15, 20


def _learner(args) -> tuple[int, int, float]:
    port, email, revision, video = args
    cookie, token = sign_in(port, email)
    headers = {"Cookie": cookie, "X-CSRFToken": token, "Content-Type": "application/json"}
    stored = errors = 0
    busy = 0.0
    for batch in range(BATCHES):
        now = datetime.now(UTC).isoformat()
        events = [
            {"id": uuid.uuid4().hex, "type": "active", "at": now, "seconds": 5}
            for _ in range(PER_BATCH - 1)
        ]
        start = batch * 10.0
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
        body = dumps({"module": "foundations", "revision": revision, "events": events})
        started = time.perf_counter()
        status, _, _ = request(port, "POST", "/learning/events", body, headers)
        busy += time.perf_counter() - started
        stored += PER_BATCH if status == 200 else 0
        errors += status != 200
    return stored, errors, busy


def _measure(backend: str) -> dict:
    with site(backend) as s:
        s.flask("content", "import", str(ROOT))
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
        revision, video = info.split()
        with server(s) as port:
            jobs = [
                (port, f"learner{n}@example.org", int(revision), video) for n in range(LEARNERS)
            ]
            started = time.perf_counter()
            with multiprocessing.get_context("fork").Pool(8) as pool:
                results = pool.map(_learner, jobs)
            wall = time.perf_counter() - started
    stored = sum(r[0] for r in results)
    return {
        "learners": LEARNERS,
        "batches": LEARNERS * BATCHES,
        "events": stored,
        "errors": sum(r[1] for r in results),
        "seconds": round(wall, 1),
        "events_per_second": round(stored / wall, 1),
        "mean_batch_ms": round(1000 * sum(r[2] for r in results) / (LEARNERS * BATCHES), 1),
    }


def run() -> dict:
    """SQLite, then PostgreSQL when the local server answers."""
    figures = {"sqlite": _measure("sqlite")}
    figures["postgresql"] = _measure("postgresql") if postgres_available() else "not available"
    return figures
