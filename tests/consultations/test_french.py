"""The consultation pages in Canadian French, for a browser that asks for it."""

from __future__ import annotations

from html import unescape

FR = {"Accept-Language": "fr-CA"}


def _lang(page: str) -> str:
    return page.split('<html lang="', 1)[1].split('"', 1)[0]


def test_a_therapist_books_and_reads_the_pages_in_french(signed_in, make_slot, make_series, csrf):
    slot, series = make_slot(), make_series(capacity=1)
    _, client = signed_in(arm="self_paced")
    page = unescape(client.get("/consultations/", headers=FR).get_data(as_text=True))
    assert _lang(page) == "fr-CA"
    assert "Vous n'avez aucune consultation à venir." in page
    assert "Groupes de consultation" in page and "1 place restante." in page
    response = client.post(
        f"/consultations/sessions/{slot}/book",
        data={"csrf_token": csrf(client)},
        headers=FR,
    )
    assert response.status_code == 302
    page = unescape(client.get("/consultations/", headers=FR).get_data(as_text=True))
    assert "Votre réservation est faite\u00a0: Individual consultation." in page
    assert "Vos réservations" in page and "Annuler la réservation" in page
    group = unescape(
        client.get(f"/consultations/series/{series}", headers=FR).get_data(as_text=True)
    )
    assert _lang(group) == "fr-CA" and "toutes les deux semaines" in group
    assert "Rejoindre ce groupe" in group and "Toutes les séances du groupe" in group


def test_a_refusal_and_the_trainers_pages_are_in_french(signed_in, make_slot, csrf):
    slot = make_slot()
    _, therapist = signed_in(arm="control")
    refused = therapist.post(
        f"/consultations/sessions/{slot}/book",
        data={"csrf_token": csrf(therapist)},
        headers=FR,
    )
    assert refused.status_code == 403
    text = unescape(refused.get_data(as_text=True))
    assert (
        "Avant de pouvoir réserver" not in text
        and "groupe de comparaison" in text
        and "Attendre la fin de l'essai" in text
    )
    _, trainer = signed_in("trainer")
    calendar = trainer.get("/consultations/", headers=FR).get_data(as_text=True)
    assert "Nouvelle série de groupe" in calendar and "Séances à venir" in calendar
    form = trainer.get("/consultations/series/new", headers=FR).get_data(as_text=True)
    assert "Personne formatrice principale" in form and "Toutes les deux semaines" in form
    week = trainer.get("/consultations/week", headers=FR).get_data(as_text=True)
    assert "Semaine précédente" in week and "Semaine du" in week
