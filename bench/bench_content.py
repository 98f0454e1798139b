"""Course content: import time, and a module page's rate next to /healthz (one run)."""

from __future__ import annotations

import time

from bench.harness import PASSWORD, ROOT, load, request, server, sign_in, site

MODULE = "/learning/modules/foundations"


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
            cookie, _ = sign_in(port, "bench@example.org")
            auth = {"Cookie": cookie}
            status, _, body = request(port, "GET", MODULE, headers=auth)
            assert status == 200 and b"<h1" in body, f"the module page answered {status}"
            load(port, "/healthz", seconds=2)  # warm up both workers
            health = load(port, "/healthz", seconds=8)
            module = load(port, MODULE, headers=auth, seconds=8)
            health_again = load(port, "/healthz", seconds=8)
    baseline = (health["rps"] + health_again["rps"]) / 2
    figures.update(
        {
            "healthz": health,
            "module_page": module,
            "healthz_again": health_again,
            "module_to_health_ratio": round(module["rps"] / baseline, 2),
            "target": "module page rate >= 0.5 x /healthz; import < 5 s",
        }
    )
    return figures
