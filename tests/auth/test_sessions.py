"""Sessions that end: a copied cookie stops working after sign-out, a password reset or
change, and "sign out everywhere"; the remember cookie rotates and is locked down."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from course import clock
from course.audit.models import AuditEntry
from course.auth.models import UserSession
from course.auth.sessions import ROTATION_GRACE
from course.config import load
from course.extensions import db

PAGE = "/notices/"  # any page that needs a signed-in person
LINK = re.compile(r"(/auth/reset/[\w-]+)")


def _sign_in(client, user, csrf, *, remember=False, password="correct horse battery staple"):
    data = {"email": user.email, "password": password, "csrf_token": csrf(client)}
    if remember:
        data["remember"] = "y"
    response = client.post("/auth/login", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def _copy(app, source, *names):
    """A second browser holding copies of ``source``'s cookies (a stolen cookie)."""
    thief = app.test_client()
    for name in names:
        cookie = source.get_cookie(name)
        assert cookie is not None, name
        thief.set_cookie(name, cookie.value)
    return thief


def _signed_in(client) -> bool:
    return client.get(PAGE).status_code == 200


def test_a_copied_session_cookie_is_refused_after_sign_out(app, client, make_user, csrf):
    user = make_user("trainer")
    _sign_in(client, user, csrf)
    thief = _copy(app, client, "session")
    assert _signed_in(thief)
    client.post("/auth/logout", data={"csrf_token": csrf(client)})
    assert not _signed_in(client)
    assert not _signed_in(thief)


def test_a_copied_remember_cookie_is_refused_after_sign_out(app, client, make_user, csrf):
    user = make_user("trainer")
    _sign_in(client, user, csrf, remember=True)
    thief = _copy(app, client, "remember_token")
    client.post("/auth/logout", data={"csrf_token": csrf(client)})
    assert not _signed_in(thief)


def test_a_password_reset_ends_every_session_and_remember_cookie(
    app, client, make_user, csrf, outbox
):
    user = make_user("therapist")
    _sign_in(client, user, csrf, remember=True)
    other_device = app.test_client()
    _sign_in(other_device, user, csrf)
    stolen = _copy(app, client, "remember_token")
    copied_session = _copy(app, client, "session")
    assert _signed_in(copied_session) and _signed_in(other_device)

    anonymous = app.test_client()
    anonymous.post("/auth/forgot", data={"email": user.email, "csrf_token": csrf(anonymous)})
    path = LINK.search(outbox[-1].get_body(("plain",)).get_content()).group(1)
    new = "a brand new passphrase"
    reset = anonymous.post(
        path, data={"password": new, "confirm": new, "csrf_token": csrf(anonymous)}
    )
    assert reset.status_code == 302

    for browser in (client, other_device, stolen, copied_session):
        assert not _signed_in(browser)
    with app.app_context():
        live = db.session.scalars(
            db.select(UserSession).where(UserSession.user_id == user.id)
        ).all()
        assert live and {s.end_reason for s in live} == {"password_reset"}
    _sign_in(app.test_client(), user, csrf, password=new)


def test_the_remember_cookie_rotates_and_the_old_one_then_stops_working(
    app, client, make_user, csrf
):
    user = make_user("trainer")
    _sign_in(client, user, csrf, remember=True)
    first = client.get_cookie("remember_token").value
    browser = _copy(app, client, "remember_token")  # a new browser session: cookie only
    start = clock.now_utc()
    with clock.frozen(start):
        assert _signed_in(browser)
        rotated = browser.get_cookie("remember_token").value
        assert rotated != first
        late_tab = _copy(app, client, "remember_token")
        assert _signed_in(late_tab)  # a request racing the rotation is let in
    with clock.frozen(start + ROTATION_GRACE + timedelta(seconds=1)):
        assert not _signed_in(_copy(app, client, "remember_token"))  # the old one is dead
        fresh = app.test_client()
        fresh.set_cookie("remember_token", rotated)
        assert _signed_in(fresh)  # the rotated one works (and rotates again)


def test_the_remember_cookie_is_httponly_samesite_and_lasts_thirty_days(
    app, client, make_user, csrf
):
    user = make_user("trainer")
    response = _sign_in(client, user, csrf, remember=True)
    header = next(h for h in response.headers.getlist("Set-Cookie") if "remember_token" in h)
    assert "HttpOnly" in header and "SameSite=Lax" in header
    expires = datetime.strptime(
        re.search(r"Expires=([^;]+)", header).group(1), "%a, %d %b %Y %H:%M:%S GMT"
    ).replace(tzinfo=UTC)
    assert abs(expires - (datetime.now(UTC) + timedelta(days=30))) < timedelta(minutes=5)


