"""Sign-in throttling across app processes: shared through Redis, per process without it.

Each "process" here is a real separate Python interpreter, because
the limiter's memory storage lives in the process: two apps in one process would share it
and prove nothing.
"""

from __future__ import annotations

import json
import logging
import secrets
import subprocess
import sys

import pytest

from course import create_app

REDIS_URL = "redis://127.0.0.1:6379/14"
PASSWORD = "correct horse battery staple"


def _redis_or_skip(skip_or_fail) -> None:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as exc:  # any failure means no Redis here
        skip_or_fail(f"Redis at {REDIS_URL} does not answer ({type(exc).__name__})")


#: Run in a fresh interpreter: the wrong password ``failures`` times, then the right one.
CHILD = """
import json, re, sys
from course import create_app
job = json.load(sys.stdin)
client = create_app(job["settings"]).test_client()
statuses = []
for password in ["wrong password"] * job["failures"] + [job["password"]]:
    page = client.get("/auth/forgot").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    data = {"email": job["email"], "password": password, "csrf_token": token}
    statuses.append(client.post("/auth/login", data=data).status_code)
print(json.dumps(statuses))
"""


def _in_another_process(settings: dict, email: str, failures: int) -> list[int]:
    job = {"settings": settings, "email": email, "failures": failures, "password": PASSWORD}
    done = subprocess.run(
        [sys.executable, "-c", CHILD],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("shared", [True, False], ids=["redis", "memory"])
def test_failures_in_two_processes_add_up_only_through_redis(
    settings, make_user, skip_or_fail, shared
):
    if shared:
        _redis_or_skip(skip_or_fail)
        # A prefix of its own, so parallel runs and earlier tests never share counters.
        settings.update(REDIS_URL=REDIS_URL, RATELIMIT_KEY_PREFIX=secrets.token_hex(8))
    else:
        settings["REDIS_URL"] = None  # even when COURSE_REDIS_URL is set around the suite
    user = make_user("therapist")
    first = _in_another_process(settings, user.email, 3)  # 3 failures, then signs in
    second = _in_another_process(settings, user.email, 2)  # 2 more failures, then tries
    assert first == [200, 200, 200, 302]
    # Five failures within 15 minutes in all: through Redis the second process knows.
    assert second == ([200, 200, 429] if shared else [200, 200, 302])


def test_start_up_log_names_the_limit_storage(settings, caplog):
    caplog.set_level(logging.INFO, logger="course")
    create_app({**settings, "LOG_JSON": False, "REDIS_URL": "redis://:secret@cache:6379/2"})
    assert "rate limits shared through Redis at cache/2" in caplog.messages
    assert not any("secret" in message for message in caplog.messages)
