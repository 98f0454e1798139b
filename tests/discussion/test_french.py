"""The discussion pages and refusals in Canadian French, for a browser that asks for it."""

from __future__ import annotations

from html import unescape

from .conftest import DISCUSSION

FR = {"Accept-Language": "fr-CA"}


def _text(response) -> str:
    return unescape(response.get_data(as_text=True))


def test_a_learner_posts_in_french_and_the_privacy_check_speaks_french(
    client, learner, trainer_client, csrf
):
    page = _text(client.get(DISCUSSION, headers=FR))
    assert '<html lang="fr-CA">' in page
    assert "Nouveau message" in page and "Aucun message pour l'instant." in page
    assert "New post" not in page
    fields = {"csrf_token": csrf(client), "kind": "question", "title": "Appel"}
    warned = client.post(
        DISCUSSION, data={**fields, "body": "Appelez-la au (613) 555-0199."}, headers=FR
    )
    assert warned.status_code == 422
    text = _text(warned)
    assert "Ceci pourrait-il identifier une personne cliente\u202f?" in text
    assert "un numéro de téléphone\u00a0: <mark>(613) 555-0199</mark>" in text
    too_long = client.post(DISCUSSION, data={**fields, "body": "x" * 10_001}, headers=FR)
    assert too_long.status_code == 422
    assert "Le message doit compter moins de 10\u00a0000 caractères." in _text(too_long)
    client.post(DISCUSSION, data={**fields, "body": "Comment nommer un retrait?"}, headers=FR)
    queue = _text(trainer_client.get("/discussion/queue", headers=FR))
    assert "Questions en attente de réponse" in queue and "1 question en attente" in queue
    assert "0 jour ouvrable" in queue
