"""Bulk seeding for the export benchmark: many therapists, a million events (no per-row ORM).

Runs inside an app context (bench.harness Site.python). Rows go in with executemany on
SQLite and COPY on PostgreSQL, so seeding takes a minute or two rather than an hour.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import case, func, insert, select
from werkzeug.security import generate_password_hash

from bench.harness import PASSWORD
from course import clock
from course.assessments.models import QuizAttempt
from course.auth.models import User
from course.catalog.models import Module, ModuleRevision, Quiz
from course.consultations.models import Attendance, Booking, ConsultationSession
from course.extensions import db
from course.learning.models import (
    ACTION_COLUMNS,
    ModuleProgress,
    ProgressEvent,
    VideoActions,
    VideoProgress,
)
from course.research import aggregates
from course.research.allocation import randomize_pending
from course.research.consent import current_version
from course.research.models import ConsentRecord
from course.surveys.models import SurveyAnswer, SurveyResponse, SurveyScore

REGIONS = ("ON", "QC", "BC", "AB")
PROFESSIONS = ("psychologist", "social_worker", "psychotherapist")
EVENT_COLUMNS = (
    "user_id",
    "client_id",
    "module_revision_id",
    "type",
    "video_key",
    "seconds",
    "position_from",
    "position_to",
    "duration",
    "occurred_at",
    "received_at",
)
CHUNK = 50_000


def _people(n: int, start: datetime) -> list[int]:
    password = generate_password_hash(PASSWORD, "pbkdf2:sha256:1000")
    rng = random.Random(7)
    rows = [
        {
            "email": f"bench.therapist{i}@example.org",
            "name": f"Bench Therapist {i}",
            "password_hash": password,
            "role": "therapist",
            "timezone": "America/Toronto",
            "study_id": f"P-B{i:07d}",
            "arm": "control",
            "profession": rng.choice(PROFESSIONS),
            "region": rng.choice(REGIONS),
            "active": True,
            "created_at": start + timedelta(minutes=i),
        }
        for i in range(n)
    ]
    db.session.execute(insert(User), rows)
    ids = list(
        db.session.scalars(select(User.id).where(User.role == "therapist").order_by(User.id))
    )
    db.session.execute(
        insert(ConsentRecord),
        [
            {
                "user_id": uid,
                "version": current_version(),  # randomize_pending takes only these
                "decision": "accepted",
                "at": start + timedelta(minutes=i, seconds=30),
            }
            for i, uid in enumerate(ids)
        ],
    )
    return ids


def _events(ids, revisions, start: datetime, total: int):
    """Yield event rows: per therapist, active beats and video activity over their modules."""
    rng = random.Random(11)
    per_user = total // len(ids)
    for uid in ids:
        at = start + timedelta(days=rng.randint(0, 60), hours=rng.randint(0, 23))
        for n in range(per_user):
            revision_id, key = revisions[n * len(revisions) // per_user]
            at += timedelta(seconds=15)
            roll = rng.random()
            base = (uid, f"b{uid}-{n}", revision_id)
            if roll < 0.6 or key is None:
                yield (*base, "active", None, 15.0, None, None, None, at, at)
            elif roll < 0.85:
                start_at = rng.uniform(0, 290)
                yield (*base, "played", key, None, start_at, start_at + 10, 300.0, at, at)
            else:
                kind = rng.choice(("play", "pause", "seek", "ended"))
                position = rng.uniform(0, 300)
                end = position + 20 if kind == "seek" else None
                yield (*base, kind, key, None, position, end, 300.0, at, at)


def _copy_line(row) -> str:
    """One row in PostgreSQL's COPY text format (tabs, \\N for NULL): text made here
    costs a fraction of psycopg's per-row ``write_row`` at ten million rows."""
    return "\t".join("\\N" if value is None else str(value) for value in row)


