"""The researcher dashboard's numbers: bounded GROUP BY queries, never the event log.

People are the kept participant rows and quizzes the kept standings and question
tallies (``aggregates.py``); the other figures read derived tables (progress, video
coverage, attendance, scores) whose size grows with people times modules, not with
events, joined to the people in SQL, so the page answers quickly however long the trial
runs.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import case, func, select

from course.auth.models import User
from course.catalog.models import Module, ModuleRevision
from course.consultations import models as consultations_models
from course.extensions import db
from course.learning.models import IntegrityEvent, ModuleProgress, VideoProgress
from course.research.aggregates import ParticipantSummary as People
from course.research.consort import Consort, consort_counts
from course.research.dashboard_practice import DrillNumbers, ScenarioNumbers, practice_numbers
from course.research.dashboard_quizzes import quiz_numbers
from course.research.filters import Filters
from course.research.models import TRIAL_ARMS
from course.research.spreads import Spread, picked, ranked_by, spread_at
from course.surveys import models as surveys_models

ACCEPTABILITY = ("aim", "iam", "fim")


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

    People are the kept participant rows (``aggregates.ParticipantSummary``); each figure
    joins them in SQL and groups there, so what comes back to Python is bounded by the
    modules, videos and questions, or at most one number per person and module.
    """
    included = _included(filters)
    board = Dashboard(filters, consort_counts())
    board.enrolment, board.participants = _enrolment(filters, included)
    modules = db.session.execute(
        select(Module.id, ModuleRevision.title, Module.slug)
        .join(ModuleRevision, ModuleRevision.id == Module.published_revision_id)
        .order_by(ModuleRevision.order, Module.id)
    ).all()
    board.funnel, board.active = _modules(filters, included, modules)
    board.videos = _videos(filters, included)
    titles = {slug: title for _, title, slug in modules}  # a quiz is named after its module
    board.quizzes, board.questions = quiz_numbers(filters, included, titles)
    _attendance(board, filters, included)
    _scores(board, filters, included)
    board.scenarios, board.drills = practice_numbers(filters, included)
    board.flagged = _flagged(filters, included)
    return board


def _included(filters: Filters) -> list:
    """SQL conditions on the kept participant rows: included, in the arm if one is chosen."""
    conditions = [People.included.is_(True)]
    if filters.arm:
        conditions.append(People.arm == filters.arm)
    return conditions


def _rows(statement):
    """Plain rows of a Core statement (no ORM row machinery for many small tuples)."""
    return db.session.connection().execute(statement)


def _enrolment(filters: Filters, included) -> tuple[list[tuple[date, dict[str, int]]], int]:
    """Cumulative consented participants per ISO week, per allocated arm."""
    weekly: dict[date, Counter] = defaultdict(Counter)
    everyone = 0
    for when, arm, n in _rows(
        select(People.consented_on, People.arm, func.count())
        .where(*included)
        .group_by(People.consented_on, People.arm)
    ):
        everyone += n
        if (filters.start and when < filters.start) or (filters.end and when > filters.end):
            continue
        weekly[when - timedelta(days=when.weekday())][arm or "pending"] += n
    running: Counter = Counter()
    series = []
    for week in sorted(weekly):
        running.update(weekly[week])
        series.append((week, {k: running[k] for k in (*TRIAL_ARMS, "pending")}))
    return series, everyone


def _modules(filters: Filters, included, modules) -> tuple[list, list]:
    base = (
        select(
            ModuleProgress.module_id.label("k"),
            ModuleProgress.active_seconds.label("v"),
            case((ModuleProgress.completed_at.is_not(None), 1), else_=0).label("done"),
        )
        .join(People, People.user_id == ModuleProgress.user_id)
        .where(*included, *filters.in_range(ModuleProgress.started_at))
        .subquery("module_values")
    )
    group, rank = ranked_by(base, "k")
    ranked = select(
        base.c.k,
        base.c.v,
        rank.label("rn"),
        func.count().over(partition_by=group).label("n"),
        func.sum(base.c.done).over(partition_by=group).label("done"),
    ).subquery("ranked")
    sizes: dict[int, tuple[int, int]] = {}
    picks: dict[int, dict[int, float]] = defaultdict(dict)
    for module_id, seconds, rn, n, done in _rows(select(ranked).where(picked(ranked))):
        sizes[module_id] = (n, done)
        picks[module_id][rn] = seconds / 60
    funnel = [(title, *sizes.get(mid, (0, 0))) for mid, title, _ in modules]
    active = [
        (title, spread_at(sizes.get(mid, (0, 0))[0], picks[mid].__getitem__))
        for mid, title, _ in modules
    ]
    return funnel, active


def _percent(watched, duration):
    """``watched_percent`` in SQL: the same arithmetic, so the same values and order."""
    share = 100.0 * watched / duration
    return case((duration <= 0, 0.0), (share > 100.0, 100.0), else_=share)


