"""The researcher dashboard's numbers: bounded GROUP BY queries, never the event log.

Each figure reads derived tables (progress, video coverage, attempts, attendance,
scores) whose size grows with people times modules, not with events, so the page
answers quickly however long the trial runs. People are the included participants.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from html import unescape

from sqlalchemy import func, select

from course.assessments.models import QuizAttempt
from course.catalog.models import Module, ModuleRevision, Quiz, QuizRevision
from course.consultations import models as consultations_models
from course.extensions import db
from course.learning.completion import watched_percent
from course.learning.models import IntegrityEvent, ModuleProgress, VideoProgress
from course.research.consort import Consort, consort_counts
from course.research.dashboard_practice import DrillNumbers, ScenarioNumbers, practice_numbers
from course.research.filters import Filters
from course.research.models import TRIAL_ARMS
from course.research.participants import participants
from course.surveys import models as surveys_models

ACCEPTABILITY = ("aim", "iam", "fim")
_TAGS = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class Spread:
    """Median and spread of one set of numbers."""

    n: int
    median: float
    q1: float
    q3: float
    low: float
    high: float


def spread(values: list[float]) -> Spread | None:
    """Median, quartiles and range; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    if len(ordered) == 1:
        q1 = q3 = ordered[0]
    else:
        q1, _, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
    return Spread(len(ordered), statistics.median(ordered), q1, q3, ordered[0], ordered[-1])


@dataclass(frozen=True)
class Flagged:
    """A participant some of whose claimed progress the server could not credit."""

    study_id: str
    arm: str
    batches: int
    active_claimed: float
    active_credited: float
    video_claimed: float
    video_credited: float
    last_at: datetime


@dataclass
class Dashboard:
    """Everything the page shows, as plain values."""

    filters: Filters
    consort: Consort
    participants: int = 0
    enrolment: list[tuple[date, dict[str, int]]] = field(default_factory=list)
    funnel: list[tuple[str, int, int]] = field(default_factory=list)
    active: list[tuple[str, Spread | None]] = field(default_factory=list)
    videos: list[tuple[str, int, float, float, int]] = field(default_factory=list)
    #: (quiz slug, its module's title, attempts, passes, pass rate)
    quizzes: list[tuple[str, str, int, int, float | None]] = field(default_factory=list)
    #: (quiz slug, question id, question text, answers, percent fully right)
    questions: list[tuple[str, str, str, int, float | None]] = field(default_factory=list)
    attendance: dict[str, Counter] = field(default_factory=dict)
    attendance_totals: dict[str, int] = field(default_factory=dict)
    scales: dict[str, tuple[int, float | None, Counter]] = field(default_factory=dict)
    sus: tuple[int, float | None, Counter] = (0, None, Counter())
    scenarios: list[ScenarioNumbers] = field(default_factory=list)
    drills: list[DrillNumbers] = field(default_factory=list)
    flagged: list[Flagged] = field(default_factory=list)
    consultations_installed: bool = False
    surveys_installed: bool = False

    @property
    def attendance_sessions(self) -> list[int]:
        """Every number of sessions someone attended, ascending."""
        return sorted({n for hist in self.attendance.values() for n in hist})

    @property
    def has_scores(self) -> bool:
        """True when any acceptability or SUS score is in scope."""
        return any(n for n, _, _ in self.scales.values()) or bool(self.sus[0])


def build(filters: Filters) -> Dashboard:
    """Compute every figure for the filters (arm, date range).

    The included people are read once; each figure then reads its derived table and
    keeps their rows in Python, which is faster on both databases than repeating the
    "latest consent" subquery in every statement.
    """
    people = participants(filters.arm)
    board = Dashboard(filters, consort_counts())
    board.enrolment, board.participants = _enrolment(filters, people)
    modules = db.session.execute(
        select(Module.id, ModuleRevision.title, Module.slug)
        .join(ModuleRevision, ModuleRevision.id == Module.published_revision_id)
        .order_by(ModuleRevision.order, Module.id)
    ).all()
    board.funnel, board.active = _modules(filters, people, modules)
    board.videos = _videos(filters, people)
    titles = {slug: title for _, title, slug in modules}  # a quiz is named after its module
    board.quizzes, board.questions = _quizzes(filters, people, titles)
    _attendance(board, filters, people)
    _scores(board, filters, people)
    board.scenarios, board.drills = practice_numbers(filters, people)
    board.flagged = _flagged(filters, people)
    return board


