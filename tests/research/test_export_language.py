"""The exports carry each record's language: a language column in the CSV files, the
consent language of each participant, the REDCap fields, and xAPI's context.language."""

from __future__ import annotations

import csv
import io
import json

from sqlalchemy import update

from course import clock
from course.assessments.models import QuizAttempt
from course.extensions import db
from course.learning.models import ProgressEvent
from course.research.models import ConsentRecord
from course.surveys.models import SurveyResponse

LANGUAGE_FILES = (
    "events.csv",
    "quiz_attempts.csv",
    "quiz_responses.csv",
    "survey_responses.csv",
    "scenario_choices.csv",
    "drill_responses.csv",
    "discussion_posts.csv",
)


def _rows(files, name):
    return list(csv.DictReader(io.StringIO(files[name].decode("utf-8"))))


def _in_french(app, user) -> None:
    """As if the participant had done it all on French pages (and agreed in French)."""
    with app.app_context():
        for model in (ProgressEvent, QuizAttempt, SurveyResponse):
            db.session.execute(update(model).where(model.user_id == user.id).values(language="fr"))
        version = db.session.scalar(
            db.select(ConsentRecord.version).where(ConsentRecord.user_id == user.id)
        )
        db.session.add(
            ConsentRecord(
                user_id=user.id, version=version, decision="accepted", at=clock.now_utc(),
                language="fr",
            )
        )  # fmt: skip
        db.session.commit()


def test_every_file_of_records_has_a_language_column_and_the_codebook_says_so(
    app, make_user, seed_activity, course, export_zip
):
    french, english = (make_user("therapist", arm="self_paced") for _ in range(2))
    seed_activity(french)
    seed_activity(english)
    _in_french(app, french)
    files = export_zip()
    codebook = {(r["file"], r["column"]): r for r in _rows(files, "codebook.csv")}
    for name in LANGUAGE_FILES:
        assert codebook[(name, "language")]["codes"] == (
            "en=English | fr=French (Canadian French pages)"
        ), name
        assert next(csv.reader(io.StringIO(files[name].decode())))[-1] == "language"
    for name in ("events.csv", "quiz_attempts.csv", "quiz_responses.csv", "survey_responses.csv"):
        languages = {(r["study_id"], r["language"]) for r in _rows(files, name)}
        assert languages == {(french.study_id, "fr"), (english.study_id, "en")}, name
    people = {r["study_id"]: r["consent_language"] for r in _rows(files, "participants.csv")}
    assert people == {french.study_id: "fr", english.study_id: "en"}
    package = json.loads(files["datapackage.json"])
    events = next(r for r in package["resources"] if r["path"] == "events.csv")
    field = next(f for f in events["schema"]["fields"] if f["name"] == "language")
    assert field["constraints"]["enum"] == ["en", "fr"]


def test_redcap_carries_the_languages_and_each_french_version_s_status(
    app, make_user, seed_activity, course, export_zip
):
    french = make_user("therapist", arm="self_paced")
    seed_activity(french)
    _in_french(app, french)
    files = export_zip()
    dictionary = {r["Variable / Field Name"]: r for r in _rows(files, "data_dictionary.csv")}
    assert "consent_language" in dictionary
    assert dictionary["sus_language"]["Field Note"].startswith(
        "French version: a validated translation. Source: Gronier"
    )
    assert dictionary["aim_language"]["Field Note"] == (
        "French version: a translation made for this project, not validated."
    )
    (record,) = _rows(files, "redcap_import.csv")
    assert record["consent_language"] == "fr"
    answered = [k for k in record if k.endswith("_language") and record[k]]
    assert answered and all(record[k] == "fr" for k in answered)


def test_xapi_context_language_is_the_record_s_rfc_5646_tag(
    app, make_user, seed_activity, course, export_zip
):
    french, english = (make_user("therapist", arm="self_paced") for _ in range(2))
    seed_activity(french)
    seed_activity(english)
    _in_french(app, french)
    lines = export_zip()["xapi.jsonl"].decode("utf-8").splitlines()
    statements = [json.loads(line) for line in lines]
    by_person: dict[str, set[str]] = {}
    for s in statements:
        if s["verb"]["id"].endswith(("/attempted", "/paused", "/played", "/seeked")):
            by_person.setdefault(s["actor"]["account"]["name"], set()).add(s["context"]["language"])
    assert by_person == {french.study_id: {"fr-CA"}, english.study_id: {"en"}}
