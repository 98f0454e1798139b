"""xapi.jsonl: a participant asked or responded in a discussion; never the post's text."""

from __future__ import annotations

import json
from datetime import timedelta

from course import clock

from ..test_xapi import ADL_VERB, EXT, HOME, check_statement


def test_questions_and_replies_are_valid_statements_on_the_discussion(faculty_activity, export_zip):
    files = export_zip(include_free_text="y")
    text = files["xapi.jsonl"].decode("utf-8")
    for words in ("How do I name it", "Same here", "A title", "Zed", "Say so", "Helpful"):
        assert words not in text, words  # no title or body, even with free text
    statements = [json.loads(line) for line in text.splitlines()]
    people = faculty_activity.people
    ids = {people[k].study_id for k in ("alice", "bob", "idle")}
    for statement in statements:
        assert check_statement(statement, HOME, ids) == [], statement
    assert len({s["id"] for s in statements}) == len(statements)
    talk = [s for s in statements if "/discussion/" in s["object"]["id"]]
    # Alice's three questions (one withdrawn since) and her reply; nothing from faculty,
    # Bob's discussion post, or the therapists outside the research data.
    assert [
        (s["actor"]["account"]["name"], s["verb"]["id"], s["object"]["id"], s["timestamp"])
        for s in talk
    ] == [
        (people["alice"].study_id, ADL_VERB + verb, f"{HOME}/discussion/{path}", at)
        for verb, path, at in (
            ("asked", "module/intro", _iso(faculty_activity, 0)),
            ("asked", "scenario/small", _iso(faculty_activity, 24)),
            ("asked", "module/intro", _iso(faculty_activity, 48)),
            ("responded", "module/intro", _iso(faculty_activity, 96)),
        )
    ]
    asked, scenario = talk[0], talk[1]
    assert asked["object"]["definition"] == {
        "type": "http://id.tincanapi.com/activitytype/discussion",
        "name": {"en-US": "Discussion: Introduction to tensions"},
    }
    activities = asked["context"]["contextActivities"]
    assert [a["id"] for a in activities["parent"]] == [f"{HOME}/learning/modules/intro"]
    assert [a["id"] for a in activities["grouping"]] == [f"{HOME}/learning/"]
    assert asked["context"]["extensions"][f"{EXT}arm"] == "self_paced"
    assert "result" not in asked
    parent = scenario["context"]["contextActivities"]["parent"][0]
    assert parent["id"] == f"{HOME}/practice/scenarios/small"
    assert parent["definition"]["name"] == {"en-US": "A small scenario"}
    # Deterministic: the same posts give the same ids in a later export.
    again = [json.loads(line) for line in export_zip()["xapi.jsonl"].decode().splitlines()]
    assert [s["id"] for s in again if "/discussion/" in s["object"]["id"]] == [
        s["id"] for s in talk
    ]


def test_since_keeps_only_posts_written_since(faculty_activity, export_zip, post):
    fresh = clock.now_utc().replace(microsecond=0)
    post(faculty_activity.people["bob"], "module", "intro", "question", fresh)
    since = export_zip(since=fresh.strftime("%Y-%m-%dT%H:%M:%SZ"))
    talk = [
        json.loads(line)
        for line in since["xapi.jsonl"].decode().splitlines()
        if "/discussion/" in line
    ]
    assert [(s["actor"]["account"]["name"], s["verb"]["id"]) for s in talk] == [
        (faculty_activity.people["bob"].study_id, ADL_VERB + "asked")
    ]


def _iso(seeded, hours: int) -> str:
    return (seeded.start + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")