def _sqlite_time(moment: datetime) -> str:
    """A UTC time as SQLAlchemy stores a DateTime on SQLite (naive, microseconds)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _copy_events(rows) -> None:
    """Events in bulk, inside the seeding's one transaction: COPY on PostgreSQL; on
    SQLite, the driver's executemany of plain tuples in big chunks, with a big page
    cache for the seeding connection (the indexes are built as rows arrive)."""
    connection = db.session.connection()
    raw = connection.connection.driver_connection
    if connection.dialect.name == "postgresql":
        with (
            raw.cursor() as cursor,
            cursor.copy(f"COPY progress_events ({', '.join(EVENT_COLUMNS)}) FROM STDIN") as copy,
        ):
            block = []
            for row in rows:
                block.append(_copy_line(row))
                if len(block) == CHUNK:
                    copy.write("\n".join(block) + "\n")
                    block = []
            if block:
                copy.write("\n".join(block) + "\n")
        connection.exec_driver_sql("ANALYZE progress_events")  # fresh statistics for the plans
        return
    connection.exec_driver_sql("PRAGMA cache_size = -262144")  # 256 MB of page cache
    columns, marks = ", ".join(EVENT_COLUMNS), ", ".join("?" * len(EVENT_COLUMNS))
    sql = f"INSERT INTO progress_events ({columns}) VALUES ({marks})"  # noqa: S608 - constants
    cursor = raw.cursor()
    batch = []
    for row in rows:
        batch.append((*row[:-2], _sqlite_time(row[-2]), _sqlite_time(row[-1])))
        if len(batch) == CHUNK:
            cursor.executemany(sql, batch)
            batch = []
    if batch:
        cursor.executemany(sql, batch)
    cursor.close()


def _count_actions() -> None:
    """What ingestion keeps of the seeded plays, pauses, seeks and ends: one grouped
    INSERT ... SELECT (the events went in bypassing ingestion)."""
    e = ProgressEvent
    counts = (
        select(
            e.user_id,
            e.module_revision_id,
            e.video_key,
            *(func.sum(case((e.type == kind, 1), else_=0)) for kind in ACTION_COLUMNS),
        )
        .where(e.type.in_(tuple(ACTION_COLUMNS)))
        .group_by(e.user_id, e.module_revision_id, e.video_key)
    )
    columns = ["user_id", "module_revision_id", "video_key", *ACTION_COLUMNS.values()]
    db.session.execute(insert(VideoActions).from_select(columns, counts))


def seed(therapists: int = 1000, events: int = 1_000_000) -> dict:
    """Create the data set; returns counts."""
    start = datetime(2026, 1, 5, tzinfo=UTC)
    with clock.frozen(start + timedelta(days=90)):
        ids = _people(therapists, start)
        researcher = User(
            email="bench.researcher@example.org",
            name="Bench Researcher",
            role="researcher",
            password_hash=generate_password_hash(PASSWORD, "pbkdf2:sha256:1000"),
            timezone="America/Toronto",
            study_id="R-BENCH001",
            created_at=start,
        )
        trainer = User(
            email="bench.trainer@example.org",
            name="Bench Trainer",
            role="trainer",
            password_hash=researcher.password_hash,
            timezone="America/Toronto",
            study_id="T-BENCH001",
            created_at=start,
        )
        db.session.add_all([researcher, trainer])
        db.session.flush()
        randomize_pending(researcher)
        db.session.flush()
        published = db.session.execute(
            select(Module.id, ModuleRevision.id, ModuleRevision.videos)
            .join(ModuleRevision, ModuleRevision.id == Module.published_revision_id)
            .order_by(ModuleRevision.order)
        ).all()
        revisions = [(rid, (videos or [{}])[0].get("key")) for _, rid, videos in published]
        _copy_events(_events(ids, revisions, start, events))
        _count_actions()
        rng = random.Random(5)
        progress, videos, attempts = [], [], []
        quizzes = dict(db.session.execute(select(Quiz.slug, Quiz.id)).all())
        slugs = dict(db.session.execute(select(Module.id, Module.slug)).all())
        for uid in ids:
            reached = rng.randint(1, len(published))
            for m, (module_id, rid, vids) in enumerate(published[:reached]):
                at = start + timedelta(days=rng.randint(0, 80))
                done = m < reached - 1 or rng.random() < 0.5
                progress.append(
                    {
                        "user_id": uid,
                        "module_id": module_id,
                        "started_at": at,
                        "last_activity_at": at + timedelta(minutes=40),
                        "active_seconds": rng.uniform(300, 3600),
                        "completed_at": at + timedelta(minutes=40) if done else None,
                        "completed_revision_id": rid if done else None,
                    }
                )
                for video in vids or ():
                    watched = rng.uniform(30, 300)
                    videos.append(
                        {
                            "user_id": uid,
                            "module_revision_id": rid,
                            "video_key": video["key"],
                            "intervals": [[0.0, watched]],
                            "watched_seconds": watched,
                            "duration": 300.0,
                            "updated_at": at,
                        }
                    )
                quiz_id = quizzes.get(slugs[module_id])
                if quiz_id is None:
                    continue
                for number in (1, 2):
                    correct = {f"q{k}": rng.random() < 0.7 for k in range(5)}
                    score = 100 * sum(correct.values()) / 5
                    attempts.append(
                        {
                            "user_id": uid,
                            "quiz_id": quiz_id,
                            "quiz_revision_id": quiz_id,
                            "layout": [{"question": q, "options": []} for q in correct],
                            "answers": {q: ["a"] for q in correct},
                            "correct": correct,
                            "score": score,
                            "passed": score >= 80,
                            "number": number,
                            "started_at": at,
                            "submitted_at": at + timedelta(minutes=5),
                        }
                    )
        db.session.execute(insert(ModuleProgress), progress)
        db.session.execute(insert(VideoProgress), videos)
        quiz_revision = dict(db.session.execute(select(Quiz.id, Quiz.published_revision_id)).all())
        for attempt in attempts:
            attempt["quiz_revision_id"] = quiz_revision[attempt["quiz_id"]]
        db.session.execute(insert(QuizAttempt), attempts)
        _surveys_and_consultations(ids, trainer.id, start, rng)
        # Rows went in bypassing the signals: recompute the research aggregates from them.
        aggregates.rebuild()
        db.session.commit()
        count = db.session.scalar(select(func.count(ProgressEvent.id)))
    return {
        "therapists": len(ids),
        "events": count,
        "module_progress": len(progress),
        "quiz_attempts": len(attempts),
    }


def _surveys_and_consultations(ids, trainer_id: int, start: datetime, rng) -> None:
    sessions = []
    for n in range(40):
        at = start + timedelta(days=14 * (n % 10), hours=n)
        sessions.append(
            {
                "kind": "individual",
                "title": f"Slot {n}",
                "trainer_id": trainer_id,
                "timezone": "America/Toronto",
                "starts_at": at,
                "ends_at": at + timedelta(hours=1),
                "capacity": 60,
                "seats_taken": 0,
                "meeting_url": "https://meet.example.org/x",
                "created_at": at,
                "updated_at": at,
            }
        )
    db.session.execute(insert(ConsultationSession), sessions)
    session_ids = list(db.session.scalars(select(ConsultationSession.id)))
    bookings = []
    for uid in ids:
        for sid in rng.sample(session_ids, 4):
            bookings.append(
                {
                    "session_id": sid,
                    "user_id": uid,
                    "source": "slot",
                    "status": "booked",
                    "created_at": start,
                }
            )
    db.session.execute(insert(Booking), bookings)
    booking_ids = list(db.session.scalars(select(Booking.id)))
    db.session.execute(
        insert(Attendance),
        [
            {
                "booking_id": b,
                "status": rng.choice(("attended", "attended", "no_show")),
                "recorded_at": start,
            }
            for b in booking_ids
        ],
    )
    responses = [
        {
            "user_id": uid,
            "survey": "acceptability",
            "trigger": "after_course",
            "status": "submitted",
            "started_at": start,
            "updated_at": start,
            "submitted_at": start + timedelta(days=rng.randint(20, 80)),
        }
        for uid in ids
        if rng.random() < 0.6
    ]
    db.session.execute(insert(SurveyResponse), responses)
    answers, scores = [], []
    for rid in db.session.scalars(select(SurveyResponse.id)):
        for instrument in ("aim", "iam", "fim"):
            values = [rng.randint(2, 5) for _ in range(4)]
            answers += [
                {
                    "response_id": rid,
                    "instrument": instrument,
                    "item": f"{instrument}_{k + 1}",
                    "choice": v,
                }
                for k, v in enumerate(values)
            ]
            scores.append(
                {
                    "response_id": rid,
                    "instrument": instrument,
                    "value": sum(values) / 4,
                    "answered": 4,
                    "missing": 0,
                    "rule": "mean of 4 answered items (needs ≥ 3 of 4)",
                }
            )
        scores.append(
            {
                "response_id": rid,
                "instrument": "sus",
                "value": rng.randint(40, 100) * 1.0,
                "answered": 10,
                "missing": 0,
                "rule": "SUS",
            }
        )
    db.session.execute(insert(SurveyAnswer), answers)
    db.session.execute(insert(SurveyScore), scores)
