"""The search page in Canadian French (the browser asks for French)."""

from __future__ import annotations

FR = {"Accept-Language": "fr-CA"}


def test_search_speaks_french(client, make_user, login, course):
    login(make_user("therapist", arm="self_paced"))
    page = client.get("/search/", query_string={"q": "repaired"}, headers=FR)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and '<html lang="fr-CA"' in text
    assert "1 section trouvée" in text and "Rechercher dans la formation" in text
    empty = client.get("/search/", query_string={"q": " "}, headers=FR).get_data(as_text=True)
    assert "Tapez un ou deux mots à rechercher." in empty
    nothing = client.get("/search/", query_string={"q": "zzzq"}, headers=FR)
    assert "Aucun résultat" in nothing.get_data(as_text=True)
