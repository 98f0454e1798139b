"""The consent pages in Canadian French, and the typed confirmation in either language."""

from __future__ import annotations

import re

import pytest

from course.extensions import db
from course.research.consent import confirmed
from course.research.models import ConsentRecord

FR = {"Accept-Language": "fr-CA,fr;q=0.9"}


def _hash(client) -> str:
    page = client.get("/research/consent", headers=FR).get_data(as_text=True)
    return re.search(r'name="text_sha256" type="hidden" value="([0-9a-f]*)"', page).group(1)


def _accept(client, csrf, typed: str):
    data = {
        "csrf_token": csrf(client),
        "version": "1",
        "decision": "accept",
        "read": "y",
        "typed": typed,
        "text_sha256": _hash(client),
    }
    return client.post("/research/consent", data=data, headers=FR)


def _decisions(app, user) -> list[str]:
    with app.app_context():
        rows = db.session.scalars(db.select(ConsentRecord).where(ConsentRecord.user_id == user.id))
        return [r.decision for r in rows]


@pytest.mark.parametrize(
    "typed",
    [
        "I agree",
        "i agree.",
        "J'accepte",
        "j'accepte",
        "J\u2019ACCEPTE.",
        "  J ' accepte ! ",
        "« J'accepte »",
        "«\u00a0J\u2019accepte\u00a0».",
    ],
)
def test_the_confirmation_is_i_agree_or_j_accepte_in_any_case_spacing_or_stop(typed):
    assert confirmed(typed)


@pytest.mark.parametrize(
    "typed", ["", None, "accepte", "Je accepte", "J'accepte pas", "I agree, J'accepte", "oui"]
)
def test_anything_else_is_not_a_confirmation(typed):
    assert not confirmed(typed)


def test_the_consent_page_is_in_french(client, make_user, login, course):
    login(make_user("therapist", arm="self_paced", consent=False))
    page = client.get("/research/consent", headers=FR).get_data(as_text=True)
    assert '<html lang="fr-CA">' in page
    assert "Acceptez-vous de participer à la recherche\u202f?" in page
    assert "J\u2019ai lu ce formulaire de consentement" in page
    assert "Pour accepter, tapez «\u00a0J\u2019accepte\u00a0»" in page
    assert "Je ne souhaite pas participer" in page and "I agree to take part" not in page


def test_a_french_reader_agrees_by_typing_j_accepte(app, client, make_user, login, course, csrf):
    user = make_user("therapist", arm="self_paced", consent=False)
    login(user)
    refused = _accept(client, csrf, "d'accord")
    assert refused.status_code == 400 and _decisions(app, user) == []
    assert "Tapez «\u00a0J\u2019accepte\u00a0» dans la case pour confirmer." in refused.get_data(
        as_text=True
    )
    assert _accept(client, csrf, "j\u2019accepte.").status_code == 302
    assert _decisions(app, user) == ["accepted"]
    page = client.get("/research/consent", headers=FR).get_data(as_text=True)
    assert "Merci d\u2019avoir accepté de participer à la recherche." in page
    assert "Votre copie du formulaire de consentement" in page
    assert "Se retirer de la recherche" in page


def test_the_consent_copies_page_is_in_french(client, make_user, login, course):
    login(make_user("researcher"))
    page = client.get("/research/consent-copies", headers=FR).get_data(as_text=True)
    assert '<html lang="fr-CA">' in page
    assert "<h1>Copies du consentement</h1>" in page
    assert "Aucune copie du consentement pour l\u2019instant." in page
