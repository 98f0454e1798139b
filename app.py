"""Entry point for ``flask --app app`` and WSGI servers."""

import sys

from course import create_app
from course.config import ConfigError

try:
    app = create_app()
except ConfigError as exc:
    # A setting to fix is not a crash: say which, in one line, and stop with status 1.
    print(f"Error: {exc}", file=sys.stderr)
    raise SystemExit(1) from None
