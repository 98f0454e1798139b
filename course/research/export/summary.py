"""Per-participant summaries shared by participants.csv and the REDCap record.

Each is one GROUP BY over the included people, so the cost does not grow with events.
Features that may not be installed (consultations, surveys, certificates) are read
lazily: without them the summary is simply empty.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Integer, distinct, func, select

from course.certificates import models as certificates_models
from course.consultations import models as consultations_models
from course.extensions import db
from course.learning.completion import watched_percent
from course.learning.models import IntegrityEvent, ModuleProgress, VideoProgress
from course.practice.models import DrillResponse, ScenarioRun
from course.research.aggregates import QuizStanding
from course.research.export.context import stream
from course.surveys import models as surveys_models


def module_summary(scope) -> dict[int, dict[int, dict[str, Any]]]:
    """user -> module id -> started_at, active_seconds, completed_at, last_activity_at."""
    rows = db.session.execute(
        select(
            ModuleProgress.user_id,
            ModuleProgress.module_id,
            ModuleProgress.started_at,
            ModuleProgress.active_seconds,
            ModuleProgress.completed_at,
            ModuleProgress.last_activity_at,
        ).where(*scope(ModuleProgress.user_id))
    )
    out: dict[int, dict[int, dict[str, Any]]] = defaultdict(dict)
    for user_id, module_id, started, seconds, completed, last in rows:
        out[user_id][module_id] = {
            "started_at": started,
            "active_seconds": seconds,
            "completed_at": completed,
            "last_activity_at": last,
        }
    return out


def integrity_summary(scope) -> dict[int, dict[str, float]]:
    """user -> batches cut, active seconds cut, video seconds cut (the integrity log)."""
    cut = IntegrityEvent.claimed - IntegrityEvent.credited
    rows = db.session.execute(
        select(IntegrityEvent.user_id, IntegrityEvent.kind, func.count(), func.sum(cut))
        .where(*scope(IntegrityEvent.user_id))
        .group_by(IntegrityEvent.user_id, IntegrityEvent.kind)
    )
    out: dict[int, dict[str, float]] = defaultdict(
        lambda: {"batches": 0, "active": 0.0, "video": 0.0}
    )
    for user_id, kind, batches, seconds in rows:
        out[user_id]["batches"] += batches
        # Time with a transcript open is active time: its cuts count as active seconds.
        out[user_id]["video" if kind == "video" else "active"] += seconds or 0.0
    return out


def video_summary(scope) -> dict[int, dict[int, dict[str, float]]]:
    """user -> module revision -> video key -> percent watched."""
    out: dict[int, dict[int, dict[str, float]]] = defaultdict(lambda: defaultdict(dict))
    for user_id, revision_id, key, watched, duration in db.session.execute(
        select(
            VideoProgress.user_id,
            VideoProgress.module_revision_id,
            VideoProgress.video_key,
            VideoProgress.watched_seconds,
            VideoProgress.duration,
        ).where(*scope(VideoProgress.user_id))
    ):
        out[user_id][revision_id][key] = watched_percent(watched, duration)
    return out


def quiz_summary(scope) -> dict[int, dict[int, dict[str, Any]]]:
    """user -> quiz id -> attempts (submitted), best score, passed (the kept standings)."""
    rows = db.session.execute(
        select(
            QuizStanding.user_id,
            QuizStanding.quiz_id,
            QuizStanding.attempts,
            QuizStanding.best_score,
            QuizStanding.passes,
        ).where(*scope(QuizStanding.user_id))
    )
    out: dict[int, dict[int, dict[str, Any]]] = defaultdict(dict)
    for user_id, quiz_id, attempts, best, passes in rows:
        out[user_id][quiz_id] = {"attempts": attempts, "best": best, "passed": passes > 0}
    return out


def consultation_summary(scope) -> dict[int, dict[str, Any]]:
    """user -> sessions booked (live seats), attended, first attended start."""
    Attendance, Booking, ConsultationSession = (
        consultations_models.Attendance,
        consultations_models.Booking,
        consultations_models.ConsultationSession,
    )
    attended = func.sum((Attendance.status == "attended").cast(Integer))
    first = func.min(ConsultationSession.starts_at).filter(Attendance.status == "attended")
    rows = db.session.execute(
        select(
            Booking.user_id,
            func.count(distinct(Booking.id)).filter(Booking.status == "booked"),
            attended,
            first,
        )
        .join(ConsultationSession, ConsultationSession.id == Booking.session_id)
        .outerjoin(Attendance, Attendance.booking_id == Booking.id)
        .where(*scope(Booking.user_id))
        .group_by(Booking.user_id)
    )
    return {
        user_id: {"booked": booked or 0, "attended": n or 0, "first_attended_at": at}
        for user_id, booked, n, at in rows
    }


def survey_summary(scope) -> dict[int, int]:
    """user -> submitted survey responses."""
    SurveyResponse = surveys_models.SurveyResponse
    rows = db.session.execute(
        select(SurveyResponse.user_id, func.count(SurveyResponse.id))
        .where(*scope(SurveyResponse.user_id), SurveyResponse.status == "submitted")
        .group_by(SurveyResponse.user_id)
    )
    return dict(rows.all())


def certificate_summary(scope) -> dict[int, Any]:
    """user -> issue time of their valid certificate (never its code or printed name)."""
    Certificate = certificates_models.Certificate
    rows = db.session.execute(
        select(Certificate.user_id, func.min(Certificate.issued_at))
        .where(*scope(Certificate.user_id), Certificate.revoked_at.is_(None))
        .group_by(Certificate.user_id)
    )
    return dict(rows.all())


def workshop_summary(scope) -> dict[int, int]:
    """user -> workshop days attended (the workshop arm's training)."""
    WorkshopAttendance = consultations_models.WorkshopAttendance
    rows = db.session.execute(
        select(WorkshopAttendance.user_id, func.count(WorkshopAttendance.id))
        .where(*scope(WorkshopAttendance.user_id))
        .group_by(WorkshopAttendance.user_id)
    )
    return dict(rows.all())


def latest_survey_values(scope) -> dict[int, dict[str, Any]]:
    """user -> REDCap variable -> value, from their latest submitted response per instrument.

    Item answers keep their item id; scores are ``<form>_score``; each instrument's
    submission date is ``<form>_date`` and the language it was answered in
    ``<form>_language`` (en, fr).
    """
    SurveyAnswer, SurveyResponse, SurveyScore = (
        surveys_models.SurveyAnswer,
        surveys_models.SurveyResponse,
        surveys_models.SurveyScore,
    )
    submitted = (*scope(SurveyResponse.user_id), SurveyResponse.status == "submitted")
    latest: dict[tuple[int, str], int] = {}
    out: dict[int, dict[str, Any]] = defaultdict(dict)
    # Every submitted response has one score row per instrument; oldest first, so the
    # latest submission of an instrument is the one that stays.
    for user_id, response_id, at, instrument, value, language in db.session.execute(
        select(
            SurveyResponse.user_id,
            SurveyResponse.id,
            SurveyResponse.submitted_at,
            SurveyScore.instrument,
            SurveyScore.value,
            SurveyResponse.language,
        )
        .join(SurveyScore, SurveyScore.response_id == SurveyResponse.id)
        .where(*submitted)
        .order_by(SurveyResponse.submitted_at, SurveyResponse.id)
    ):
        form = instrument.replace("-", "_")
        latest[(user_id, instrument)] = response_id
        out[user_id][f"{form}_score"] = value
        out[user_id][f"{form}_date"] = at
        out[user_id][f"{form}_language"] = language
    for user_id, response_id, instrument, item, choice, text in db.session.execute(
        select(
            SurveyResponse.user_id,
            SurveyResponse.id,
            SurveyAnswer.instrument,
            SurveyAnswer.item,
            SurveyAnswer.choice,
            SurveyAnswer.text,
        )
        .join(SurveyAnswer, SurveyAnswer.response_id == SurveyResponse.id)
        .where(*submitted)
    ):
        if latest.get((user_id, instrument)) == response_id:
            out[user_id][item] = choice if choice is not None else text
    return out


def practice_summary(scope) -> dict[int, dict[str, Any]]:
    """user -> scenarios ended, drill items rated, and mean self-rating per criterion id."""
    out: dict[int, dict[str, Any]] = defaultdict(
        lambda: {"scenarios": 0, "items": 0, "ratings": {}}
    )
    for user_id, n in db.session.execute(
        select(ScenarioRun.user_id, func.count(distinct(ScenarioRun.scenario_id)))
        .where(*scope(ScenarioRun.user_id), ScenarioRun.ended_at.is_not(None))
        .group_by(ScenarioRun.user_id)
    ):
        out[user_id]["scenarios"] = n
    rated = (*scope(DrillResponse.user_id), DrillResponse.rated_at.is_not(None))
    items = (
        select(DrillResponse.user_id, DrillResponse.drill_set_id, DrillResponse.item_id)
        .where(*rated)
        .distinct()
        .subquery("items_done")
    )
    for user_id, n in db.session.execute(
        select(items.c.user_id, func.count()).group_by(items.c.user_id)
    ):
        out[user_id]["items"] = n
    # Ratings are JSON ({criterion: 1..5}): summed here, one response at a time.
    sums: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for user_id, ratings in stream(
        select(DrillResponse.user_id, DrillResponse.ratings).where(*rated)
    ):
        for criterion, score in (ratings or {}).items():
            total = sums[user_id][criterion]
            total[0] += score
            total[1] += 1
    for user_id, by_criterion in sums.items():
        out[user_id]["ratings"] = {c: s / n for c, (s, n) in by_criterion.items()}
    return dict(out)
