"""Course content: import time, and a module page's rate next to /healthz (one run)."""

from __future__ import annotations

import time

from bench.harness import PASSWORD, ROOT, load, server, sign_in, site


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
        s.flask(
            "users",
            "create",
            "bench@example.org",
            "--role",
            "therapist",
            "--arm",
            "self_paced",
            "--password-stdin",
            stdin=PASSWORD + "\n",
        )
        with server(s) as port:
            cookie, _ = sign_in(port, "bench@example.org")
            auth = {"Cookie": cookie}
            load(port, "/healthz", seconds=2)  # warm up both workers
            health = load(port, "/healthz", seconds=8)
            module = load(port, "/learning/modules/foundations", headers=auth, seconds=8)
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
