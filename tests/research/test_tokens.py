"""API tokens: shown once, stored as a hash, revocable, and good for research endpoints only."""

from __future__ import annotations

import hashlib
import re

import pytest

from course.extensions import db
from course.research.models import ApiToken

EXPORT = "/api/v1/research/export.zip"


def _create(client, csrf, name="Nightly pull"):
    page = client.post("/research/tokens", data={"csrf_token": csrf(client), "name": name})
    match = re.search(
        r'id="new-token" type="text" readonly value="(atp_[^"]+)"', page.get_data(as_text=True)
    )
    return page, (match.group(1) if match else None)


def test_a_token_is_shown_once_and_only_its_hash_is_stored(app, client, login, csrf, researcher):
    login(researcher)
    page, secret = _create(client, csrf)
    assert secret and "not shown again" in page.get_data(as_text=True)
    with app.app_context():
        token = db.session.scalar(db.select(ApiToken))
        assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
        assert token.name == "Nightly pull" and token.created_by_id == researcher.id
    listing = client.get("/research/tokens").get_data(as_text=True)
    assert secret not in listing and "Nightly pull" in listing and researcher.study_id in listing


def test_the_token_downloads_the_export_and_records_its_use(
    app, client, login, csrf, researcher, course
):
    login(researcher)
    _, secret = _create(client, csrf)
    api = app.test_client()  # no session cookie: the token alone
    response = api.get(EXPORT, headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Cache-Control"] == "no-store"
    with app.app_context():
        assert db.session.scalar(db.select(ApiToken.last_used_at)) is not None


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer",
        "Bearer atp_unknown-token",
        "Basic dXNlcjpwYXNz",
        "atp_x",
        "Bearer " + "a" * 300,
    ],
)
def test_missing_or_unknown_tokens_get_401_json(app, header):
    headers = {"Authorization": header} if header else {}
    response = app.test_client().get(EXPORT, headers=headers)
    assert response.status_code == 401
    assert response.is_json and "token" in response.get_json()["message"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_gets_401(app, client, login, csrf, researcher, course):
    login(researcher)
    _, secret = _create(client, csrf)
    with app.app_context():
        token_id = db.session.scalar(db.select(ApiToken.id))
    revoke = client.post(f"/research/tokens/{token_id}/revoke", data={"csrf_token": csrf(client)})
    assert revoke.status_code == 302
    assert "revoked" in client.get("/research/tokens").get_data(as_text=True)
    response = app.test_client().get(EXPORT, headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 401
    again = client.post(
        f"/research/tokens/{token_id}/revoke",
        data={"csrf_token": csrf(client)},
        follow_redirects=True,
    )
    assert "already revoked" in again.get_data(as_text=True)


def test_a_token_stops_working_when_its_owner_is_no_longer_a_researcher(
    app, client, login, csrf, researcher, course
):
    from course.auth.models import User

    login(researcher)
    _, secret = _create(client, csrf)
    with app.app_context():
        db.session.get(User, researcher.id).active = False
        db.session.commit()
    assert (
        app.test_client().get(EXPORT, headers={"Authorization": f"Bearer {secret}"}).status_code
        == 401
    )


@pytest.mark.parametrize(
    "path", ["/admin/users", "/learning/", "/research/", "/research/exports", "/research/tokens"]
)
def test_a_token_opens_nothing_but_the_research_api(app, client, login, csrf, researcher, path):
    login(researcher)
    _, secret = _create(client, csrf)
    response = app.test_client().get(path, headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_a_session_cookie_does_not_open_the_api(client, login, researcher):
    login(researcher)
    assert client.get(EXPORT).status_code == 401


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?arm=treatment", "arm: choose one of"),
        ("?from=2026-13-01", "YYYY-MM-DD"),
        ("?from=2026-03-02&to=2026-03-01", "after the 'to' date"),
        ("?since=yesterday", "since: write a UTC time"),
        ("?since=2999-01-01T00:00:00Z", "in the future"),
        ("?colour=blue", "Unknown parameter"),
    ],
)
def test_bad_filters_get_400_with_a_message_and_log_nothing(
    app, client, login, csrf, researcher, query, message
):
    from course.audit.models import AuditEntry

    login(researcher)
    _, secret = _create(client, csrf)
    response = app.test_client().get(EXPORT + query, headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 400 and message in response.get_json()["message"]
    with app.app_context():
        assert (
            db.session.scalar(
                db.select(AuditEntry.id).where(AuditEntry.action == "research.exported")
            )
            is None
        )


def test_token_names_are_checked(client, login, csrf, researcher):
    login(researcher)
    page, secret = _create(client, csrf, name="x")
    assert secret is None and "between 3 and 80" in page.get_data(as_text=True)
    _create(client, csrf, name="Twin")
    page, secret = _create(client, csrf, name="Twin")
    assert secret is None and "already have an active token named" in page.get_data(as_text=True)


@pytest.mark.parametrize("role", ["therapist", "trainer"])
def test_only_researchers_and_admins_see_tokens(client, make_user, login, role):
    login(make_user(role))
    assert client.get("/research/tokens").status_code == 403


def test_a_researcher_sees_and_revokes_only_their_own_tokens(
    app, client, login, csrf, researcher, make_user
):
    other = make_user("researcher")
    other_client = app.test_client()
    login(other, on=other_client)
    _create(other_client, csrf, name="Their pull")
    login(researcher)
    _create(client, csrf, name="My pull")
    listing = client.get("/research/tokens").get_data(as_text=True)
    assert "My pull" in listing and "Their pull" not in listing and other.study_id not in listing
    with app.app_context():
        theirs = db.session.scalar(db.select(ApiToken.id).where(ApiToken.name == "Their pull"))
    refused = client.post(f"/research/tokens/{theirs}/revoke", data={"csrf_token": csrf(client)})
    assert refused.status_code == 404
    with app.app_context():
        assert db.session.get(ApiToken, theirs).revoked_at is None


def test_an_admin_sees_and_revokes_every_token_but_creates_none(
    app, client, login, csrf, researcher, make_user
):
    researcher_client = app.test_client()
    login(researcher, on=researcher_client)
    _create(researcher_client, csrf, name="Nightly pull")
    login(make_user("admin"))
    listing = client.get("/research/tokens").get_data(as_text=True)
    assert "Nightly pull" in listing and "Create a token" not in listing
    assert (
        client.post(
            "/research/tokens", data={"csrf_token": csrf(client), "name": "Mine"}
        ).status_code
        == 403
    )
    with app.app_context():
        token_id = db.session.scalar(db.select(ApiToken.id))
    revoked = client.post(f"/research/tokens/{token_id}/revoke", data={"csrf_token": csrf(client)})
    assert revoked.status_code == 302
    with app.app_context():
        assert db.session.get(ApiToken, token_id).revoked_at is not None