def _enrolment(filters: Filters, people) -> tuple[list[tuple[date, dict[str, int]]], int]:
    """Cumulative consented participants per ISO week, per allocated arm."""
    weekly: dict[date, Counter] = defaultdict(Counter)
    for person in people.values():
        when = person.consented_at.date()
        if (filters.start and when < filters.start) or (filters.end and when > filters.end):
            continue
        weekly[when - timedelta(days=when.weekday())][person.arm or "pending"] += 1
    running: Counter = Counter()
    series = []
    for week in sorted(weekly):
        running.update(weekly[week])
        series.append((week, {k: running[k] for k in (*TRIAL_ARMS, "pending")}))
    return series, len(people)


def _modules(filters: Filters, people, modules) -> tuple[list, list]:
    values: dict[int, list[float]] = defaultdict(list)
    started: Counter = Counter()
    completed: Counter = Counter()
    query = select(
        ModuleProgress.user_id,
        ModuleProgress.module_id,
        ModuleProgress.active_seconds,
        ModuleProgress.completed_at,
    ).where(*filters.in_range(ModuleProgress.started_at))
    for user_id, module_id, seconds, done in db.session.execute(query):
        if user_id not in people:
            continue
        started[module_id] += 1
        values[module_id].append(seconds / 60)
        completed[module_id] += done is not None
    funnel = [(title, started[mid], completed[mid]) for mid, title, _ in modules]
    active = [(title, spread(values[mid])) for mid, title, _ in modules]
    return funnel, active


def _videos(filters: Filters, people) -> list[tuple[str, int, float, float, int]]:
    """(video, viewers, mean %, median %, viewers at 90% or more) per video."""
    percents: dict[tuple[str, str], list[float]] = defaultdict(list)
    titles: dict[tuple[str, str], str] = {}
    revisions = {
        rid: (slug, {v.get("key"): v.get("title") for v in videos or ()})
        for rid, slug, videos in db.session.execute(
            select(ModuleRevision.id, Module.slug, ModuleRevision.videos).join(
                Module, Module.id == ModuleRevision.module_id
            )
        )
    }
    rows = db.session.execute(
        select(
            VideoProgress.user_id,
            VideoProgress.module_revision_id,
            VideoProgress.video_key,
            VideoProgress.watched_seconds,
            VideoProgress.duration,
        ).where(*filters.in_range(VideoProgress.updated_at))
    )
    for user_id, revision_id, key, watched, duration in rows:
        if user_id not in people or revision_id not in revisions:
            continue
        slug, named = revisions[revision_id]
        percents[(slug, key)].append(watched_percent(watched, duration))
        titles[(slug, key)] = named.get(key) or f"{slug} ({key})"
    return [
        (titles[k], len(v), statistics.fmean(v), statistics.median(v), sum(p >= 90 for p in v))
        for k, v in sorted(percents.items())
    ]


def _quizzes(filters: Filters, people, titles: dict[str, str]) -> tuple[list, list]:
    """Per quiz: its module's title, attempts, passes, pass rate; per question: its text,
    attempts and percent right."""
    prompts: dict[tuple[str, str], str] = {}
    for slug, questions in db.session.execute(
        select(Quiz.slug, QuizRevision.questions).join(
            QuizRevision, QuizRevision.id == Quiz.published_revision_id
        )
    ):
        for question in questions or ():
            text = " ".join(unescape(_TAGS.sub(" ", question.get("prompt_html", ""))).split())
            prompts[(slug, question["id"])] = text if len(text) <= 120 else text[:117] + "..."
    tried: Counter = Counter()
    passes: Counter = Counter()
    answered: Counter = Counter()
    right: Counter = Counter()
    rows = db.session.execute(
        select(QuizAttempt.user_id, Quiz.slug, QuizAttempt.correct, QuizAttempt.passed)
        .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
        .where(QuizAttempt.submitted_at.is_not(None))
        .where(*filters.in_range(QuizAttempt.submitted_at))
    )
    for user_id, slug, correct, passed in rows:
        if user_id not in people:
            continue
        tried[slug] += 1
        passes[slug] += passed is True
        for qid, ok in (correct or {}).items():
            answered[slug, qid] += 1
            right[slug, qid] += ok is True
    quizzes = [
        (slug, titles.get(slug, slug), n, passes[slug], 100 * passes[slug] / n)
        for slug, n in sorted(tried.items())
    ]
    questions = [
        (slug, qid, prompts.get((slug, qid), qid), n, 100 * right[slug, qid] / n)
        for (slug, qid), n in sorted(answered.items())
    ]
    return quizzes, questions


