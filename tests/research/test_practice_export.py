"""scenario_choices.csv and drill_responses.csv: every choice and response, pseudonymized."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest

from course import clock

TEXT = "I hear you, {name}: it sounds like my question landed badly."


def rows(files, name):
    return list(csv.DictReader(io.StringIO(files[name].decode("utf-8"))))


@pytest.fixture
def practising(make_user, practice_course, seed_practice, withdraw):
    """Two consenting therapists who practised, one who withdrew, one outside the trial."""
    people = {
        "a": make_user(
            "therapist", arm="self_paced", name="Alice Ashdown", email="alice@example.org"
        ),
        "b": make_user("therapist", arm="control", name="Bob Birchwood", email="bob@example.org"),
        "gone": make_user(
            "therapist", arm="workshop", name="Wendy Withdrawn", email="wendy@example.org"
        ),
        "open": make_user("therapist", arm="open", name="Olive Open", email="olive@example.org"),
    }
    for user in people.values():
        seed_practice(user, text=TEXT.format(name=user.name))
    withdraw(people["gone"])
    return people


def test_every_choice_is_a_row_with_its_running_total_and_ending(practising, export_zip):
    files = export_zip()
    choices = rows(files, "scenario_choices.csv")
    assert list(choices[0]) == [
        "study_id", "arm", "scenario", "run", "position", "step", "choice", "tags", "points",
        "total_points", "ended", "ending", "at", "revision", "revision_hash", "language",
    ]  # fmt: skip
    assert {r["language"] for r in choices} == {"en"}
    assert {r["study_id"] for r in choices} == {practising["a"].study_id, practising["b"].study_id}
    alice = [r for r in choices if r["study_id"] == practising["a"].study_id]
    assert [
        (r["run"], r["position"], r["step"], r["choice"], r["tags"], r["points"],
         r["total_points"], r["ended"], r["ending"])
        for r in alice
    ] == [
        ("1", "1", "opening", "move-on", "", "0", "0", "0", ""),
        ("1", "2", "opening-again", "second-chance", "", "1", "1", "1", "partial"),
        ("2", "1", "opening", "name-it", "attuned;withdrawal-marker", "2", "2", "1", "repaired"),
        ("3", "1", "opening", "move-on", "", "0", "0", "0", ""),
    ]  # fmt: skip
    assert {(r["arm"], r["scenario"], r["revision"]) for r in alice} == {
        ("self_paced", "small", "1")
    }
    assert all(r["at"].endswith("Z") and len(r["at"]) == 20 for r in alice)
    manifest = json.loads(files["manifest.json"])
    hashes = {s["scenario"]: s["content_hash"] for s in manifest["content"]["scenarios"]}
    assert {r["revision_hash"] for r in choices} == {hashes["small"]}
    assert manifest["rows"]["scenario_choices.csv"] == len(choices) == 8


def test_every_drill_response_is_a_row_with_its_self_ratings(practising, export_zip):
    files = export_zip()
    responses = rows(files, "drill_responses.csv")
    assert list(responses[0]) == [
        "study_id", "arm", "drill_set", "item", "level", "response_id", "kind", "marker",
        "self_ratings", "mean_self_rating", "difficulty", "response_length", "responded_at",
        "rated_at", "revision", "revision_hash", "response_text", "language",
    ]  # fmt: skip
    assert {r["language"] for r in responses} == {"en"}
    ids = [int(r["response_id"]) for r in responses]
    assert ids == sorted(set(ids))  # one row per response, oldest first
    bob = [r for r in responses if r["study_id"] == practising["b"].study_id]
    text = TEXT.format(name="Bob Birchwood")
    assert [
        (r["item"], r["level"], r["kind"], r["marker"], r["self_ratings"],
         r["mean_self_rating"], r["difficulty"], r["response_length"])
        for r in bob
    ] == [
        ("fine-b1", "beginner", "withdrawal", "minimal-response", "observe=4;invite=2", "3",
         "about_right", str(len(text))),
        ("storm-i1", "intermediate", "withdrawal", "avoidant-storytelling", "observe=3;own=5",
         "4", "too_hard", str(len(text) + 7)),
        ("fine-b2", "beginner", "withdrawal", "denial", "", "", "", str(len(text) + 9)),
    ]  # fmt: skip
    assert bob[0]["rated_at"] > bob[0]["responded_at"] and bob[2]["rated_at"] == ""
    assert {r["response_text"] for r in responses} == {""}  # no free text unless asked
    manifest = json.loads(files["manifest.json"])
    [drills] = manifest["content"]["drill_sets"]
    assert drills["drill_set"] == "withdrawal" and len(drills["content_hash"]) == 64
    assert {(r["revision"], r["revision_hash"]) for r in responses} == {
        ("1", drills["content_hash"])
    }
    assert manifest["rows"]["drill_responses.csv"] == len(responses) == 6


def test_the_typed_response_is_exported_only_when_free_text_is_asked_for(practising, export_zip):
    files = export_zip(include_free_text="y")
    responses = rows(files, "drill_responses.csv")
    alice = TEXT.format(name="Alice Ashdown")
    assert [r["response_text"] for r in responses if r["study_id"] == practising["a"].study_id] == [
        alice,
        alice + " Again.",
        alice + " Unrated.",
    ]
    assert "Wendy" not in files["drill_responses.csv"].decode()  # withdrawn: never, even now
    assert "I hear you" not in files["xapi.jsonl"].decode()  # statements carry only lengths


def test_no_name_email_or_typed_text_leaves_without_free_text(practising, export_zip):
    files = export_zip()
    forbidden = [
        "Alice", "Ashdown", "Birchwood", "Wendy", "Olive", "@example.org", "I hear you",
        practising["gone"].study_id, practising["open"].study_id,
    ]  # fmt: skip
    for name, data in files.items():
        text = data.decode("utf-8")
        for word in forbidden:
            assert word not in text, f"{word!r} found in {name}"


def test_a_withdrawn_therapist_is_left_out_of_the_practice_files(practising, export_zip, withdraw):
    before = export_zip()
    alice = practising["a"].study_id
    assert alice in before["scenario_choices.csv"].decode()
    withdraw(practising["a"])
    after = export_zip()
    for name in ("scenario_choices.csv", "drill_responses.csv", "xapi.jsonl", "redcap_import.csv"):
        assert alice not in after[name].decode(), name
    assert {r["study_id"] for r in rows(after, "drill_responses.csv")} == {practising["b"].study_id}


def test_the_running_total_counts_choices_before_the_date_range(
    make_user, practice_course, play, export_zip
):
    user = make_user("therapist", arm="self_paced")
    # "warm" (2 points) a day and a half ago; "warmer" (3 points) now, reaching the end.
    play(user, "steady", "warm", "warmer", at=clock.now_utc() - timedelta(days=3),
         gap=timedelta(days=1.5))  # fmt: skip
    today = clock.now_utc().date().isoformat()
    [row] = rows(export_zip(start=today), "scenario_choices.csv")
    assert (row["choice"], row["points"], row["total_points"], row["ending"]) == (
        "warmer",
        "3",
        "5",
        "done",
    )
    every = rows(export_zip(), "scenario_choices.csv")
    assert [(r["choice"], r["total_points"]) for r in every] == [("warm", "2"), ("warmer", "5")]


def test_filters_by_arm_dates_and_since(practising, make_user, seed_practice, export_zip):
    late = make_user("therapist", arm="self_paced")
    seed_practice(late, days_ago=0)
    by_arm = export_zip(arm="control")
    for name in ("scenario_choices.csv", "drill_responses.csv"):
        assert {r["study_id"] for r in rows(by_arm, name)} == {practising["b"].study_id}, name
    today = clock.now_utc().date().isoformat()
    recent = export_zip(start=today)
    for name in ("scenario_choices.csv", "drill_responses.csv"):
        assert {r["study_id"] for r in rows(recent, name)} == {late.study_id}, name
    old = export_zip(end=(clock.now_utc() - timedelta(days=1)).date().isoformat())
    assert late.study_id not in old["scenario_choices.csv"].decode()
    since = export_zip(since=today + "T00:00:00Z")
    assert {r["study_id"] for r in rows(since, "drill_responses.csv")} == {late.study_id}
    statements = [json.loads(line) for line in since["xapi.jsonl"].decode().splitlines()]
    practice = [s for s in statements if "/practice/" in s["object"]["id"]]
    assert {s["actor"]["account"]["name"] for s in practice} == {late.study_id}
    assert len(practice) == 4 + 2 + 3 + 2  # choices, endings, responses, ratings
    manifest = json.loads(since["manifest.json"])
    assert manifest["rows"]["scenario_choices.csv"] == 4
    assert manifest["rows"]["drill_responses.csv"] == 3


def test_an_export_without_practice_content_has_header_only_practice_files(course, export_zip):
    files = export_zip()
    assert files["scenario_choices.csv"].decode().startswith("study_id,arm,scenario,")
    assert rows(files, "scenario_choices.csv") == rows(files, "drill_responses.csv") == []
    manifest = json.loads(files["manifest.json"])
    assert manifest["content"]["scenarios"] == manifest["content"]["drill_sets"] == []
