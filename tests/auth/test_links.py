"""Invitations and password resets: expiry, single use, clear messages."""

from __future__ import annotations

import re
from datetime import timedelta

from course import clock
from course.auth.models import Invitation, User
from course.extensions import db

LINK = re.compile(r"http://localhost(/auth/(?:register|reset)/[\w-]+)")


def _link(message) -> str:
    body = message.get_body(("plain",)).get_content()
    match = LINK.search(body)
    assert match, body
    return match.group(1)


def _invite(client, login, make_user, csrf, outbox, email="new.person@example.org", arm="workshop"):
    login(make_user("admin"))
    response = client.post(
        "/admin/invitations",
        data={"email": email, "role": "therapist", "arm": arm, "csrf_token": csrf(client)},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    client.post("/auth/logout", data={"csrf_token": csrf(client)})
    assert len(outbox) == 1 and outbox[0]["To"] == email
    return _link(outbox[0])


def _register(client, csrf, path, name="New Person"):
    return client.post(
        path,
        data={
            "name": name,
            "password": "a long enough password",
            "confirm": "a long enough password",
            "timezone": "America/Vancouver",
            "profession": "psychologist",
            "region": "BC",
            "csrf_token": csrf(client),
        },
    )


def test_invited_therapist_registers_with_the_invited_arm(
    app, client, login, make_user, csrf, outbox
):
    path = _invite(client, login, make_user, csrf, outbox)
    assert "Create your account" in client.get(path).get_data(as_text=True)
    response = _register(client, csrf, path)
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == "new.person@example.org"))
        assert (user.role, user.arm, user.timezone, user.region) == (
            "therapist",
            "workshop",
            "America/Vancouver",
            "BC",
        )
        assert user.study_id.startswith("P-") and "new" not in user.study_id.lower()


def test_invitation_works_only_once(client, login, make_user, csrf, outbox):
    path = _invite(client, login, make_user, csrf, outbox)
    assert _register(client, csrf, path).status_code == 302
    client.post("/auth/logout", data={"csrf_token": csrf(client)})
    again = client.get(path)
    assert again.status_code == 410
    assert "already used" in again.get_data(as_text=True)
    assert _register(client, csrf, path, name="Intruder").status_code == 410


def test_expired_invitation_is_refused_and_creates_nothing(
    app, client, login, make_user, csrf, outbox
):
    path = _invite(client, login, make_user, csrf, outbox)
    with clock.frozen(clock.now_utc() + timedelta(days=15)):
        response = _register(client, csrf, path)
    assert response.status_code == 410
    assert "expired" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(User.id))) == 1  # only the admin


def test_revoked_invitation_is_refused(app, client, login, make_user, csrf, outbox):
    path = _invite(client, login, make_user, csrf, outbox)
    login(make_user("admin", email="other.admin@example.org"))
    with app.app_context():
        invitation_id = db.session.scalar(db.select(Invitation.id))
    client.post(f"/admin/invitations/{invitation_id}/revoke", data={"csrf_token": csrf(client)})
    assert "withdrawn" in client.get(path).get_data(as_text=True)


def test_unknown_invitation_token_is_explained(client):
    response = client.get("/auth/register/not-a-real-token")
    assert response.status_code == 410
    assert "not valid" in response.get_data(as_text=True)


def _ask_reset(client, csrf, email):
    return client.post("/auth/forgot", data={"email": email, "csrf_token": csrf(client)})


def test_password_reset_link_changes_the_password_once(client, make_user, csrf, outbox, login):
    user = make_user("trainer")
    assert _ask_reset(client, csrf, user.email).status_code == 302
    path = _link(outbox[0])
    data = {"password": "brand new password!", "confirm": "brand new password!"}
    assert client.post(path, data={**data, "csrf_token": csrf(client)}).status_code == 302
    assert login(user, password="brand new password!").status_code == 302
    client.post("/auth/logout", data={"csrf_token": csrf(client)})
    reused = client.post(path, data={**data, "csrf_token": csrf(client)})
    assert reused.status_code == 410 and "already used" in reused.get_data(as_text=True)


def test_password_reset_link_expires(client, make_user, csrf, outbox, login):
    user = make_user("trainer")
    _ask_reset(client, csrf, user.email)
    path = _link(outbox[0])
    with clock.frozen(clock.now_utc() + timedelta(minutes=61)):
        response = client.post(
            path,
            data={
                "password": "brand new password!",
                "confirm": "brand new password!",
                "csrf_token": csrf(client),
            },
        )
    assert response.status_code == 410 and "expired" in response.get_data(as_text=True)
    assert login(user).status_code == 302  # old password still works


def test_reset_for_unknown_address_reveals_nothing(client, csrf, outbox):
    response = _ask_reset(client, csrf, "nobody@example.org")
    assert response.status_code == 302
    assert outbox == []


def test_short_password_is_refused_with_a_message(client, make_user, csrf, outbox):
    user = make_user("trainer")
    _ask_reset(client, csrf, user.email)
    path = _link(outbox[0])
    response = client.post(
        path, data={"password": "short", "confirm": "short", "csrf_token": csrf(client)}
    )
    assert response.status_code == 200
    assert "at least 12 characters" in response.get_data(as_text=True)


def test_an_accented_local_part_is_refused_with_a_message(app, client, login, make_user, csrf):
    from course.auth.models import Invitation

    login(make_user("admin"))
    response = client.post(
        "/admin/invitations",
        data={
            "email": "josé@example.org",
            "role": "therapist",
            "arm": "open",
            "csrf_token": csrf(client),
        },
    )
    assert response.status_code in (200, 400)
    assert "outside plain ASCII before the @" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Invitation)) == 0


def test_an_internationalized_domain_is_invited_in_its_ascii_form(
    client, login, make_user, csrf, outbox
):
    path = _invite(client, login, make_user, csrf, outbox, email="ana@xn--exempl-gva.ca")
    assert path.startswith("/auth/register/")
    outbox.clear()
    login(make_user("admin", email="second.admin@example.org"))
    client.post(
        "/admin/invitations",
        data={
            "email": "bo@exemplé.ca",
            "role": "therapist",
            "arm": "open",
            "csrf_token": csrf(client),
        },
    )
    assert outbox[-1]["To"] == "bo@xn--exempl-gva.ca"


def test_forgot_and_sign_in_with_an_accented_address_answer_plainly(client, csrf):
    forgot = client.post(
        "/auth/forgot", data={"email": "josé@example.org", "csrf_token": csrf(client)}
    )
    assert forgot.status_code in (200, 302)
    login = client.post(
        "/auth/login",
        data={"email": "josé@exemplé.ca", "password": "whatever it is", "csrf_token": csrf(client)},
    )
    assert login.status_code == 200 and "not right" in login.get_data(as_text=True)
