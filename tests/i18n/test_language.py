"""The interface language: the account's choice, then the cookie, then the browser."""

from __future__ import annotations

import pytest

from course.auth.models import User
from course.extensions import db
from tests.conftest import PASSWORD


def _lang(page: str) -> str:
    return page.split('<html lang="', 1)[1].split('"', 1)[0]


@pytest.mark.parametrize(
    ("header", "lang"),
    [
        (None, "en"),
        ("fr-CA,fr;q=0.9,en;q=0.5", "fr-CA"),
        ("fr-FR", "fr-CA"),
        ("fr", "fr-CA"),
        ("de-DE,en;q=0.3", "en"),
        ("es", "en"),
        ("en-US,fr;q=0.8", "en"),
        ("*;q=garbage,,;", "en"),
    ],
)
def test_a_visitor_gets_the_browser_s_language(client, header, lang):
    headers = {"Accept-Language": header} if header else {}
    page = client.get("/auth/login", headers=headers).get_data(as_text=True)
    assert _lang(page) == lang
    if lang == "fr-CA":
        assert "Passer au contenu principal" in page
        assert '<button type="submit" name="locale" value="en" lang="en"' in page
    else:
        assert "Skip to main content" in page and 'value="fr_CA" lang="fr-CA"' in page


def test_the_switch_keeps_a_visitor_s_choice_in_a_cookie(client, csrf):
    response = client.post(
        "/auth/language",
        data={"csrf_token": csrf(client), "locale": "fr_CA", "next": "/auth/login?x=1"},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/auth/login?x=1"
    cookie = client.get_cookie("lang")
    assert cookie.value == "fr_CA" and cookie.http_only and cookie.same_site == "Lax"
    page = client.get("/auth/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert _lang(page) == "fr-CA"


def test_a_signed_in_person_s_choice_is_kept_on_the_account(app, client, make_user, login, csrf):
    user = make_user("trainer")
    login(user)
    client.post("/auth/language", data={"csrf_token": csrf(client), "locale": "fr_CA"})
    with app.app_context():
        assert db.session.get(User, user.id).locale == "fr_CA"
    other = app.test_client()  # another browser: no cookie, and in English
    login(user, on=other)
    page = other.get("/notices/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert _lang(page) == "fr-CA" and "Se déconnecter" in page and "(équipe de formation)" in page


def test_an_account_without_a_choice_takes_the_language_it_signs_in_with(
    app, client, csrf, make_user
):
    """So its e-mail is in French when its owner reads the site in French; a choice made
    is kept, and English (what e-mail to an account without a choice is in) is not."""
    user, chosen, english = (make_user("therapist") for _ in range(3))
    with app.app_context():
        db.session.get(User, chosen.id).locale = "en"
        db.session.commit()
    french = {"Accept-Language": "fr-CA,fr;q=0.9"}
    for person, headers in ((user, french), (chosen, french), (english, {})):
        browser = app.test_client()
        browser.get("/auth/login", headers=headers)
        browser.post(
            "/auth/login",
            data={"email": person.email, "password": PASSWORD, "csrf_token": csrf(browser)},
            headers=headers,
        )
    with app.app_context():
        assert db.session.get(User, user.id).locale == "fr_CA"
        assert db.session.get(User, chosen.id).locale == "en"
        assert db.session.get(User, english.id).locale is None


def test_an_unknown_language_or_a_foreign_next_is_refused_quietly(client, csrf):
    response = client.post(
        "/auth/language",
        data={"csrf_token": csrf(client), "locale": "xx", "next": "https://evil.example/"},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get_cookie("lang") is None
    no_token = client.post("/auth/language", data={"locale": "fr_CA"})
    assert no_token.status_code == 400


def test_outside_a_request_the_language_is_english_unless_forced(app):
    from flask_babel import force_locale, get_locale, gettext

    with app.app_context():
        assert str(get_locale()) == "en" and gettext("Sign out") == "Sign out"
        with force_locale("fr_CA"):
            assert gettext("Sign out") == "Se déconnecter"
