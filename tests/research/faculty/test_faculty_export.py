"""discussion_participation.csv, discussion_posts.csv and feedback_reviews.csv."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

from course import clock

from .conftest import COMMENT


def rows(files, name):
    return list(csv.DictReader(io.StringIO(files[name].decode("utf-8"))))


def _iso(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_participation_counts_every_post_and_the_hours_to_each_answer(faculty_activity, export_zip):
    files = export_zip()
    table = rows(files, "discussion_participation.csv")
    assert list(table[0]) == [
        "study_id", "arm", "posts", "questions", "discussion_posts", "replies",
        "questions_answered", "median_hours_to_answer", "mean_hours_to_answer",
        "first_post_at", "last_post_at",
    ]  # fmt: skip
    people, t0 = faculty_activity.people, faculty_activity.start
    by_id = {r["study_id"]: r for r in table}
    # Every consenting participant has a row; the withdrawn and the open arm have none.
    assert set(by_id) == {people[k].study_id for k in ("alice", "bob", "idle")}
    alice = by_id[people["alice"].study_id]
    # Three questions (one withdrawn), a hidden discussion post and a reply: all posted.
    assert [alice[c] for c in table[0]][1:9] == ["self_paced", "5", "3", "1", "1", "2", "4", "4"]
    assert alice["first_post_at"] == _iso(t0)
    assert alice["last_post_at"] == _iso(t0 + timedelta(hours=96))
    bob = by_id[people["bob"].study_id]
    assert [bob[c] for c in table[0]][2:9] == ["1", "0", "1", "0", "0", "", ""]
    idle = by_id[people["idle"].study_id]
    assert (idle["arm"], idle["posts"], idle["first_post_at"]) == ("workshop", "0", "")
    assert json.loads(files["manifest.json"])["rows"]["discussion_participation.csv"] == 3


def test_uneven_hours_give_different_median_and_mean(make_user, course, post, answer, export_zip):
    asker, trainer = make_user("therapist", arm="self_paced"), make_user("trainer")
    t0 = clock.now_utc().replace(microsecond=0) - timedelta(days=5)
    for n, hours in enumerate((1, 2, 9)):
        question = post(asker, "module", "intro", "question", t0 + timedelta(days=n))
        reply = post(trainer, "module", "intro", "reply", t0 + timedelta(days=n), question)
        answer(question, reply, t0 + timedelta(days=n, hours=hours, minutes=30), trainer)
    [row] = rows(export_zip(), "discussion_participation.csv")
    assert (row["median_hours_to_answer"], row["mean_hours_to_answer"]) == ("2.5", "4.5")


def test_every_post_is_a_row_with_faculty_only_as_the_label(faculty_activity, export_zip):
    files = export_zip()
    table = rows(files, "discussion_posts.csv")
    assert list(table[0]) == [
        "post_id", "parent_id", "study_id", "arm", "kind", "subject", "slug", "created_at",
        "is_answer", "answered_at", "withdrawn", "hidden", "length", "title", "body", "language",
    ]  # fmt: skip
    assert {r["language"] for r in table} == {"en"}
    ids, people, t0 = faculty_activity.posts, faculty_activity.people, faculty_activity.start
    alice, bob = people["alice"].study_id, people["bob"].study_id
    seen = [
        (int(r["post_id"]), r["study_id"], r["kind"], r["subject"], r["slug"], r["is_answer"],
         r["withdrawn"], r["hidden"])
        for r in table
    ]  # fmt: skip
    assert seen == [
        (ids["q1"], alice, "question", "module", "intro", "", "0", "0"),
        (ids["r1"], "faculty", "reply", "module", "intro", "1", "0", "0"),
        (ids["r1b"], "faculty", "reply", "module", "intro", "0", "0", "0"),
        (ids["q2"], alice, "question", "scenario", "small", "", "0", "0"),
        (ids["r2"], "faculty", "reply", "scenario", "small", "1", "0", "0"),
        (ids["q3"], alice, "question", "module", "intro", "", "1", "0"),
        (ids["d1"], alice, "discussion", "scenario", "small", "", "0", "1"),
        (ids["ra"], alice, "reply", "module", "intro", "0", "0", "0"),
        (ids["d2"], bob, "discussion", "module", "intro", "", "0", "0"),
    ]  # Olive's question and its faculty reply, faculty's own post, Wendy's: all left out
    by_id = {int(r["post_id"]): r for r in table}
    q1, r1, ra = by_id[ids["q1"]], by_id[ids["r1"]], by_id[ids["ra"]]
    assert (q1["answered_at"], q1["created_at"]) == (_iso(t0 + timedelta(hours=3)), _iso(t0))
    assert (q1["parent_id"], r1["parent_id"], r1["arm"]) == ("", str(ids["q1"]), "")
    assert ra["parent_id"] == str(ids["o1"])  # a reply under a post that is not exported
    assert q1["length"] == str(len("How do I name it?")) and by_id[ids["q3"]]["length"] == "0"
    assert by_id[ids["d1"]]["length"] == str(len("My client Zed Zebra went quiet."))
    assert {(r["title"], r["body"]) for r in table} == {("", "")}  # no free text unless asked
    assert json.loads(files["manifest.json"])["rows"]["discussion_posts.csv"] == 9


def test_titles_and_bodies_only_with_free_text_and_never_of_hidden_posts(
    faculty_activity, export_zip
):
    table = rows(export_zip(include_free_text="y"), "discussion_posts.csv")
    by_id = {int(r["post_id"]): r for r in table}
    ids = faculty_activity.posts
    assert (by_id[ids["q1"]]["title"], by_id[ids["q1"]]["body"]) == ("A title", "How do I name it?")
    assert (by_id[ids["r1"]]["title"], by_id[ids["r1"]]["body"]) == ("", "Say so.")
    assert (by_id[ids["ra"]]["body"], by_id[ids["d2"]]["body"]) == ("Same here.", "Helpful.")
    assert (by_id[ids["q3"]]["title"], by_id[ids["q3"]]["body"]) == ("", "")  # withdrawn
    assert (by_id[ids["d1"]]["title"], by_id[ids["d1"]]["body"]) == ("", "")  # hidden


def test_each_review_is_a_row_with_a_rater_code_beside_the_self_ratings(
    faculty_activity, export_zip
):
    files = export_zip()
    table = rows(files, "feedback_reviews.csv")
    assert list(table[0]) == [
        "study_id", "arm", "drill_set", "item", "level", "response_id", "rater_number", "rater",
        "scores", "mean_score", "self_ratings", "mean_self_rating", "requested_at",
        "reviewed_at", "comment",
    ]  # fmt: skip
    people, ids, t0 = faculty_activity.people, faculty_activity.posts, faculty_activity.start
    alice, bob = people["alice"].study_id, people["bob"].study_id
    assert [
        (r["study_id"], r["drill_set"], r["item"], r["level"], r["response_id"],
         r["rater_number"], r["rater"], r["scores"], r["mean_score"], r["self_ratings"],
         r["mean_self_rating"])
        for r in table
    ] == [
        (alice, "withdrawal", "fine-b1", "beginner", str(ids["mine"]), "1", "F1",
         "observe=4;invite=2", "3", "observe=5;invite=4", "4.5"),
        (alice, "withdrawal", "fine-b1", "beginner", str(ids["mine"]), "2", "F2",
         "observe=4;invite=3", "3.5", "observe=5;invite=4", "4.5"),
        (bob, "withdrawal", "storm-i1", "intermediate", str(ids["his"]), "1", "F2",
         "observe=2;own=4", "3", "observe=3;own=2", "2.5"),
    ]  # fmt: skip
    reviewed = {(r["response_id"], r["item"]) for r in table}
    responses = {(r["response_id"], r["item"]) for r in rows(files, "drill_responses.csv")}
    assert reviewed <= responses  # a review joins to its response by response_id
    first = table[0]
    assert first["requested_at"] == _iso(t0 + timedelta(hours=111))
    assert first["reviewed_at"] == _iso(t0 + timedelta(hours=112))
    assert {r["comment"] for r in table} == {""}
    comments = [
        r["comment"] for r in rows(export_zip(include_free_text="y"), "feedback_reviews.csv")
    ]
    assert comments == [COMMENT, "Warm.", "Own it more."]
    assert "F<n> codes" in json.loads(files["manifest.json"])["notes"]["faculty"]


def test_no_name_or_email_anywhere_and_no_text_without_free_text(faculty_activity, export_zip):
    files = export_zip()
    forbidden = [
        "Alice", "Ashdown", "Birchwood", "Wendy", "Olive", "Ivan", "Tara", "Trainer", "Sam Second",
        "@example.org", "Zed", "How do I name it", "Say so", "Own it more",
        faculty_activity.people["gone"].study_id, faculty_activity.people["open"].study_id,
    ]  # fmt: skip
    for name, data in files.items():
        text = data.decode("utf-8")
        for word in forbidden:
            assert word not in text, f"{word!r} found in {name}"
    # With free text the words people wrote appear, but still no account's name or e-mail.
    loose = export_zip(include_free_text="y")
    for name in ("discussion_posts.csv", "feedback_reviews.csv", "discussion_participation.csv"):
        text = loose[name].decode("utf-8")
        for word in ("Ashdown", "Tara", "Trainer", "Sam Second", "@example.org", "Wendy", "Zed"):
            assert word not in text, f"{word!r} found in {name}"


def test_a_withdrawn_participant_and_the_replies_to_them_are_left_out(
    faculty_activity, export_zip, withdraw
):
    withdraw(faculty_activity.people["alice"])
    files = export_zip()
    bob = faculty_activity.people["bob"].study_id
    assert [r["study_id"] for r in rows(files, "discussion_posts.csv")] == [bob]
    assert [r["study_id"] for r in rows(files, "feedback_reviews.csv")] == [bob]
    alice = faculty_activity.people["alice"].study_id
    for name in ("discussion_participation.csv", "xapi.jsonl", "redcap_import.csv"):
        assert alice not in files[name].decode(), name


def test_dates_and_since_apply_to_posts_and_reviews_not_to_participation(
    faculty_activity, export_zip, post
):
    t0 = faculty_activity.start
    later = (t0 + timedelta(days=4)).date().isoformat()  # hour 96 onwards
    files = export_zip(start=later)
    posts = rows(files, "discussion_posts.csv")
    assert {int(r["post_id"]) for r in posts} == {faculty_activity.posts[k] for k in ("ra", "d2")}
    assert len(rows(files, "feedback_reviews.csv")) == 3
    assert len(rows(files, "discussion_participation.csv")) == 3  # current state, always
    earlier = export_zip(end=(t0 + timedelta(days=1)).date().isoformat())
    assert rows(earlier, "feedback_reviews.csv") == []
    alice = faculty_activity.people["alice"]
    fresh = post(alice, "module", "intro", "question", clock.now_utc())
    since = export_zip(since=clock.now_utc().date().isoformat() + "T00:00:00Z")
    assert [int(r["post_id"]) for r in rows(since, "discussion_posts.csv")] == [fresh]
    assert rows(since, "feedback_reviews.csv") == []
