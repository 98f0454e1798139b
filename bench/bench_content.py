"""Course content: import time, and a module page's rate next to /healthz (one run).

The module page is measured as learners meet it on a second view: from the page cache
(course/learning/pages.py). Its rate with the cache off is reported beside it.
"""

from __future__ import annotations

import statistics
import time

from bench.harness import PASSWORD, ROOT, load, request, server, sign_in, site, visit

MODULE = "/learning/modules/foundations"
ROUNDS = 8


def run() -> dict:
    """Import the shipped course, then load /healthz and a module page side by side."""
    figures: dict = {}
    with site("sqlite") as s:
        started = time.perf_counter()
        s.flask("content", "import", str(ROOT))
        figures["import_seconds_cli"] = round(time.perf_counter() - started, 2)
        timing = s.python("""
import time
from course.authoring.services import import_bundle
from course.content import load_dir
from course import cli
started = time.perf_counter()
import_bundle(load_dir(cli.PROJECT_ROOT))
print(round(time.perf_counter() - started, 3))
""")
        figures["import_seconds_in_process_second_run"] = float(timing.strip())
        # A trial therapist who has consented and been allocated, as most learners are:
        # the page then also pays for the consent check every request makes.
        s.python(f"""
from course.auth.services import create_user
from course.extensions import db
from course.research.consent import seed_participant
user = create_user("bench@example.org", role="therapist", arm="self_paced",
                   password={PASSWORD!r})
seed_participant(user)
db.session.commit()
""")
        with server(s) as port:
            cookie = visit(port, MODULE, sign_in(port, "bench@example.org")[0])
            auth = {"Cookie": cookie}
            status, headers, body = request(port, "GET", MODULE, headers=auth)
            assert status == 200 and b"<h1" in body, f"the module page answered {status}"
            assert "Set-Cookie" not in headers, "the session still changes on every request"
            load(port, "/healthz", seconds=2)  # warm up both workers
            # Alternating short windows: this machine's speed drifts by 2x from one
            # window to the next, and alternation spreads that drift over both routes.
            rounds = [
                (load(port, "/healthz", seconds=3), load(port, MODULE, headers=auth, seconds=3))
                for _ in range(ROUNDS)
            ]
        # For the record: the same page drawn on every request (no page cache), as a
        # learner sees it right after their progress moved.
        s.env["COURSE_PAGE_CACHE_MB"] = "0"
        with server(s) as port:
            cookie = visit(port, MODULE, sign_in(port, "bench@example.org")[0])
            uncached = load(port, MODULE, headers={"Cookie": cookie}, seconds=8)
    health = round(sum(h["rps"] for h, _ in rounds) / ROUNDS, 1)
    module = round(sum(m["rps"] for _, m in rounds) / ROUNDS, 1)
    figures.update(
        {
            "rounds_rps_healthz_then_module": [(h["rps"], m["rps"]) for h, m in rounds],
            "errors": sum(h["errors"] + m["errors"] for h, m in rounds),
            "healthz_rps": health,
            "module_page_rps": module,
            "module_page_p99_ms": max(m["p99_ms"] for _, m in rounds),
            "module_page_uncached": uncached,
            "module_to_health_ratio": round(module / health, 2),
            "median_round_ratio": round(
                statistics.median(m["rps"] / h["rps"] for h, m in rounds), 2
            ),
            "target": "module page rate >= 0.5 x /healthz; import < 5 s",
        }
    )
    return figures
