"""The practice pages in Canadian French (the language cookie asks for French)."""

from __future__ import annotations

NBSP = "\u00a0"


def test_practice_pages_and_refusals_are_in_french(client, form, learner):
    client.set_cookie("lang", "fr_CA")
    index = client.get("/practice/").get_data(as_text=True)
    assert '<html lang="fr-CA"' in index and "Scénarios cliniques à embranchements" in index
    drill = client.get("/practice/drills/withdrawal").get_data(as_text=True)
    assert "La personne cliente dit" in drill and f"Niveau{NBSP}: Débutant" in drill
    assert "0 réponse jusqu'ici" in drill
    short = form("/practice/drills/withdrawal", item="fine-b1", response="Trop court.")
    assert short.status_code == 422
    assert "au moins 20 caractères (vous en avez écrit 11)" in short.get_data(as_text=True)
    scenario = client.get("/practice/scenarios/small").get_data(as_text=True)
    assert "Ce qui se passe maintenant" in scenario and "Partie 1" in scenario
    assert "0 choix jusqu'ici." in scenario
