"""Research fixtures: a consent text, and therapists with activity in every table."""

from __future__ import annotations

import io
import shutil
import zipfile
from datetime import timedelta

import pytest

from course import clock
from course.assessments.models import QuizAttempt
from course.auth.models import User
from course.catalog import published_drills, published_scenario
from course.catalog.models import Module, Quiz
from course.consultations.models import Attendance, Booking, ConsultationSession
from course.extensions import db
from course.learning.models import ModuleProgress, ProgressEvent, VideoActions, VideoProgress
from course.practice.models import DrillResponse, ScenarioChoice, ScenarioRun
from course.research import aggregates, consent
from course.surveys.models import SurveyAnswer, SurveyResponse, SurveyScore

CONSENT_TEXT = "# Consent\n\nYou may **withdraw** at any time.\n"


@pytest.fixture
def settings(settings, tmp_path):
    """The suite's settings with a consent text for the test course's version "1"."""
    folder = tmp_path / "consent"
    folder.mkdir()
    (folder / "consent-1.md").write_text(CONSENT_TEXT)
    return {**settings, "RESEARCH_CONSENT_DIR": str(folder)}


@pytest.fixture
def seed_activity(app):
    """``seed_activity(user, free_text=...)``: progress, video, quiz, survey, consultation."""

    def seed(user, *, free_text: str = "It was useful for my practice.", days_ago: int = 2):
        now = clock.now_utc() - timedelta(days=days_ago)
        with app.app_context():
            module = db.session.scalar(db.select(Module).where(Module.slug == "intro"))
            revision = module.published
            key = revision.videos[0]["key"]
            quiz = db.session.scalar(db.select(Quiz).where(Quiz.slug == "intro"))
            db.session.add(
                ModuleProgress(
                    user_id=user.id,
                    module_id=module.id,
                    started_at=now,
                    last_activity_at=now + timedelta(minutes=5),
                    active_seconds=300.0,
                    completed_at=now + timedelta(minutes=5),
                    completed_revision_id=revision.id,
                )
            )
            events = [
                ("active", None, 15.0, None, None),
                ("play", key, None, 0.0, None),
                ("played", key, None, 0.0, 5.0),
                ("pause", key, None, 5.0, None),
                ("seek", key, None, 5.0, 8.0),
                ("played", key, None, 8.0, 10.0),
                ("ended", key, None, 10.0, None),
            ]
            for n, (kind, video, seconds, start, end) in enumerate(events):
                db.session.add(
                    ProgressEvent(
                        user_id=user.id,
                        client_id=f"c{user.id}-{n:04d}",
                        module_revision_id=revision.id,
                        type=kind,
                        video_key=video,
                        seconds=seconds,
                        position_from=start,
                        position_to=end,
                        duration=10.0 if video else None,
                        occurred_at=now + timedelta(seconds=n),
                        received_at=now + timedelta(seconds=n),
                    )
                )
            db.session.add(
                VideoProgress(
                    user_id=user.id,
                    module_revision_id=revision.id,
                    video_key=key,
                    intervals=[[0.0, 5.0], [8.0, 10.0]],
                    watched_seconds=7.0,
                    duration=10.0,
                    updated_at=now,
                )
            )
            db.session.add(  # what ingestion keeps of the play, pause, seek and end above
                VideoActions(
                    user_id=user.id,
                    module_revision_id=revision.id,
                    video_key=key,
                    plays=1,
                    pauses=1,
                    seeks=1,
                    ends=1,
                )
            )
            quiz_revision = quiz.published
            questions = [q["id"] for q in quiz_revision.questions]
            first_option = {q["id"]: [q["options"][0]["id"]] for q in quiz_revision.questions}
            db.session.add(
                QuizAttempt(
                    user_id=user.id,
                    quiz_id=quiz.id,
                    quiz_revision_id=quiz_revision.id,
                    layout=[{"question": q, "options": []} for q in questions],
                    answers=first_option,
                    correct={q: i == 0 for i, q in enumerate(questions)},
                    score=50.0,
                    passed=False,
                    number=1,
                    started_at=now,
                    submitted_at=now + timedelta(minutes=2),
                )
            )
            response = SurveyResponse(
                user_id=user.id,
                survey="acceptability",
                trigger="after_course",
                status="submitted",
                started_at=now,
                updated_at=now,
                submitted_at=now + timedelta(minutes=10),
            )
            db.session.add(response)
            db.session.flush()
            for item, value in (("aim_1", 4), ("aim_2", 5), ("aim_3", 4), ("aim_4", 5)):
                db.session.add(
                    SurveyAnswer(response_id=response.id, instrument="aim", item=item, choice=value)
                )
            db.session.add(
                SurveyAnswer(
                    response_id=response.id,
                    instrument="open-ended",
                    item="open_use",
                    text=free_text,
                )
            )
            db.session.add(
                SurveyScore(
                    response_id=response.id,
                    instrument="aim",
                    value=4.5,
                    answered=4,
                    missing=0,
                    rule="mean of 4 answered items (needs ≥ 3 of 4)",
                )
            )
            trainer = db.session.scalar(db.select(User).where(User.role == "trainer"))
            if trainer is not None:
                session = ConsultationSession(
                    kind="individual",
                    title="One to one",
                    trainer_id=trainer.id,
                    timezone="America/Toronto",
                    starts_at=now,
                    ends_at=now + timedelta(hours=1),
                    capacity=1,
                    seats_taken=1,
                    meeting_url="https://meet.example.org/x",
                )
                db.session.add(session)
                db.session.flush()
                booking = Booking(session_id=session.id, user_id=user.id, source="slot")
                db.session.add(booking)
                db.session.flush()
                db.session.add(
                    Attendance(
                        booking_id=booking.id,
                        status="attended",
                        private_note="Seemed tired today, mentioned Dr. Secretnote.",
                    )
                )
            # Rows added directly skip the signals that keep the aggregates: recompute them,
            # as bulk loads do.
            aggregates.rebuild()
            db.session.commit()

    return seed


