"""The statement families of xapi.jsonl: modules, quizzes, videos, consultations, surveys."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TextIO

from sqlalchemy import or_, select

from course.assessments.models import item_scores
from course.consultations import models as consultations_models
from course.learning.intervals import add_interval, covered, merge
from course.learning.models import ModuleProgress, ProgressEvent
from course.research.export.context import ExportContext, stream, stream_plain
from course.research.export.learning import event_query
from course.research.export.quizzes import attempt_query
from course.research.export.xapi import ACTIVITY, VIDEO, Builder, Statement, duration, wanted
from course.research.export.xapi_discussion import discussions
from course.research.export.xapi_practice import drills, scenarios
from course.surveys import models as surveys_models


def _modules(b: Builder) -> Iterator[Statement]:
    ctx, f = b.ctx, b.ctx.filters
    query = select(
        ModuleProgress.id,
        ModuleProgress.user_id,
        ModuleProgress.module_id,
        ModuleProgress.started_at,
        ModuleProgress.completed_at,
        ModuleProgress.active_seconds,
    ).where(*ctx.only_people(ModuleProgress.user_id))
    if f.since is not None:
        query = query.where(
            or_(ModuleProgress.started_at >= f.since, ModuleProgress.completed_at >= f.since)
        )
    for row_id, user_id, module_id, started, completed, seconds in stream(query):
        person, module = ctx.people.get(user_id), ctx.modules.get(module_id)
        if person is None or module is None:
            continue
        target = b.activity(f"/learning/modules/{module.slug}", ACTIVITY + "module", module.title)
        if wanted(f, started):
            yield b.statement(("module", row_id), person, "experienced", target, started)
        if completed is not None and wanted(f, completed):
            yield b.statement(
                ("module", row_id), person, "completed", target, completed,
                result={"completion": True, "duration": duration(seconds)},
            )  # fmt: skip


def _quizzes(b: Builder) -> Iterator[Statement]:
    ctx = b.ctx
    for row in stream(attempt_query(ctx)):
        attempt_id, user_id, quiz_id, _, _, started, submitted = row[:7]
        layout, answers, correct, score, passed = (
            row[7] or [],
            row[8] or {},
            row[9] or {},
            *row[10:12],
        )
        items = item_scores(row[12], correct)
        person, slug = ctx.people.get(user_id), ctx.quizzes.get(quiz_id, "")
        if person is None:
            continue
        quiz = b.activity(f"/assessments/{slug}/quiz", ACTIVITY + "assessment", f"Quiz: {slug}")
        key, language = ("attempt", attempt_id), row[13]
        yield b.statement(key, person, "attempted", quiz, started, language=language)
        if submitted is None:
            continue
        for entry in layout:
            qid = entry.get("question", "")
            question = b.activity(f"/assessments/{slug}/quiz#{qid}", ACTIVITY + "cmi.interaction")
            yield b.statement(
                (*key, qid), person, "answered", question, submitted,
                result={"success": bool(correct.get(qid)),
                        "score": {"scaled": round(items.get(qid, 0.0), 4),
                                  "raw": round(items.get(qid, 0.0), 4), "min": 0, "max": 1},
                        "response": "[,]".join(answers.get(qid, ()))},
                language=language,
            )  # fmt: skip
        yield b.statement(
            key, person, "passed" if passed else "failed", quiz, submitted,
            result={
                "score": {"scaled": round((score or 0) / 100, 4), "raw": score or 0,
                          "min": 0, "max": 100},
                "success": bool(passed), "completion": True,
                "duration": duration((submitted - started).total_seconds()),
            },
            language=language,
        )  # fmt: skip


def _segments(intervals: list[list[float]]) -> str:
    return "[,]".join(f"{round(a, 3):g}[.]{round(b, 3):g}" for a, b in intervals)


def _videos(b: Builder) -> Iterator[Statement]:
    """Video profile statements from play, pause, seek and end events.

    ``played`` segment reports build each video's watched union as the log is read, so
    paused and completed statements carry progress and played-segments (within the
    exported window when a date filter is set).
    """
    ctx = b.ctx
    # Per (user, revision, video): merged intervals, and their played-segments text once
    # a statement needs it (segments arrive more often than pauses).
    watched: dict[tuple, list] = {}
    ext = f"{VIDEO}/extensions/"
    query = event_query(ctx).where(ProgressEvent.video_key.is_not(None))
    for row in stream_plain(query.where(ProgressEvent.type.not_in(("active", "transcript")))):
        event_id, user_id, revision_id, kind, key = row[:5]
        start, end, length, at = row[6], row[7], row[8], row[9]
        state = (user_id, revision_id, key)
        if kind == "played":
            end = row[12] if row[12] is not None else end  # the credited part only
            if end <= start:
                continue
            entry = watched.get(state)
            if entry is None:
                watched[state] = [merge([(start, end)]), None]
            else:
                add_interval(entry[0], start, end)
                entry[1] = None  # the statements' text is made again when next needed
            continue
        person = ctx.people.get(user_id)
        if person is None:
            continue
        slug = ctx.module_slug_of_revision(revision_id)
        target = b.activity(f"/learning/modules/{slug}#video-{key}", f"{VIDEO}/activity-type/video")
        extensions = {f"{ext}length": float(length)} if length else {}
        if kind == "play":
            result = {"extensions": {f"{ext}time": start or 0.0}}
            name = "played"
        elif kind == "seek":
            result = {"extensions": {f"{ext}time-from": start or 0.0, f"{ext}time-to": end or 0.0}}
            name = "seeked"
        else:  # pause or ended
            entry = watched.setdefault(state, [[], None])
            if entry[1] is None:
                segments = entry[0]
                share = round(covered(segments, length) / length, 3) if length else 0.0
                entry[1] = (share, _segments(segments))
            progress, played = entry[1]
            result = {"extensions": {f"{ext}time": start or 0.0, f"{ext}progress": progress,
                                     f"{ext}played-segments": played}}  # fmt: skip
            name = "paused" if kind == "pause" else "completed"
            if kind == "ended":
                result["completion"] = True
        yield b.statement(
            ("event", event_id), person, name, target, at, result=result, video=True,
            extensions=extensions, language=row[13],
        )  # fmt: skip


def _consultations(b: Builder) -> Iterator[Statement]:
    Attendance, Booking, ConsultationSession = (
        consultations_models.Attendance,
        consultations_models.Booking,
        consultations_models.ConsultationSession,
    )
    ctx, f = b.ctx, b.ctx.filters
    query = (
        select(
            Attendance.id,
            Booking.user_id,
            ConsultationSession.id,
            ConsultationSession.kind,
            ConsultationSession.starts_at,
            ConsultationSession.ends_at,
        )
        .join(Booking, Booking.id == Attendance.booking_id)
        .join(ConsultationSession, ConsultationSession.id == Booking.session_id)
        .where(Attendance.status == "attended", *ctx.only_people(Booking.user_id))
        .where(*f.in_range(ConsultationSession.starts_at))
        .order_by(Attendance.id)
    )
    if f.since is not None:
        query = query.where(Attendance.recorded_at >= f.since)
    for attendance_id, user_id, session_id, kind, starts, ends in stream(query):
        if (person := ctx.people.get(user_id)) is None:
            continue
        target = b.activity(
            f"/consultations/sessions/{session_id}", ACTIVITY + "meeting", f"{kind} consultation"
        )
        yield b.statement(
            ("attendance", attendance_id), person, "experienced", target, starts,
            result={"completion": True, "duration": duration((ends - starts).total_seconds())},
        )  # fmt: skip


def _surveys(b: Builder) -> Iterator[Statement]:
    SurveyResponse = surveys_models.SurveyResponse
    ctx, f = b.ctx, b.ctx.filters
    query = (
        select(
            SurveyResponse.id,
            SurveyResponse.user_id,
            SurveyResponse.survey,
            SurveyResponse.trigger,
            SurveyResponse.started_at,
            SurveyResponse.submitted_at,
            SurveyResponse.language,
        )
        .where(*ctx.only_people(SurveyResponse.user_id), SurveyResponse.status == "submitted")
        .where(*f.in_range(SurveyResponse.submitted_at))
        .order_by(SurveyResponse.id)
    )
    if f.since is not None:
        query = query.where(SurveyResponse.submitted_at >= f.since)
    for response_id, user_id, survey, trigger, started, submitted, language in stream(query):
        if (person := ctx.people.get(user_id)) is None:
            continue
        target = b.activity(f"/surveys/{survey}", "http://id.tincanapi.com/activitytype/survey",
                            survey)  # fmt: skip
        spent = duration((submitted - started).total_seconds())
        yield b.statement(
            ("survey", response_id), person, "completed", target, submitted,
            result={"completion": True, "duration": spent},
            extensions={f"{b.base}/xapi/extensions/trigger": trigger}, language=language,
        )  # fmt: skip


#: In the order they are written (practice is in xapi_practice.py, discussion in
#: xapi_discussion.py).
FAMILIES = (_modules, _quizzes, _videos, _consultations, _surveys, scenarios, drills, discussions)


def statements(ctx: ExportContext) -> Iterator[Statement]:
    """Every statement of the export, family by family."""
    b = Builder(ctx)
    for family in FAMILIES:
        yield from family(b)


def xapi_jsonl(ctx: ExportContext, out: TextIO) -> int:
    """Write one compact JSON statement per line; returns the count."""
    count = 0
    for statement in statements(ctx):
        out.write(statement)
        out.write("\n")
        count += 1
    return count
