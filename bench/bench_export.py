"""Research export at trial scale: 1,000 therapists, 1,000,000 events, per backend.

Seeds in bulk, then runs ``flask research export`` in a subprocess under /usr/bin/time
(wall time and peak resident memory of the export alone), once as loose files and once
as the zip the web page and API serve, and times the researcher dashboard over HTTP.
BENCH_EXPORT_SCALE=10 runs the scale the targets are set for: 10,000 therapists and
10,000,000 events, exported in under 120 s and 300 MB, the zip within 1.3 times the
loose files' time, and the dashboard's median under 300 ms (0.05 is a quick smoke run).
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from bench.harness import BIN, ROOT, postgres_available, request, server, sign_in, site

#: The trial's scale; BENCH_EXPORT_SCALE=0.05 runs a quick smoke version.
SCALE = float(os.environ.get("BENCH_EXPORT_SCALE", "1"))
THERAPISTS, EVENTS = int(1000 * SCALE), int(1_000_000 * SCALE)


def _timed_export(s, outdir: Path, *extra: str) -> dict:
    command = [
        "/usr/bin/time",
        "-v",
        str(BIN / "flask"),
        "--app",
        "app",
        "research",
        "export",
        str(outdir),
        *extra,
    ]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=s.env, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - started
    peak_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr).group(1))
    size = sum(p.stat().st_size for p in outdir.iterdir())
    return {
        "seconds": round(wall, 1),
        "peak_mb": round(peak_kb / 1024, 1),
        "output_mb": round(size / 2**20, 1),
    }


def _dashboard(port: int) -> dict:
    cookie, _ = sign_in(port, "bench.researcher@example.org")
    timings = {}
    for label, path in (("all", "/research/"), ("workshop", "/research/?arm=workshop")):
        samples = []
        for _ in range(6):
            started = time.perf_counter()
            status, _, _ = request(port, "GET", path, headers={"Cookie": cookie})
            samples.append(time.perf_counter() - started)
            assert status == 200, f"dashboard answered {status}"
        timings[label] = {
            "median_ms": round(1000 * statistics.median(samples[1:]), 1),
            "max_ms": round(1000 * max(samples[1:]), 1),
        }
    return timings


def _measure(backend: str) -> dict:
    with site(backend) as s:
        # Tables of features without a migration yet are created from the models.
        s.python("from course.extensions import db\ndb.create_all()")
        s.flask("content", "import", str(ROOT))
        started = time.perf_counter()
        counts = s.python(
            f"from bench.seed_research import seed\nprint(seed({THERAPISTS}, {EVENTS}))"
        )
        seeded = round(time.perf_counter() - started, 1)
        with tempfile.TemporaryDirectory() as folder:
            files = _timed_export(s, Path(folder) / "files")
            zipped = _timed_export(s, Path(folder) / "zip", "--zip")
        with server(s) as port:
            dashboard = _dashboard(port)
    return {
        "seeded": counts.strip(),
        "seed_seconds": seeded,
        "export_files": files,
        "export_zip": zipped,
        "zip_to_files_time": round(zipped["seconds"] / files["seconds"], 2),
        "dashboard": dashboard,
    }


def run() -> dict:
    """SQLite, then PostgreSQL when the local server answers."""
    figures = {"sqlite": _measure("sqlite")}
    figures["postgresql"] = _measure("postgresql") if postgres_available() else "not available"
    figures["scale"] = (
        f"{THERAPISTS:,} therapists, {EVENTS:,} events (BENCH_EXPORT_SCALE={SCALE:g})"
    )
    figures["targets"] = (
        "at BENCH_EXPORT_SCALE=10: export < 120 s and < 300 MB peak, zip <= 1.3 x the "
        "files' time; dashboard median < 300 ms"
    )
    return figures
