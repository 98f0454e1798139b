"""Signing in and out, throttling, redirects, deactivated accounts."""

from __future__ import annotations

import pytest

from course.audit.models import AuditEntry
from course.extensions import db


@pytest.mark.parametrize("role", ["therapist", "trainer", "researcher", "admin"])
def test_each_role_signs_in_through_the_form(client, make_user, login, role):
    user = make_user(role)
    response = login(user)
    assert response.status_code == 302
    home = client.get("/", follow_redirects=True)
    assert home.status_code == 200
    assert user.name in home.get_data(as_text=True)
    with client.application.app_context():
        assert db.session.get(type(user), user.id).last_login_at is not None


def test_email_is_case_insensitive(client, make_user, csrf):
    user = make_user("trainer", email="Mixed.Case@Example.org")
    assert user.email == "mixed.case@example.org"
    response = client.post(
        "/auth/login",
        data={
            "email": "MIXED.case@example.ORG",
            "password": "correct horse battery staple",
            "csrf_token": csrf(client),
        },
    )
    assert response.status_code == 302


def test_wrong_password_is_refused_and_audited(client, make_user, login):
    user = make_user("admin")
    response = login(user, password="wrong password here")
    assert response.status_code == 200
    assert "The e-mail or password is not right." in response.get_data(as_text=True)
    with client.application.app_context():
        actions = db.session.scalars(db.select(AuditEntry.action)).all()
    assert "auth.login_failed" in actions and "auth.login" not in actions


def test_login_without_csrf_token_is_rejected(client, make_user):
    user = make_user("admin")
    response = client.post(
        "/auth/login", data={"email": user.email, "password": "correct horse battery staple"}
    )
    assert response.status_code == 400
    assert "form expired" in response.get_data(as_text=True)
    assert client.get("/admin/users").status_code == 302  # still signed out


def test_sixth_failure_in_fifteen_minutes_is_throttled(client, make_user, login):
    user = make_user("therapist")
    for _ in range(5):
        assert login(user, password="not the password").status_code == 200
    blocked = login(user)  # even the right password now waits
    assert blocked.status_code == 429
    assert "try again in about" in blocked.get_data(as_text=True)
    assert int(blocked.headers["Retry-After"]) > 0


def test_throttle_counts_failures_per_account(client, make_user, login):
    victim, other = make_user("therapist"), make_user("therapist")
    for _ in range(5):
        login(victim, password="not the password")
    assert login(other).status_code == 302


def test_successful_logins_do_not_count_towards_the_limit(app, make_user, login):
    user = make_user("therapist")
    for _ in range(7):
        fresh = app.test_client()
        assert login(user, on=fresh).status_code == 302


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "http:/x",
        "javascript:alert(1)",
        "\t//evil.example",
    ],
)
def test_next_never_leaves_the_site(client, make_user, csrf, target):
    user = make_user("admin")
    response = client.post(
        "/auth/login?next=" + target,
        data={
            "email": user.email,
            "password": "correct horse battery staple",
            "csrf_token": csrf(client),
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_next_on_this_site_is_followed(client, make_user, csrf):
    user = make_user("admin")
    response = client.post(
        "/auth/login?next=/admin/audit",
        data={
            "email": user.email,
            "password": "correct horse battery staple",
            "csrf_token": csrf(client),
        },
    )
    assert response.headers["Location"] == "/admin/audit"


def test_deactivated_account_cannot_sign_in(client, make_user, login):
    user = make_user("trainer", active=False)
    response = login(user)
    assert response.status_code == 200
    assert client.get("/admin/users").status_code == 302


def test_deactivation_ends_an_open_session(client, make_user, login):
    admin = make_user("admin")
    login(admin)
    assert client.get("/admin/users").status_code == 200
    with client.application.app_context():
        db.session.get(type(admin), admin.id).active = False
        db.session.commit()
    assert client.get("/admin/users").status_code == 302


def test_logout_needs_post_and_signs_out(client, make_user, login, csrf):
    login(make_user("admin"))
    assert client.get("/auth/logout").status_code == 405
    assert client.post("/auth/logout", data={"csrf_token": csrf(client)}).status_code == 302
    assert client.get("/admin/users").status_code == 302


def test_a_refused_sign_in_says_so_once_for_the_whole_form(client, make_user, login):
    response = login(make_user("admin"), password="wrong password here")
    page = response.get_data(as_text=True)
    assert page.count("The e-mail or password is not right.") == 1
    alert = page.split('role="alert" id="sign-in-refused">')[1].split("</div>")[0]
    assert "The e-mail or password is not right." in alert  # announced when the page loads
    assert '<form method="post" novalidate aria-describedby="sign-in-refused">' in page
    assert 'aria-invalid="true"' not in page  # neither field alone is known to be wrong
