"""The sign-in, password and account pages, and their messages, in Canadian French."""

from __future__ import annotations

from html import unescape

FR = {"Accept-Language": "fr-CA"}


def test_the_sign_in_pages_are_in_french(client):
    login = unescape(client.get("/auth/login", headers=FR).get_data(as_text=True))
    assert '<html lang="fr-CA">' in login
    assert "<h1>Se connecter</h1>" in login and "Mot de passe oublié\u202f?" in login
    assert "Rester connecté·e sur cet appareil" in login  # a form label
    forgot = unescape(client.get("/auth/forgot", headers=FR).get_data(as_text=True))
    assert "Réinitialiser votre mot de passe" in forgot and "Envoyer le lien" in forgot


def test_a_refused_sign_in_and_form_errors_are_in_french(client, csrf, make_user):
    user = make_user("therapist")
    page = unescape(
        client.post(
            "/auth/login",
            headers=FR,
            data={"email": user.email, "password": "not the password", "csrf_token": csrf(client)},
        ).get_data(as_text=True)
    )
    assert "Le courriel ou le mot de passe est inexact. Vérifiez les deux et réessayez." in page
    empty = unescape(
        client.post(
            "/auth/forgot", headers=FR, data={"email": "", "csrf_token": csrf(client)}
        ).get_data(as_text=True)
    )
    assert "Veuillez corriger ce qui suit" in empty and "Courriel\u00a0:" in empty


def test_a_dead_link_and_the_account_page_are_in_french(client, csrf, make_user, login):
    dead = client.get("/auth/reset/not-a-token", headers=FR)
    assert dead.status_code == 410
    text = unescape(dead.get_data(as_text=True))
    assert "Ce lien ne peut pas être utilisé" in text
    assert "Ce lien de réinitialisation n'est pas valide" in text
    login(make_user("trainer"))
    account = unescape(client.get("/auth/account", headers=FR).get_data(as_text=True))
    assert "Votre compte" in account and "Se déconnecter partout" in account
    assert "(cet appareil)" in account and "Mot de passe actuel" in account
    signed_out = unescape(
        client.post(
            "/auth/logout", headers=FR, data={"csrf_token": csrf(client)}, follow_redirects=True
        ).get_data(as_text=True)
    )
    assert "Vous êtes déconnecté·e." in signed_out