def test_remember_lifetime_is_configurable_and_secure_in_production(tmp_path):
    settings = {"COURSE_REMEMBER_DAYS": "7", "COURSE_SECRET_KEY": "s" * 40}
    production = load(tmp_path, {**settings, "COURSE_ENV": "production"})
    assert production["REMEMBER_COOKIE_DURATION"] == timedelta(days=7)
    assert production["REMEMBER_COOKIE_SECURE"] and production["SESSION_COOKIE_SECURE"]
    development = load(tmp_path, {**settings, "COURSE_ENV": "development"})
    assert not development["REMEMBER_COOKIE_SECURE"]


def test_sign_out_everywhere_ends_every_device(app, client, make_user, csrf):
    user = make_user("researcher")
    _sign_in(client, user, csrf)
    laptop = app.test_client()
    _sign_in(laptop, user, csrf, remember=True)
    page = client.get("/auth/account").get_data(as_text=True)
    assert page.count("<tr>") == 3 and "(this device)" in page  # header row and two sessions
    response = client.post("/auth/logout-everywhere", data={"csrf_token": csrf(client)})
    assert response.status_code == 302
    assert not _signed_in(client) and not _signed_in(laptop)
    with app.app_context():
        entry = db.session.scalar(
            db.select(AuditEntry).where(AuditEntry.action == "auth.signed_out_everywhere")
        )
        assert entry.details["sessions"] == 2


def test_changing_the_password_keeps_this_device_and_ends_the_others(app, client, make_user, csrf):
    user = make_user("therapist")
    _sign_in(client, user, csrf)
    phone = app.test_client()
    _sign_in(phone, user, csrf, remember=True)
    new = "another long passphrase"
    wrong = client.post(
        "/auth/account",
        data={"current": "not it", "password": new, "confirm": new, "csrf_token": csrf(client)},
    )
    assert wrong.status_code == 400 and "current password is not right" in wrong.get_data(
        as_text=True
    )
    assert _signed_in(phone)
    changed = client.post(
        "/auth/account",
        data={
            "current": "correct horse battery staple",
            "password": new,
            "confirm": new,
            "csrf_token": csrf(client),
        },
    )
    assert changed.status_code == 302
    assert _signed_in(client) and not _signed_in(phone)
    _sign_in(app.test_client(), user, csrf, password=new)


@pytest.mark.parametrize(
    "value",
    ["1", "1:", "1:short", "x:" + "a" * 43, "99999999999999999999:" + "a" * 43, ":" * 30],
)
def test_a_forged_session_id_is_refused_quietly(app, client, make_user, value):
    from course.auth.sessions import load

    make_user("trainer")
    with app.test_request_context():
        assert load(value) is None


def test_pruning_deletes_only_sessions_long_ended_or_expired(app, runner, make_user):
    user = make_user("therapist")
    now = clock.now_utc()
    day = timedelta(days=1)

    def row(token, *, created, expires, ended=None):
        return UserSession(
            user_id=user.id,
            token_hash=token * 64,
            remember=False,
            signed_in_at=created,
            created_at=created,
            expires_at=expires,
            ended_at=ended,
            end_reason="signed_out" if ended else None,
        )

    with app.app_context():
        db.session.add_all(
            [
                row("a", created=now - 60 * day, expires=now + day, ended=now - 31 * day),
                row("b", created=now - 60 * day, expires=now - 31 * day),
                row("c", created=now - 40 * day, expires=now + day, ended=now - 29 * day),
                row("d", created=now - 40 * day, expires=now - 29 * day),
                row("e", created=now - 90 * day, expires=now + day),  # live: remembered
            ]
        )
        db.session.commit()
    result = runner.invoke(args=["users", "prune-sessions"])
    assert result.exit_code == 0, result.output
    assert "Removed 2 ended or expired sign-in session(s)." in result.output
    with app.app_context():
        kept = db.session.scalars(
            db.select(UserSession.token_hash).where(UserSession.user_id == user.id)
        )
        assert sorted(hash_[0] for hash_ in kept) == ["c", "d", "e"]
