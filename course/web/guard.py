"""Bad input answered with a clear 400 or 404 before it reaches a view or the database.

- Integer URL parts are bounded to the database's integer range: ``/x/99999999999999999999``
  is a 404, not an overflow inside the database driver.
- JSON nested too deeply for the parser is a 400, like any other malformed JSON.
- A JSON body is read only where a view says so (``reads_json``); elsewhere it is a 415.
- Text holding a NUL character (which PostgreSQL cannot store) is a 400, whatever the
  form or JSON field; uploaded files are not text and are not checked.
- A signed-in person's HTML pages are never stored by the browser or a proxy.
"""

from __future__ import annotations

import json
from itertools import chain
from typing import Any

from flask import Flask, Response, abort, current_app, request, session
from flask.json.provider import DefaultJSONProvider
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.routing import IntegerConverter

#: The largest id a URL may carry: the upper bound of a 32-bit integer column.
MAX_ID = 2**31 - 1

NUL_MESSAGE = _l("Text may not contain a NUL character (\\0). Remove it and send again.")


class BoundedIntConverter(IntegerConverter):
    """``<int:...>`` that matches only numbers a database integer column can hold."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):
        super().__init__(map, fixed_digits, min, MAX_ID if max is None else max, signed)


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON, except that nesting too deep to parse is malformed JSON (a 400)."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            return json.loads(s, **kwargs)
        except RecursionError:
            raise ValueError("the JSON is nested too deeply") from None


_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def reads_json(view):
    """Mark a view that reads a JSON body. Every other view refuses one with a 415: a
    form class would otherwise take a JSON list or number for its fields."""
    view.reads_json = True
    return view


def _has_nul(values) -> bool:
    return any("\x00" in value for value in chain.from_iterable(values.listvalues()))


def refuse_nul() -> None:
    """before_request: a NUL character in any text field or query value is a 400; a JSON
    body sent where no JSON is read is a 415."""
    if _has_nul(request.args):
        abort(400, NUL_MESSAGE)
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if request.is_json:
        view = current_app.view_functions.get(request.endpoint or "")
        if view is not None and not getattr(view, "reads_json", False):
            abort(415, _("This address takes a form, not JSON."))
        body = request.get_data(cache=True)
        if b"\x00" in body or b"\\u0000" in body.lower():
            abort(400, NUL_MESSAGE)
    elif request.mimetype in _FORMS and _has_nul(request.form):
        abort(400, NUL_MESSAGE)


def no_store(response: Response) -> Response:
    """after_request: signed-in HTML is private and changes: never cached."""
    if response.mimetype == "text/html" and "_user_id" in session:
        response.headers["Cache-Control"] = "no-store"
    return response


def register(app: Flask) -> None:
    """Install the converter (before any route is added), the JSON parser and the hooks."""
    app.url_map.converters["int"] = BoundedIntConverter
    app.json = JSONProvider(app)
    app.before_request(refuse_nul)
    app.after_request(no_store)
