"""Course content: import time, and a module page's rate next to /healthz (one run).

Every module page draws the learner's checklist, locks and name fresh; only the
revision's article and contents are kept, rendered once per revision
(course/learning/pages.py). The page with that fragment cache off (a second server) is
measured in the same alternating rounds and reported beside it.
"""

from __future__ import annotations

import statistics
import time

from bench.harness import PASSWORD, ROOT, load, request, server, sign_in, site, visit

MODULE = "/learning/modules/foundations"
ROUNDS = 12


def _settled_session(port: int) -> dict[str, str]:
    """Sign in, open the module once as a browser would, and check the session settled."""
    cookie = visit(port, MODULE, sign_in(port, "bench@example.org")[0])
    status, headers, body = request(port, "GET", MODULE, headers={"Cookie": cookie})
    assert status == 200 and b"<h1" in body, f"the module page answered {status}"
    assert "Set-Cookie" not in headers, "the session still changes on every request"
    return {"Cookie": cookie}


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
            auth = _settled_session(port)
            # Beside it, the same app with the fragment cache off: the article is rendered
            # on every request too.
            s.env["COURSE_FRAGMENT_CACHE_MB"] = "0"
            with server(s) as bare_port:
                bare_auth = _settled_session(bare_port)
                load(port, "/healthz", seconds=2)  # warm up the workers
                load(bare_port, "/healthz", seconds=2)
                # Alternating short windows: this machine's speed drifts by 2x from one
                # window to the next, and alternation spreads that drift over every route.
                rounds = [
                    (
                        load(port, "/healthz", seconds=3),
                        load(port, MODULE, headers=auth, seconds=3),
                        load(bare_port, MODULE, headers=bare_auth, seconds=3),
                    )
                    for _ in range(ROUNDS)
                ]

    def mean(column: int) -> float:
        return round(sum(r[column]["rps"] for r in rounds) / ROUNDS, 1)

    health, module, uncached = mean(0), mean(1), mean(2)
    figures.update(
        {
            "rounds_rps_healthz_module_uncached": [tuple(x["rps"] for x in r) for r in rounds],
            "errors": sum(x["errors"] for r in rounds for x in r),
            "healthz_rps": health,
            "module_page_rps": module,
            "module_page_p99_ms": max(r[1]["p99_ms"] for r in rounds),
            "module_page_uncached_rps": uncached,
            "module_to_health_ratio": round(module / health, 2),
            "median_round_ratio": round(
                statistics.median(r[1]["rps"] / r[0]["rps"] for r in rounds), 2
            ),
            "uncached_to_health_ratio": round(uncached / health, 2),
            "median_round_ratio_uncached": round(
                statistics.median(r[2]["rps"] / r[0]["rps"] for r in rounds), 2
            ),
            "target": "module page rate >= 0.5 x /healthz, fragment cache off too; import < 5 s",
        }
    )
    return figures