def _videos(filters: Filters, included) -> list[tuple[str, int, float, float, int]]:
    """(video, viewers, mean %, median %, viewers at 90% or more) per video."""
    revisions = {
        rid: (slug, {v.get("key"): v.get("title") for v in videos or ()})
        for rid, slug, videos in db.session.execute(
            select(ModuleRevision.id, Module.slug, ModuleRevision.videos).join(
                Module, Module.id == ModuleRevision.module_id
            )
        )
    }
    base = (
        select(
            VideoProgress.module_revision_id.label("r"),
            VideoProgress.video_key.label("k"),
            _percent(VideoProgress.watched_seconds, VideoProgress.duration).label("v"),
        )
        .join(People, People.user_id == VideoProgress.user_id)
        .where(*included, *filters.in_range(VideoProgress.updated_at))
        .subquery("video_values")
    )
    group, rank = ranked_by(base, "r", "k")
    ranked = select(
        base.c.r,
        base.c.k,
        base.c.v,
        rank.label("rn"),
        func.count().over(partition_by=group).label("n"),
        func.avg(base.c.v).over(partition_by=group).label("mean"),
        func.sum(case((base.c.v >= 90, 1), else_=0)).over(partition_by=group).label("high"),
    ).subquery("ranked")
    # Several revisions of a module may show the same video: one row per (module, key).
    found: dict[tuple[str, str], dict] = {}
    titles: dict[tuple[str, str], str] = {}
    for revision_id, key, value, rn, n, mean, high in _rows(select(ranked).where(picked(ranked))):
        if revision_id not in revisions:
            continue
        slug, named = revisions[revision_id]
        entry = found.setdefault((slug, key), {})
        entry.setdefault(revision_id, (n, mean, high, {}))[3][rn] = value
        titles[(slug, key)] = named.get(key) or f"{slug} ({key})"
    out = []
    for video, per_revision in sorted(found.items()):
        if len(per_revision) == 1:
            (n, mean, high, at), *_ = per_revision.values()
            out.append((titles[video], n, mean, spread_at(n, at.__getitem__).median, high))
        else:  # rare: the exact median needs every value of this video
            out.append(_video_exactly(video, list(per_revision), titles[video], included, filters))
    return out


def _video_exactly(video, revision_ids, title, included, filters):
    """One video's figures from every viewer's value (when it spans several revisions)."""
    values = [
        v
        for (v,) in _rows(
            select(_percent(VideoProgress.watched_seconds, VideoProgress.duration))
            .join(People, People.user_id == VideoProgress.user_id)
            .where(*included, *filters.in_range(VideoProgress.updated_at))
            .where(
                VideoProgress.module_revision_id.in_(revision_ids),
                VideoProgress.video_key == video[1],
            )
        )
    ]
    return (
        title,
        len(values),
        statistics.fmean(values),
        statistics.median(values),
        sum(p >= 90 for p in values),
    )


def _attendance(board: Dashboard, filters: Filters, included) -> None:
    """Sessions attended per participant, per arm (a histogram), and recorded totals."""
    Attendance, Booking, ConsultationSession = (
        consultations_models.Attendance,
        consultations_models.Booking,
        consultations_models.ConsultationSession,
    )
    board.consultations_installed = True
    per_person = (
        select(People.arm, Attendance.status, func.count().label("n"))
        .select_from(Booking)
        .join(Attendance, Attendance.booking_id == Booking.id)
        .join(ConsultationSession, ConsultationSession.id == Booking.session_id)
        .join(People, People.user_id == Booking.user_id)
        .where(*included, *filters.in_range(ConsultationSession.starts_at))
        .group_by(Booking.user_id, People.arm, Attendance.status)
        .subquery("per_person")
    )
    totals: Counter = Counter()
    histogram: dict[str, Counter] = defaultdict(Counter)
    for arm, status, n, people in _rows(
        select(per_person.c.arm, per_person.c.status, per_person.c.n, func.count()).group_by(
            per_person.c.arm, per_person.c.status, per_person.c.n
        )
    ):
        totals[status] += n * people
        if status == "attended":
            histogram[arm or "pending"][n] += people
    board.attendance = dict(histogram)
    board.attendance_totals = dict(totals)


def _scores(board: Dashboard, filters: Filters, included) -> None:
    """AIM, IAM and FIM means and distributions, and the SUS, from submitted responses."""
    SurveyResponse, SurveyScore = surveys_models.SurveyResponse, surveys_models.SurveyScore
    board.surveys_installed = True
    values: dict[str, list[float]] = defaultdict(list)
    # Scores take few distinct values (means of 1-5 items, SUS steps): grouped by value.
    rows = _rows(
        select(SurveyScore.instrument, SurveyScore.value, func.count())
        .join(SurveyResponse, SurveyResponse.id == SurveyScore.response_id)
        .join(People, People.user_id == SurveyResponse.user_id)
        .where(SurveyResponse.status == "submitted", *included)
        .where(SurveyScore.instrument.in_((*ACCEPTABILITY, "sus")), SurveyScore.value.is_not(None))
        .where(*filters.in_range(SurveyResponse.submitted_at))
        .group_by(SurveyScore.instrument, SurveyScore.value)
    )
    for instrument, value, n in rows:
        values[instrument].extend([value] * n)
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


def _flagged(filters: Filters, included) -> list[Flagged]:
    """Participants with batches cut to what the server could credit, most cut first."""
    totals: dict[int, dict] = defaultdict(lambda: defaultdict(float))
    who: dict[int, tuple[str, str]] = {}
    rows = db.session.execute(
        select(
            IntegrityEvent.user_id,
            User.study_id,
            People.arm,
            IntegrityEvent.kind,
            func.count(),
            func.sum(IntegrityEvent.claimed),
            func.sum(IntegrityEvent.credited),
            func.max(IntegrityEvent.received_at),
        )
        .join(People, People.user_id == IntegrityEvent.user_id)
        .join(User, User.id == IntegrityEvent.user_id)
        .where(*included, *filters.in_range(IntegrityEvent.received_at))
        .group_by(IntegrityEvent.user_id, User.study_id, People.arm, IntegrityEvent.kind)
    )
    for user_id, study_id, arm, kind, n, claimed, credited, last in rows:
        who[user_id] = (study_id, arm)
        mine = totals[user_id]
        mine["batches"] += n
        kind = "video" if kind == "video" else "active"  # transcript time is active time
        mine[f"{kind}_claimed"] += claimed
        mine[f"{kind}_credited"] += credited
        mine["last"] = max(mine.get("last") or last, last)
    flagged = [
        Flagged(
            *who[uid],
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