def _attendance(board: Dashboard, filters: Filters, people) -> None:
    """Sessions attended per participant, per arm (a histogram), and recorded totals."""
    Attendance, Booking, ConsultationSession = (
        consultations_models.Attendance,
        consultations_models.Booking,
        consultations_models.ConsultationSession,
    )
    board.consultations_installed = True
    rows = db.session.execute(
        select(Booking.user_id, Attendance.status, func.count())
        .join(Attendance, Attendance.booking_id == Booking.id)
        .join(ConsultationSession, ConsultationSession.id == Booking.session_id)
        .where(*filters.in_range(ConsultationSession.starts_at))
        .group_by(Booking.user_id, Attendance.status)
    )
    attended: dict[tuple[int, str], int] = defaultdict(int)
    totals: Counter = Counter()
    for user_id, status, n in rows:
        person = people.get(user_id)
        if person is None:
            continue
        totals[status] += n
        if status == "attended":
            attended[(user_id, person.arm or "pending")] += n
    histogram: dict[str, Counter] = defaultdict(Counter)
    for (_, arm), n in attended.items():
        histogram[arm][n] += 1
    board.attendance = dict(histogram)
    board.attendance_totals = dict(totals)


def _scores(board: Dashboard, filters: Filters, people) -> None:
    """AIM, IAM and FIM means and distributions, and the SUS, from submitted responses."""
    SurveyResponse, SurveyScore = surveys_models.SurveyResponse, surveys_models.SurveyScore
    board.surveys_installed = True
    values: dict[str, list[float]] = defaultdict(list)
    rows = db.session.execute(
        select(SurveyResponse.user_id, SurveyScore.instrument, SurveyScore.value)
        .join(SurveyResponse, SurveyResponse.id == SurveyScore.response_id)
        .where(SurveyResponse.status == "submitted")
        .where(SurveyScore.instrument.in_((*ACCEPTABILITY, "sus")), SurveyScore.value.is_not(None))
        .where(*filters.in_range(SurveyResponse.submitted_at))
    )
    for user_id, instrument, value in rows:
        if user_id in people:
            values[instrument].append(value)
    for scale in ACCEPTABILITY:
        found = values.get(scale, [])
        # Scale means run 1-5; each respondent falls in the bin of their rounded mean.
        bins = Counter(min(5, max(1, int(v + 0.5))) for v in found)
        board.scales[scale] = (len(found), statistics.fmean(found) if found else None, bins)
    sus = values.get("sus", [])
    board.sus = (
        len(sus),
        statistics.fmean(sus) if sus else None,
        Counter(min(90, int(v // 10) * 10) for v in sus),
    )


def _flagged(filters: Filters, people) -> list[Flagged]:
    """Participants with batches cut to what the server could credit, most cut first."""
    totals: dict[int, dict] = defaultdict(lambda: defaultdict(float))
    rows = db.session.execute(
        select(
            IntegrityEvent.user_id,
            IntegrityEvent.kind,
            func.count(),
            func.sum(IntegrityEvent.claimed),
            func.sum(IntegrityEvent.credited),
            func.max(IntegrityEvent.received_at),
        )
        .where(*filters.in_range(IntegrityEvent.received_at))
        .group_by(IntegrityEvent.user_id, IntegrityEvent.kind)
    )
    for user_id, kind, n, claimed, credited, last in rows:
        if user_id not in people:
            continue
        mine = totals[user_id]
        mine["batches"] += n
        kind = "video" if kind == "video" else "active"  # transcript time is active time
        mine[f"{kind}_claimed"] += claimed
        mine[f"{kind}_credited"] += credited
        mine["last"] = max(mine.get("last") or last, last)
    flagged = [
        Flagged(
            people[uid].study_id,
            people[uid].arm,
            int(t["batches"]),
            t["active_claimed"],
            t["active_credited"],
            t["video_claimed"],
            t["video_credited"],
            t["last"],
        )
        for uid, t in totals.items()
    ]
    cut = lambda f: f.active_claimed - f.active_credited + f.video_claimed - f.video_credited  # noqa: E731
    return sorted(flagged, key=cut, reverse=True)
