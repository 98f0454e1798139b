"""xapi.jsonl: every line is an xAPI 1.0.3 statement with a pseudonymous account actor."""

from __future__ import annotations

import json
import re
import uuid
from datetime import datetime

ADL = {
    "experienced", "attempted", "answered", "passed", "failed", "completed", "progressed",
    "asked", "responded",
}  # fmt: skip
VIDEO_VERBS = {"played", "paused", "seeked"}
VIDEO = "https://w3id.org/xapi/video"
DURATION = re.compile(r"^P(?:\d+D)?(?:T(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?$")
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
IRI = re.compile(r"^[a-z][a-z0-9+.-]*:\S+$")
HOME = "http://localhost"
ADL_VERB = "http://adlnet.gov/expapi/verbs/"
EXT = f"{HOME}/xapi/extensions/"


def check_statement(statement: dict, home: str, study_ids: set[str]) -> list[str]:
    """What is wrong with one statement (empty when it is valid)."""
    problems = []
    allowed = {"id", "actor", "verb", "object", "result", "context", "timestamp", "version"}
    if unknown := set(statement) - allowed:
        problems.append(f"unknown properties {unknown}")
    for key in ("actor", "verb", "object"):
        if key not in statement:
            problems.append(f"missing {key}")
    try:
        if str(uuid.UUID(statement.get("id", ""))) != statement["id"]:
            problems.append("id is not a lower-case UUID")
    except ValueError:
        problems.append("id is not a UUID")
    actor = statement.get("actor", {})
    account = actor.get("account", {})
    if actor.get("objectType") != "Agent" or set(actor) != {"objectType", "account"}:
        problems.append("the actor must be an Agent identified only by an account")
    if account.get("homePage") != home or account.get("name") not in study_ids:
        problems.append(f"the account must be the study ID on {home}")
    verb = statement.get("verb", {}).get("id", "")
    name = verb.rsplit("/", 1)[-1]
    if not (
        (verb.startswith("http://adlnet.gov/expapi/verbs/") and name in ADL)
        or (verb.startswith(f"{VIDEO}/verbs/") and name in VIDEO_VERBS)
    ):
        problems.append(f"verb {verb} is neither ADL nor video profile")
    if not statement.get("verb", {}).get("display", {}).get("en-US"):
        problems.append("verb needs a display")
    target = statement.get("object", {})
    if target.get("objectType") != "Activity" or not IRI.match(target.get("id", "")):
        problems.append("object must be an Activity with an IRI id")
    if not IRI.match(target.get("definition", {}).get("type", "")):
        problems.append("activity type must be an IRI")
    stamp = statement.get("timestamp", "")
    if not TIMESTAMP.match(stamp):
        problems.append(f"timestamp {stamp!r} is not ISO 8601")
    else:
        datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    result = statement.get("result", {})
    if "duration" in result and not DURATION.match(result["duration"]):
        problems.append(f"duration {result['duration']!r} is not ISO 8601")
    if "score" in result:
        scaled = result["score"].get("scaled")
        if scaled is not None and not -1 <= scaled <= 1:
            problems.append("scaled score must be within -1..1")
    context = statement.get("context", {})
    categories = {c["id"] for c in context.get("contextActivities", {}).get("category", [])}
    is_video = target.get("definition", {}).get("type") == f"{VIDEO}/activity-type/video"
    if is_video and VIDEO not in categories:
        problems.append("video statements carry the video profile in context category")
    if name in VIDEO_VERBS and not is_video:
        problems.append("video verbs are for video activities")
    for key in result.get("extensions", {}):
        if is_video and not key.startswith(f"{VIDEO}/extensions/"):
            problems.append(f"video result extension {key} is outside the profile")
    for key in (*result.get("extensions", {}), *context.get("extensions", {})):
        if not IRI.match(key):
            problems.append(f"extension key {key!r} is not an IRI")
    for kind, activities in context.get("contextActivities", {}).items():
        for activity in activities:
            if not IRI.match(activity.get("id", "")):
                problems.append(f"context {kind} activity needs an IRI id")
    if statement.get("version", "1.0.3") != "1.0.3":
        problems.append("version must be 1.0.3")
    return problems


def test_every_line_is_a_valid_statement(make_user, seed_activity, course, export_zip):
    make_user("trainer")
    people = [make_user("therapist", arm=arm) for arm in ("self_paced", "workshop")]
    for person in people:
        seed_activity(person)
    files = export_zip()
    lines = files["xapi.jsonl"].decode("utf-8").splitlines()
    statements = [json.loads(line) for line in lines]
    ids = {p.study_id for p in people}
    for statement in statements:
        assert check_statement(statement, "http://localhost", ids) == [], statement
    assert len({s["id"] for s in statements}) == len(statements)
    verbs = {s["verb"]["id"].rsplit("/", 1)[-1] for s in statements}
    assert verbs >= {
        "experienced",
        "completed",
        "attempted",
        "answered",
        "failed",
        "played",
        "paused",
        "seeked",
    }
    paused = next(s for s in statements if s["verb"]["id"].endswith("/paused"))
    extensions = paused["result"]["extensions"]
    assert extensions[f"{VIDEO}/extensions/played-segments"] == "0[.]5"
    assert extensions[f"{VIDEO}/extensions/progress"] == 0.5
    ended = [
        s
        for s in statements
        if s["object"]["definition"]["type"].endswith("/video")
        and s["verb"]["id"].endswith("/completed")
    ]
    assert ended[0]["result"]["extensions"][f"{VIDEO}/extensions/progress"] == 0.7
    assert all("name" not in s["actor"] and "mbox" not in s["actor"] for s in statements)
    # The same record always gets the same id: a second export is idempotent in an LRS.
    again = [json.loads(line) for line in export_zip()["xapi.jsonl"].decode().splitlines()]
    assert [s["id"] for s in again] == [s["id"] for s in statements]


