"""Surveys in French: the French instruments on a French page, the same item ids and
scores, the response's language; English where no French file exists."""

from __future__ import annotations

from html import unescape

import pytest

from course.content.errors import ContentErrors
from course.extensions import db
from course.surveys import checks
from course.surveys.instruments import (
    BUILTIN_DIR,
    Translation,
    load_builtin,
    load_dir,
    structure_problems,
)
from course.surveys.models import SurveyResponse, SurveyScore

FR = {"Accept-Language": "fr-CA,fr;q=0.9"}
URL = "/surveys/acceptability/after_course"


def test_every_french_instrument_matches_its_english_file_and_says_if_it_is_validated():
    english = load_builtin()
    for path in sorted((BUILTIN_DIR / "fr").glob("*.yaml")):
        entry, _ = checks.parse(path, checks.Sink(str(path)))
        base = english.instruments.get(entry.name) or english.surveys[entry.name]
        assert structure_problems(base, entry) == [], path
        if entry.name in english.instruments:
            assert isinstance(entry.translation, Translation), path
    french = load_builtin("fr")
    assert french.instruments["sus"].translation.validated is True
    assert "Gronier" in french.instruments["sus"].translation.source
    assert french.instruments["aim"].translation.validated is False
    ids = [item.id for item in french.instruments["aim"].items]
    assert ids == [item.id for item in english.instruments["aim"].items]


def test_a_translated_file_that_differs_from_the_english_one_is_not_used(tmp_path):
    aim = (BUILTIN_DIR / "fr" / "aim.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "aim.yaml"
    broken.write_text(aim.replace("id: aim_4", "id: aim_9"), encoding="utf-8")
    entry, _ = checks.parse(broken, checks.Sink(str(broken)))
    assert structure_problems(load_builtin().instruments["aim"], entry) == [
        "the items' ids, order, types, polarities and labelled points must be those of the "
        "English file"
    ]


def test_the_translation_key_is_checked(tmp_path):
    aim = (BUILTIN_DIR / "fr" / "aim.yaml").read_text(encoding="utf-8")
    folder = tmp_path / "x"
    folder.mkdir()
    (folder / "aim.yaml").write_text(
        aim.replace("  validated: false", "  validated: true"), encoding="utf-8"
    )
    with pytest.raises(ContentErrors, match="a validated translation needs 'source'"):
        load_dir(folder)


def test_a_french_page_shows_the_french_instruments_and_records_french(
    app, client, make_user, login, survey_course, complete, answer_form
):
    therapist = make_user("therapist")
    complete(therapist, "intro", "next")
    login(therapist)
    page = unescape(client.get(URL, headers=FR).get_data(as_text=True))
    assert "Questionnaire d'acceptabilité après la formation" in page
    assert "reçoit mon approbation." in page and "System Usability Scale, version française" in page
    assert "meets my approval" not in page
    mine = unescape(client.get("/surveys/", headers=FR).get_data(as_text=True))
    assert "Questionnaire d'acceptabilité après la formation" in mine
    saved = client.post(URL, data=answer_form(client, "save", aim_1="4"), headers=FR)
    assert saved.status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(SurveyResponse.language)) == "fr"
    # Switching to English keeps the same response; the submission records English.
    english = client.get(URL, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "meets my approval" in english
    aim = {"aim_1": "4", "aim_2": "5", "aim_3": "4", "aim_4": "5"}
    done = client.post(URL, data=answer_form(client, "submit", **aim))
    assert done.status_code == 302
    with app.app_context():
        (response,) = db.session.scalars(db.select(SurveyResponse)).all()
        assert (response.status, response.language) == ("submitted", "en")
        scores = {s.instrument: s.value for s in db.session.scalars(db.select(SurveyScore))}
        assert scores["aim"] == 4.5


def test_french_answers_score_as_english_ones(
    app, client, make_user, login, survey_course, complete, answer_form
):
    therapist = make_user("therapist")
    complete(therapist, "intro", "next")
    login(therapist)
    sus = {f"sus_{n}": "4" if n % 2 else "2" for n in range(1, 11)}
    done = client.post(URL, data=answer_form(client, "submit", **sus), headers=FR)
    assert done.status_code == 302
    with app.app_context():
        response = db.session.scalar(db.select(SurveyResponse))
        assert response.language == "fr"
        scores = {s.instrument: s.value for s in response.scores}
        assert scores["sus"] == 75.0


def test_an_instrument_without_a_french_file_is_shown_in_english(monkeypatch, tmp_path):
    folder = tmp_path / "instruments"
    (folder / "fr").mkdir(parents=True)
    for path in BUILTIN_DIR.glob("*.yaml"):
        (folder / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    aim = (BUILTIN_DIR / "fr" / "aim.yaml").read_text(encoding="utf-8")
    (folder / "fr" / "aim.yaml").write_text(aim, encoding="utf-8")
    monkeypatch.setattr("course.surveys.instruments.BUILTIN_DIR", folder)
    load_builtin.cache_clear()
    try:
        french = load_builtin("fr")
        assert french.instruments["aim"].title.startswith("Mesure")
        assert french.instruments["sus"].title == "System Usability Scale (SUS)"
        assert french.instruments["sus"].translation is None
    finally:
        load_builtin.cache_clear()


@pytest.mark.parametrize("path", sorted((BUILTIN_DIR / "fr").glob("*.yaml")), ids=lambda p: p.name)
def test_check_accepts_every_shipped_translation_in_place(runner, path):
    result = runner.invoke(args=["surveys", "check", str(path)])
    assert result.exit_code == 0, result.output
    assert "OK: translation of" in result.output


def test_check_reports_a_translation_that_differs(runner, tmp_path, monkeypatch):
    monkeypatch.setattr("course.surveys.cli.BUILTIN_DIR", tmp_path)  # tmp_path/fr/ is a
    (tmp_path / "fr").mkdir()  # translation folder; the English files stay the shipped ones
    aim = (BUILTIN_DIR / "fr" / "aim.yaml").read_text(encoding="utf-8")
    path = tmp_path / "fr" / "aim.yaml"
    path.write_text(aim.replace("id: aim_4", "id: aim_9"), encoding="utf-8")
    result = runner.invoke(args=["surveys", "check", str(path)])
    assert result.exit_code == 1
    assert "the items' ids, order, types, polarities and labelled points" in result.output
    assert "French pages show the English file" in result.output
