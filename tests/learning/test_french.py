"""The learner's course pages in Canadian French (the browser asks for French)."""

from __future__ import annotations

from datetime import date
from html import unescape

NBSP = "\u00a0"
FR = {"Accept-Language": "fr-CA,fr;q=0.9"}


def test_the_home_and_a_module_page_are_in_french(client, make_user, login, course):
    login(make_user("therapist", arm="self_paced"))
    home = client.get("/learning/", headers=FR).get_data(as_text=True)
    assert '<html lang="fr-CA"' in home
    assert "Ce qui reste à faire" in home and "Verrouillé" in home and "Disponible" in home
    assert f"S'ouvre une fois terminé{NBSP}: Introduction to tensions." in home
    assert f"Commencer{NBSP}: Introduction to tensions" in home
    assert "What is still needed" not in home and "Locked" not in home
    page = client.get("/learning/modules/intro", headers=FR).get_data(as_text=True)
    assert "Pour terminer ce module" in page
    assert f"Temps passé sur cette page{NBSP}: 0{NBSP}min sur 1{NBSP}min" in page
    assert f"Vidéo{NBSP}: A short clip{NBSP}: 0{NBSP}% regardé (il faut 90{NBSP}%)" in page
    assert f'data-text-percent="{{percent}}{NBSP}% fait"' in page  # for the live checklist
    locked = client.get("/learning/modules/next", headers=FR)
    assert locked.status_code == 403
    refusal = unescape(locked.get_data(as_text=True))
    assert f"s'ouvre une fois terminé{NBSP}: Introduction to tensions" in refusal


def test_the_comparison_group_reads_why_in_french(app, client, make_user, login, course):
    app.config["TRIAL_END"] = date(2030, 6, 1)
    login(make_user("therapist", arm="control"))
    page = unescape(client.get("/learning/", headers=FR).get_data(as_text=True))
    assert '<html lang="fr-CA"' in page and "Votre formation" in page
    assert "groupe de comparaison de l'étude" in page and "comparison group" not in page
    assert "La fin de l'essai est prévue le 1 juin 2030." in page
    english = client.get("/learning/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "The trial is planned to end on June 1, 2030." in english


def test_english_stays_the_default(client, make_user, login, course):
    login(make_user("therapist", arm="self_paced"))
    page = client.get("/learning/modules/intro").get_data(as_text=True)
    assert '<html lang="en"' in page and 'data-text-percent="{percent}% done"' in page
