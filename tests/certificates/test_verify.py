"""The public verification page: facts and status, unknown codes, and its rate limit."""

from __future__ import annotations

import pytest

from course.certificates.models import Certificate
from course.extensions import db


@pytest.fixture
def issued(app, make_user, login, cert_course, finish, claim):
    """A certificate issued to Dana Smith; returns its code."""
    therapist = make_user("therapist")
    finish(therapist)
    holder = app.test_client()
    login(therapist, on=holder)
    assert claim(holder, "Dana Smith").status_code == 302
    with app.app_context():
        return db.session.scalar(db.select(Certificate.code))


def test_anyone_can_verify_a_valid_certificate_without_signing_in(app, issued):
    visitor = app.test_client()
    response = visitor.get(f"/verify/{issued}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Status: valid." in page and "Dana Smith" in page and "Test Course" in page
    assert "1.5 CE hours" in page and "Test Provider" in page and issued in page
    assert response.headers["X-Robots-Tag"] == "noindex"
    assert "Sign in" not in page.split("<main")[1]


@pytest.mark.parametrize("typed", ["lower", "spaced", "lookalike"])
def test_a_code_typed_loosely_goes_to_its_canonical_page(app, issued, typed):
    code = {
        "lower": issued.lower(),
        "spaced": issued.replace("-", " "),
        "lookalike": issued.replace("0", "O").replace("1", "l"),
    }[typed]
    if code == issued:
        code = issued.lower()  # a code without 0 or 1: still typed differently
    response = app.test_client().get(f"/verify/{code}")
    assert response.status_code == 301
    assert response.headers["Location"].endswith(f"/verify/{issued}")


def test_an_unknown_code_gets_a_page_that_says_so(app, issued):
    response = app.test_client().get("/verify/ZZZZ-ZZZZ-ZZZZ")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "No certificate has the code" in page and "ZZZZ-ZZZZ-ZZZZ" in page
    assert "Dana Smith" not in page
    garbage = app.test_client().get("/verify/<b>hello</b>")
    assert garbage.status_code == 404 and "<b>hello</b>" not in garbage.get_data(as_text=True)


def test_the_search_form_sends_a_typed_code_to_its_page(app, issued):
    visitor = app.test_client()
    assert "Verification code" in visitor.get("/verify/").get_data(as_text=True)
    found = visitor.get("/verify/", query_string={"code": f"  {issued.lower()} "})
    assert found.status_code == 302 and found.headers["Location"].endswith(f"/verify/{issued}")


def test_lookups_are_rate_limited_per_address(app, issued):
    app.config["VERIFY_LIMIT"] = "3 per minute"
    visitor = app.test_client()
    statuses = [visitor.get(f"/verify/AAAA-AAAA-AAA{n}").status_code for n in range(3)]
    assert statuses == [404, 404, 404]
    blocked = visitor.get(f"/verify/{issued}")
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.get_data(as_text=True)
    assert "Retry-After" in blocked.headers
