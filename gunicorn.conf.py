"""gunicorn settings for `make serve`: the server's own config, so it reads the environment.

The application's settings stay in course/config.py (COURSE_*); this file only sizes and
binds the server. See docs/deploy.md.
"""

import os
from pathlib import Path

from course.config import environment, json_logs

# COURSE_BIND wins (e.g. "unix:/run/course/gunicorn.sock"); else PORT on loopback, since
# nginx in front is the only thing that should reach the app.
bind = os.environ.get("COURSE_BIND") or f"127.0.0.1:{os.environ.get('PORT') or 8000}"

# 2 x CPU + 1 is gunicorn's rule for I/O-bound apps; the cap keeps a large host from
# opening more database connections than PostgreSQL allows (each worker has its own pool).
workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * (os.cpu_count() or 1) + 1, 8))
# Two threads per worker: a slow PDF or export does not block that worker's other request.
worker_class = "gthread"
threads = 2

timeout = 30  # a request still running after this is stuck; the worker is restarted
graceful_timeout = 30  # on SIGHUP/SIGTERM, in-flight requests get this long to finish
keepalive = 5  # seconds an idle connection from nginx stays open

# Each worker builds its own app and database pool after the fork: no connection is shared
# between processes, and a SIGHUP reload picks up new code.
preload_app = False
# Recycle workers now and then so a slow leak cannot grow forever; jitter keeps them from
# restarting all at once.
max_requests = 2000
max_requests_jitter = 200

# Workers touch a heartbeat file constantly; on tmpfs that never waits on a disk. This is
# gunicorn's own advice, and the file is private to gunicorn, hence the noqa.
if os.path.isdir("/dev/shm"):  # noqa: S108
    worker_tmp_dir = "/dev/shm"  # noqa: S108

# The app writes one JSON line per request (course.requests) when COURSE_LOG_JSON is on, as
# it is by default in production. gunicorn's access log would then say the same thing
# twice, and worse: it records client addresses and raw paths, where invitation and reset
# tokens sit. So it stays off then; with JSON logs off, it is the only request log and
# goes to stdout without the client address.
accesslog = None if json_logs(environment(Path(__file__).parent / "instance")) else "-"
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
proc_name = "alliance-course"
