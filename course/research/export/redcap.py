"""REDCap: one flat import record per participant, in exactly the columns of the data
dictionary (course/research/export/redcap_fields.py), so the two files cannot disagree.
"""

from __future__ import annotations

from typing import Any, TextIO

from course.research.export.context import ExportContext, day, number, write_csv
from course.research.export.discussion import participation
from course.research.export.feedback import feedback_summary
from course.research.export.practice import practice_content
from course.research.export.redcap_fields import (
    ARM_CODES,
    PLATFORM_FORMS,
    criterion_variables,
    fields,
    forms,
    import_header,
)
from course.research.export.summary import (
    certificate_summary,
    consultation_summary,
    integrity_summary,
    latest_survey_values,
    module_summary,
    practice_summary,
    quiz_summary,
    video_summary,
    workshop_summary,
)


def redcap_import(ctx: ExportContext, out: TextIO) -> int:
    """redcap_import.csv: one flat record per participant, exactly the dictionary's columns."""
    items = ctx.once("redcap_fields", lambda: fields(ctx))
    header = import_header(items)
    users = ctx.only_people
    data = {
        "modules": ctx.once("modules", lambda: module_summary(users)),
        "quizzes": ctx.once("quizzes", lambda: quiz_summary(users)),
        "videos": video_summary(users),
        "consultations": ctx.once("consultations", lambda: consultation_summary(users)),
        "workshop": workshop_summary(users),
        "certificates": ctx.once("certificates", lambda: certificate_summary(users)),
        "surveys": latest_survey_values(users),
        "practice": practice_summary(users),
        "integrity": ctx.once("integrity", lambda: integrity_summary(users)),
        "criteria": criterion_variables(practice_content(ctx).published_criteria),
        "discussion": participation(ctx),
        "feedback": feedback_summary(users),
    }

    def rows():
        for user_id, person in ctx.people.items():
            values = _record(ctx, user_id, person, data)
            for form in forms(items):
                # The platform fills its own forms for everyone; a survey form is complete
                # once that instrument was submitted, and stays incomplete (0) otherwise.
                done = form in PLATFORM_FORMS or values.get(f"{form}_date")
                values[f"{form}_complete"] = "2" if done else "0"
            yield [values.get(column, "") for column in header]

    return write_csv(out, header, rows())


def _record(ctx: ExportContext, user_id: int, person, data: dict[str, Any]) -> dict[str, Any]:
    modules = ctx.published_modules()
    mine = data["modules"].get(user_id, {})
    quizzes = data["quizzes"].get(user_id, {})
    quiz_by_slug = {ctx.quizzes.get(q): v for q, v in quizzes.items()}
    videos = data["videos"].get(user_id, {})
    done = [m for m in modules if (mine.get(m.id) or {}).get("completed_at")]
    finished = len(done) == len(modules) and bool(modules)
    values: dict[str, Any] = {
        "record_id": person.study_id,
        "arm": ARM_CODES.get(person.arm, ""),
        "allocation": {"randomized": 1, "manual": 2}.get(person.allocation, ""),
        "stratum": person.stratum,
        "registered_date": day(person.registered_at),
        "consent_version": person.consent_version,
        "consent_language": person.consent_language,
        "consent_date": day(person.consented_at),
        "allocation_date": day(person.allocated_at),
        "course_done": "1" if finished else "0",
        "course_done_date": day(max(mine[m.id]["completed_at"] for m in done)) if finished else "",
        "active_seconds": number(sum(v["active_seconds"] for v in mine.values()), 0),
        "quiz_attempts": sum(v["attempts"] for v in quizzes.values()),
        "integrity_flag": "1" if user_id in data["integrity"] else "0",
    }
    for n, module in enumerate(modules, start=1):
        values[f"modules_done___{n}"] = "1" if module in done else "0"
        progress = mine.get(module.id)
        if progress:
            values[f"mod{n}_start_date"] = day(progress["started_at"])
            values[f"mod{n}_seconds"] = number(progress["active_seconds"], 0)
            values[f"mod{n}_complete_date"] = day(progress["completed_at"])
        watched = _video_percent(ctx, module, videos)
        if watched is not None:
            values[f"mod{n}_video_pct"] = number(watched)
        quiz = quiz_by_slug.get(module.slug)
        if quiz:
            values[f"mod{n}_quiz_best"] = number(quiz["best"])
            values[f"mod{n}_quiz_tries"] = quiz["attempts"]
    practice = data["practice"].get(user_id, {})
    values["scenarios_completed"] = practice.get("scenarios", 0)
    values["drill_items_done"] = practice.get("items", 0)
    ratings = practice.get("ratings", {})
    for criterion, name in data["criteria"].items():
        if criterion in ratings:
            values[name] = number(ratings[criterion], 2)
    posted = data["discussion"].get(user_id)
    feedback = data["feedback"].get(user_id)
    values.update(
        disc_posts=posted.posts if posted else 0,
        disc_questions=posted.kinds["question"] if posted else 0,
        disc_answer_hours=number(posted.median_hours if posted else None, 2),
        fb_requests=feedback.requests if feedback else 0,
        fb_reviews=feedback.reviews if feedback else 0,
        fb_mean_score=number(feedback.mean_score if feedback else None, 2),
    )
    consult = data["consultations"].get(user_id, {})
    issued = data["certificates"].get(user_id)
    values.update(
        consult_booked=consult.get("booked", 0),
        consult_attended=consult.get("attended", 0),
        consult_first_date=day(consult.get("first_attended_at")),
        workshop_days=data["workshop"].get(user_id, 0),
        cert_issued="1" if issued else "0",
        cert_date=day(issued),
    )
    for name, value in data["surveys"].get(user_id, {}).items():
        if name.endswith("_date"):
            values[name] = day(value)
        elif name.endswith("_score"):
            values[name] = number(value, 2)
        elif isinstance(value, str):
            values[name] = " ".join(value.split())  # one line per record
        else:
            values[name] = value
    return values


def _video_percent(ctx: ExportContext, module, videos: dict[int, dict[str, float]]) -> float | None:
    """Mean over the module's videos of the best percent watched on any of its revisions."""
    best: dict[str, float] = {}
    for revision_id, by_key in videos.items():
        revision = ctx.module_revisions.get(revision_id)
        if revision is None or revision.parent_id != module.id:
            continue
        for key, percent in by_key.items():
            best[key] = max(best.get(key, 0.0), percent)
    return sum(best.values()) / len(best) if best else None