def unzip(data: bytes) -> dict[str, bytes]:
    """Every file of a zip archive by name."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.fixture
def researcher(make_user):
    """A researcher account."""
    return make_user("researcher", name="Riley Researcher")


@pytest.fixture
def export_zip(client, login, csrf, researcher):
    """``export_zip(**filters)``: sign in as the researcher and download through the page."""

    def download(**filters) -> dict[str, bytes]:
        login(researcher)
        data = {"csrf_token": csrf(client), **filters}
        response = client.post("/research/exports", data=data)
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        assert response.mimetype == "application/zip"
        return unzip(response.get_data())

    return download


#: A second scenario whose points gather along the way (small.yaml's do not before an end).
STEADY = """\
title: A steady scenario
summary: Points along the way.
steps:
  - id: first
    moment: The client hesitates.
    choices:
      - {id: warm, text: Stay warm, goto: second, feedback: Good., points: 2, tags: [attuned]}
  - id: second
    moment: The client goes on.
    choices:
      - {id: warmer, text: Stay warmer, goto: done, feedback: Better., points: 3}
  - id: done
    moment: The end.
    ending: {title: Done, debrief: Well done.}
"""


@pytest.fixture
def practice_course(tmp_path, fixture_root, import_course):
    """The test course plus scenarios/small.yaml, drills/withdrawal.yaml and a steady
    scenario, imported; returns the course folder (to add files and import again)."""
    root = tmp_path / "course"
    shutil.copytree(fixture_root, root)
    shutil.copytree(fixture_root.parent / "practice" / "scenarios", root / "scenarios")
    shutil.copytree(fixture_root.parent / "practice" / "drills", root / "drills")
    (root / "scenarios" / "steady.yaml").write_text(STEADY)
    import_course(root)
    return root


def _settle(steps: dict, step_id: str, points: int) -> str:
    while steps[step_id]["branch"]:
        step_id = next(
            rule["goto"]
            for rule in steps[step_id]["branch"]
            if rule["at_least"] is None or points >= rule["at_least"]
        )
    return step_id


@pytest.fixture
def play(app):
    """``play(user, slug, *choices, at=None, gap=1 minute)``: a new run of the published
    scenario taking these choices, ``gap`` apart, as the player would record them."""

    def run(user, slug: str, *choices: str, at=None, gap=timedelta(minutes=1)) -> int:
        when = at or clock.now_utc()
        with app.app_context():
            revision = published_scenario(slug)
            steps = {s["id"]: s for s in revision.steps}
            number = db.session.scalar(
                db.select(db.func.count(ScenarioRun.id)).where(
                    ScenarioRun.user_id == user.id,
                    ScenarioRun.scenario_id == revision.scenario_id,
                )
            )
            played = ScenarioRun(
                user_id=user.id,
                scenario_id=revision.scenario_id,
                revision_id=revision.id,
                number=number + 1,
                current_step=_settle(steps, revision.start, 0),
                position=0,
                points=0,
                started_at=when,
            )
            db.session.add(played)
            db.session.flush()
            for position, choice_id in enumerate(choices, start=1):
                when += gap
                step = steps[played.current_step]
                choice = next(c for c in step["choices"] if c["id"] == choice_id)
                db.session.add(
                    ScenarioChoice(
                        run_id=played.id,
                        position=position,
                        step_id=step["id"],
                        choice_id=choice_id,
                        tags=list(choice["tags"]),
                        points=choice["points"],
                        at=when,
                    )
                )
                played.position, played.points = position, played.points + choice["points"]
                played.current_step = _settle(steps, choice["goto"], played.points)
                if steps[played.current_step]["ending"]:
                    played.ended_at = when
            db.session.commit()
            return played.id

    return run


@pytest.fixture
def respond(app):
    """``respond(user, set, item, text, ratings=None, difficulty=None, at=None)``: a drill
    response to the published revision, rated a minute later when ``ratings`` are given."""

    def answer(user, slug, item_id, text, ratings=None, difficulty="about_right", at=None):
        when = at or clock.now_utc()
        with app.app_context():
            revision = published_drills(slug)
            response = DrillResponse(
                user_id=user.id,
                drill_set_id=revision.drill_set_id,
                revision_id=revision.id,
                item_id=item_id,
                level=revision.item(item_id)["level"],
                text=text,
                length=len(text),
                created_at=when,
            )
            if ratings is not None:
                response.ratings, response.difficulty = ratings, difficulty
                response.rated_at = when + timedelta(minutes=1)
            db.session.add(response)
            db.session.commit()
            return response.id

    return answer


@pytest.fixture
def seed_practice(play, respond):
    """``seed_practice(user, text=..., days_ago=2)``: three runs of the small scenario (one
    to each ending, one under way) and three drill responses (two rated)."""

    def seed(user, *, text: str = "I notice you said that quickly.", days_ago: int = 2):
        start = clock.now_utc() - timedelta(days=days_ago)
        play(user, "small", "move-on", "second-chance", at=start)  # 0 + 1: partial
        play(user, "small", "name-it", at=start + timedelta(minutes=10))  # 2: repaired
        play(user, "small", "move-on", at=start + timedelta(minutes=20))  # under way
        later = start + timedelta(minutes=30)
        respond(user, "withdrawal", "fine-b1", text, {"observe": 4, "invite": 2}, at=later)
        respond(user, "withdrawal", "storm-i1", text + " Again.", {"own": 5, "observe": 3},
                "too_hard", at=later + timedelta(minutes=5))  # fmt: skip
        respond(user, "withdrawal", "fine-b2", text + " Unrated.", at=later + timedelta(minutes=10))

    return seed


@pytest.fixture
def withdraw(app):
    """``withdraw(user)``: the therapist withdraws from the research, as on their page."""

    def leave(user) -> None:
        with app.app_context():
            consent.withdraw(db.session.get(User, user.id))
            db.session.commit()

    return leave
