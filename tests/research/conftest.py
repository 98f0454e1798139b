"""Research fixtures: a consent text, and therapists with activity in every table."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest

from course import clock
from course.assessments.models import QuizAttempt
from course.auth.models import User
from course.catalog.models import Module, Quiz
from course.consultations.models import Attendance, Booking, ConsultationSession
from course.extensions import db
from course.learning.models import ModuleProgress, ProgressEvent, VideoProgress
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
