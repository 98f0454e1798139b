"""The notices page and its messages in Canadian French."""

from __future__ import annotations

from html import unescape

FR = {"Accept-Language": "fr-CA"}


def test_the_notices_page_is_in_french(client, csrf, make_user, login):
    login(make_user("therapist"))
    page = unescape(client.get("/notices/", headers=FR).get_data(as_text=True))
    assert '<html lang="fr-CA">' in page
    assert "M'envoyer les avis par courriel" in page and "Dans un résumé quotidien" in page
    assert "Rien pour l'instant." in page
    saved = unescape(
        client.post(
            "/notices/",
            headers=FR,
            data={"mode": "digest", "csrf_token": csrf(client)},
            follow_redirects=True,
        ).get_data(as_text=True)
    )
    assert "Enregistré\u00a0: la façon dont vos avis vous sont envoyés par courriel." in saved
    refused = unescape(
        client.post(
            "/notices/",
            headers=FR,
            data={"mode": "weekly", "csrf_token": csrf(client)},
            follow_redirects=True,
        ).get_data(as_text=True)
    )
    assert "Choisissez un courriel par avis, ou un résumé par jour." in refused
