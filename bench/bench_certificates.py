"""Certificates: issuing (the one PDF render), first and repeated downloads, /verify rate.

The verification page is rate-limited per address (COURSE_VERIFY_LIMIT, 30 per minute by
default). A load test from one address would only measure the 429 page, so this run
raises the limit to 100000 per minute through the site's environment, for the benchmark
only.
"""

from __future__ import annotations

import re
import statistics
import time

from bench.harness import PASSWORD, ROOT, load, request, server, sign_in, site

BENCH_VERIFY_LIMIT = "100000 per minute"
EMAIL = "bench@example.org"

FINISH = f"""
from course import clock
from course.auth.models import User
from course.catalog.models import Module
from course.extensions import db
from course.learning.models import ModuleProgress
from course.surveys.models import SurveyResponse
db.create_all()  # tables without a migration yet (create_all adds only what is missing)
user = db.session.scalar(db.select(User).where(User.email == "{EMAIL}"))
now = clock.now_utc()
for module in db.session.scalars(db.select(Module)):
    db.session.add(ModuleProgress(user_id=user.id, module_id=module.id, started_at=now,
        last_activity_at=now, active_seconds=900.0, completed_at=now,
        completed_revision_id=module.published_revision_id))
db.session.add(SurveyResponse(user_id=user.id, survey="acceptability", trigger="after_course",
    status="submitted", started_at=now, updated_at=now, submitted_at=now))
db.session.commit()
"""


def _timed(port: int, path: str, cookie: str) -> tuple[float, int, bytes]:
    started = time.perf_counter()
    status, _, body = request(port, "GET", path, headers={"Cookie": cookie})
    return time.perf_counter() - started, status, body


def run() -> dict:
    """Issue one certificate, download it repeatedly, then load /verify next to /healthz."""
    figures: dict = {"verify_limit_override": f"COURSE_VERIFY_LIMIT={BENCH_VERIFY_LIMIT!r}"}
    with site("sqlite") as s:
        s.env["COURSE_VERIFY_LIMIT"] = BENCH_VERIFY_LIMIT
        s.flask("content", "import", str(ROOT))
        s.flask("users", "create", EMAIL, "--role", "therapist", "--arm", "open",
                "--name", "Bench Therapist", "--password-stdin", stdin=PASSWORD + "\n")  # fmt: skip
        s.python(FINISH)
        with server(s) as port:
            cookie, token = sign_in(port, EMAIL)
            form = f"csrf_token={token}&name=Bench+Therapist&confirm=y".encode()
            started = time.perf_counter()
            status, _, _ = request(port, "POST", "/certificates/", form, {
                "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
            issue = time.perf_counter() - started
            assert status == 302, f"issuing failed: {status}"
            _, _, page = request(port, "GET", "/certificates/", headers={"Cookie": cookie})
            code = re.search(rb"/certificates/([0-9A-Z-]{14})\.pdf", page).group(1).decode()
            path = f"/certificates/{code}.pdf"
            first, status, body = _timed(port, path, cookie)
            assert status == 200 and body.startswith(b"%PDF"), status
            repeats = [_timed(port, path, cookie) for _ in range(30)]
            assert all(r[1] == 200 and r[2] == body for r in repeats)
            load(port, "/healthz", seconds=2)  # warm up both workers
            health = load(port, "/healthz", seconds=8)
            verify = load(port, f"/verify/{code}", seconds=8)
            health_again = load(port, "/healthz", seconds=8)
    repeat_ms = [1000 * r[0] for r in repeats]
    baseline = (health["rps"] + health_again["rps"]) / 2
    figures.update({
        "pdf_bytes": len(body),
        "issue_with_render_ms": round(1000 * issue, 1),
        "first_download_ms": round(1000 * first, 1),
        "first_certificate_ms_issue_plus_download": round(1000 * (issue + first), 1),
        "repeat_download_median_ms": round(statistics.median(repeat_ms), 1),
        "repeat_download_max_ms": round(max(repeat_ms), 1),
        "healthz": health, "verify_page": verify, "healthz_again": health_again,
        "verify_to_health_ratio": round(verify["rps"] / baseline, 2),
        "note": "the PDF is rendered once, when the therapist confirms the name; every "
                "download, the first included, serves the stored file",
    })  # fmt: skip
    return figures