def test_the_validator_rejects_broken_statements():
    good = {
        "id": str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "account": {"homePage": "http://x", "name": "P-1"}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en-US": "c"}},
        "object": {
            "objectType": "Activity",
            "id": "http://x/a",
            "definition": {"type": "http://adlnet.gov/expapi/activities/module"},
        },
        "timestamp": "2026-03-01T08:00:00Z",
        "result": {"duration": "PT12.5S"},
    }
    assert check_statement(good, "http://x", {"P-1"}) == []
    for change in (
        {"actor": {"objectType": "Agent", "mbox": "mailto:a@b.c"}},
        {"verb": {"id": "http://example.org/liked", "display": {"en-US": "l"}}},
        {"timestamp": "yesterday"},
        {"result": {"duration": "12 seconds"}},
        {"id": "not-a-uuid"},
    ):
        assert check_statement({**good, **change}, "http://x", {"P-1"}) != [], change


def test_statement_ids_are_standard_version_5_uuids():
    from course.research.export.xapi import NAMESPACE, uuid5

    for name in ("http://x|event|1|played", "ünïcode|quiz|7", ""):
        assert uuid5(name) == str(uuid.uuid5(NAMESPACE, name))


def test_practice_statements_are_valid_and_sit_under_their_scenario_or_drill_set(
    make_user, practice_course, seed_practice, export_zip
):
    people = [make_user("therapist", arm=arm) for arm in ("self_paced", "control")]
    for person in people:
        seed_practice(person, text="Zed Zebra would say: I notice you went quiet.")
    files = export_zip()
    text = files["xapi.jsonl"].decode("utf-8")
    assert "Zed Zebra" not in text  # the typed response never, only its length
    statements = [json.loads(line) for line in text.splitlines()]
    for statement in statements:
        assert check_statement(statement, HOME, {p.study_id for p in people}) == [], statement
    assert len({s["id"] for s in statements}) == len(statements)

    scenario = f"{HOME}/practice/scenarios/small"
    choices = [s for s in statements if "/choices/" in s["object"]["id"]]
    assert len(choices) == 8 and {s["verb"]["id"] for s in choices} == {ADL_VERB + "answered"}
    named = next(s for s in choices if s["object"]["id"].endswith("/opening/choices/name-it"))
    assert named["object"]["id"] == f"{scenario}/steps/opening/choices/name-it"
    assert named["result"]["response"] == "name-it"
    extensions = named["result"]["extensions"]
    assert extensions[f"{EXT}points"] == 2 and extensions[f"{EXT}total-points"] == 2
    assert extensions[f"{EXT}tags"] == ["attuned", "withdrawal-marker"]
    activities = named["context"]["contextActivities"]
    assert [a["id"] for a in activities["parent"]] == [scenario]
    assert activities["parent"][0]["definition"]["name"] == {"en-US": "A small scenario"}
    assert [a["id"] for a in activities["grouping"]] == [f"{HOME}/learning/"]
    assert named["context"]["extensions"][f"{EXT}arm"] in ("self_paced", "control")

    endings = [s for s in statements if s["object"]["id"] == scenario]
    assert len(endings) == 4 and {s["verb"]["id"] for s in endings} == {ADL_VERB + "completed"}
    assert sorted(s["result"]["extensions"][f"{EXT}ending"] for s in endings) == [
        "partial", "partial", "repaired", "repaired"
    ]  # fmt: skip
    assert all(s["result"]["completion"] is True for s in endings)

    drill_set = f"{HOME}/practice/drills/withdrawal"
    drills = [s for s in statements if s["object"]["id"].startswith(f"{drill_set}/items/")]
    verbs = [s["verb"]["id"].rsplit("/", 1)[-1] for s in drills]
    assert verbs.count("attempted") == 6 and verbs.count("answered") == 4
    rated = next(
        s for s in drills
        if s["verb"]["id"].endswith("/answered") and s["object"]["id"].endswith("/fine-b1")
    )  # fmt: skip
    result = rated["result"]["extensions"]
    assert result[f"{EXT}self-ratings"] == {"observe": 4, "invite": 2}
    assert result[f"{EXT}mean-self-rating"] == 3.0 and result[f"{EXT}difficulty"] == "about_right"
    assert result[f"{EXT}response-length"] == len("Zed Zebra would say: I notice you went quiet.")
    assert [a["id"] for a in rated["context"]["contextActivities"]["parent"]] == [drill_set]

    # Deterministic: the same records give the same ids in a later export.
    again = [json.loads(line) for line in export_zip()["xapi.jsonl"].decode().splitlines()]
    assert [s["id"] for s in again] == [s["id"] for s in statements]
