"""participants.csv (one row per included therapist) and consort.csv (the flow counts)."""

from __future__ import annotations

from typing import TextIO

from course.research.consort import consort_counts
from course.research.export.context import ExportContext, iso, number, write_csv
from course.research.export.summary import (
    certificate_summary,
    consultation_summary,
    integrity_summary,
    module_summary,
    quiz_summary,
    survey_summary,
)
from course.research.export.tables import REGISTRY

PARTICIPANTS = REGISTRY.header("participants.csv")


def participants_csv(ctx: ExportContext, out: TextIO) -> int:
    """One row per included therapist with their summary counts (current state)."""
    users = ctx.only_people
    modules = ctx.once("modules", lambda: module_summary(users))
    quizzes = ctx.once("quizzes", lambda: quiz_summary(users))
    consults = ctx.once("consultations", lambda: consultation_summary(users))
    surveys = survey_summary(users)
    certificates = ctx.once("certificates", lambda: certificate_summary(users))
    cuts = ctx.once("integrity", lambda: integrity_summary(users))
    course = {m.id for m in ctx.published_modules()}

    def rows():
        for user_id, p in ctx.people.items():
            mine = modules.get(user_id, {})
            done = {m: v["completed_at"] for m, v in mine.items() if v["completed_at"]}
            finished = max(done.values()) if course and course <= set(done) else None
            last = max((v["last_activity_at"] for v in mine.values()), default=None)
            tried = quizzes.get(user_id, {})
            consult = consults.get(user_id, {})
            cut = cuts.get(user_id)
            yield (
                p.study_id, p.arm, p.allocation, p.stratum, iso(p.registered_at),
                p.consent_version, iso(p.consented_at), iso(p.allocated_at), len(mine),
                len(done), iso(finished), number(sum(v["active_seconds"] for v in mine.values())),
                sum(q["attempts"] for q in tried.values()),
                sum(1 for q in tried.values() if q["passed"]), iso(last),
                consult.get("booked", 0), consult.get("attended", 0), surveys.get(user_id, 0),
                iso(certificates.get(user_id)), "1" if cut else "0",
                number(cut["active"] if cut else 0), number(cut["video"] if cut else 0),
                p.consent_language,
            )  # fmt: skip

    return write_csv(out, PARTICIPANTS, rows())


def consort_csv(ctx: ExportContext, out: TextIO) -> int:
    """CONSORT counts: stage, arm ('all' before randomization), count."""
    return write_csv(out, REGISTRY.header("consort.csv"), consort_counts().rows())
