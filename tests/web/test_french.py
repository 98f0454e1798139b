"""Error pages, refusals and JSON errors in Canadian French; English stays the default."""

from __future__ import annotations

from html import unescape

FR = {"Accept-Language": "fr-CA"}


def test_error_pages_are_in_french(client, make_user, login):
    missing = client.get("/no/such/page", headers=FR)
    text = unescape(missing.get_data(as_text=True))
    assert missing.status_code == 404 and '<html lang="fr-CA">' in text
    assert "Page introuvable" in text and "Aller à votre page d'accueil" in text
    login(make_user("therapist"))
    forbidden = unescape(client.get("/admin/users", headers=FR).get_data(as_text=True))
    assert "Votre compte n'a pas accès à cette page." in forbidden
    english = unescape(client.get("/admin/users").get_data(as_text=True))
    assert "Your account does not have access to this page." in english


def test_a_bad_form_and_a_json_error_are_in_french(client):
    expired = client.post("/auth/forgot", headers=FR, data={"email": "a@example.org"})
    assert expired.status_code == 400
    assert "Le formulaire a expiré" in unescape(expired.get_data(as_text=True))
    as_json = client.get("/no/such/page", headers={**FR, "Accept": "application/json"})
    assert as_json.get_json() == {
        "error": "Page introuvable",
        "message": "Il n'y a aucune page à cette adresse.",
    }
