"""Every route declares its roles, and the server answers each role as declared."""

from __future__ import annotations

import pytest
from werkzeug.routing import Rule

from course.web.access import PUBLIC

IDENTITIES = ["anonymous", "therapist", "trainer", "researcher", "admin"]
SAMPLE_ARGS = {"IntegerConverter": 1, "BoundedIntConverter": 1, "PathConverter": "sample/file"}


def _url(rule: Rule) -> str:
    values = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        if hasattr(converter, "items"):  # any(...): one of the values it accepts
            values[name] = sorted(converter.items)[0]
        else:
            values[name] = SAMPLE_ARGS.get(type(converter).__name__, "sample")
    return rule.build(values, append_unknown=False)[1]


def _routes(app) -> list[tuple[Rule, str]]:
    routes = []
    for rule in app.url_map.iter_rules():
        method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"OPTIONS", "HEAD"})[0]
        routes.append((rule, method))
    return routes


def test_every_route_declares_who_may_call_it(app):
    undeclared = [
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        and getattr(app.view_functions[rule.endpoint], "access", None) is None
    ]
    assert undeclared == [], f"routes without @roles/@public/@signed_in: {undeclared}"


@pytest.mark.parametrize("identity", IDENTITIES)
def test_each_identity_gets_the_declared_answer(app, make_user, login, csrf, identity):
    client = app.test_client()
    if identity != "anonymous":
        user = make_user(identity)
    problems = []
    for rule, method in _routes(app):
        if identity != "anonymous":
            login(user, on=client)  # again each time: a route may sign us out
        access = PUBLIC if rule.endpoint == "static" else app.view_functions[rule.endpoint].access
        url = _url(rule)
        data = {"csrf_token": csrf(client)} if method != "GET" else None
        status = client.open(url, method=method, data=data).status_code
        if access == PUBLIC:
            ok = status in (200, 302, 400, 401, 404, 405, 410, 429, 503)  # 401: token APIs
        elif identity == "anonymous":
            ok = status == 302
        elif identity in access:
            ok = status in (200, 302, 400, 404, 410)
        else:
            ok = status == 403
        if not ok:
            problems.append(f"{method} {url} as {identity}: {status} (declared {sorted(access)})")
    assert problems == []


def test_anonymous_is_sent_to_sign_in_with_next(client):
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")
