"""Security headers and cookies."""

from __future__ import annotations

import pytest

from course import create_app
from course.config import ConfigError


def test_every_page_carries_a_strict_csp(client):
    response = client.get("/auth/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "frame-src https://www.youtube-nocookie.com https://player.vimeo.com" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_session_cookie_is_httponly_and_lax(client, make_user, login):
    response = login(make_user("admin"))
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_cookies_are_secure(settings):
    app = create_app({**settings, "ENV": "production"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    response = app.test_client().get("/auth/login")
    assert "Strict-Transport-Security" in response.headers


@pytest.mark.parametrize("secret", [None, "change-me", "short"])
def test_production_refuses_a_missing_or_weak_secret(settings, secret):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app({**settings, "ENV": "production", "SECRET_KEY": secret})


def test_bad_environment_value_is_explained(tmp_path):
    from course.config import load

    with pytest.raises(ConfigError, match="COURSE_MAIL_PORT"):
        load(tmp_path, environ={"COURSE_ENV": "development", "COURSE_MAIL_PORT": "abc"})


def test_healthz_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}


def test_unknown_page_is_friendly(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "There is no page at this address." in response.get_data(as_text=True)
