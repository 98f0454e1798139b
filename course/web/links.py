"""Absolute addresses for e-mails, calendar files, exports and QR codes."""

from __future__ import annotations

from flask import current_app


def site_path(endpoint: str, **values) -> str:
    """The path of ``endpoint`` on this site (no host), with or without a request."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def external_url(endpoint: str, **values) -> str:
    """The address of ``endpoint`` under COURSE_BASE_URL, with or without a request.

    Mail and exports are also made from the command line, and behind a proxy the request's
    own host may be an internal name; the configured base URL is the one people can open.
    """
    return current_app.config["BASE_URL"].rstrip("/") + site_path(endpoint, **values)
