"""REDCap: the data dictionary and one flat import record per participant, built together.

Both files come from one field list, so they cannot disagree: every dictionary field is
an import column (a checkbox as one ``field___code`` column per choice), and REDCap's own
``<form>_complete`` column follows each form's fields.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TextIO

from course.catalog import published_course
from course.research.export.context import ExportContext, day, number, write_csv
from course.research.export.discussion import participation
from course.research.export.feedback import feedback_summary
from course.research.export.practice import practice_content
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
from course.research.export.tables import REGISTRY
from course.research.models import TRIAL_ARMS
from course.surveys.instruments import fill, load_builtin
from course.surveys.schedule import intervention

COLUMNS = REGISTRY.header("data_dictionary.csv")
ARM_LABELS = {
    "self_paced": "Self-paced virtual course",
    "workshop": "Synchronous workshop",
    "control": "Control (no training during the trial)",
}
ARM_CODES = {arm: n for n, arm in enumerate(TRIAL_ARMS, start=1)}
PLATFORM_FORMS = ("participant", "learning", "practice", "faculty", "consultations")
#: REDCap's longest variable name without a warning.
MAX_NAME = 26
READONLY = "@READONLY (filled by the Alliance Training Platform export)"


@dataclass(frozen=True)
class Field:
    """One dictionary row."""

    name: str
    form: str
    type: str
    label: str
    choices: tuple[tuple[int, str], ...] = ()
    validation: str = ""
    minimum: str = ""
    maximum: str = ""
    note: str = ""
    section: str = ""

    def columns(self) -> list[str]:
        """Import columns: one per checkbox choice, else the field itself."""
        if self.type == "checkbox":
            return [f"{self.name}___{code}" for code, _ in self.choices]
        return [self.name]

    def row(self) -> list[str]:
        """The 18 dictionary cells."""
        choices = " | ".join(f"{code}, {_clean(label)}" for code, label in self.choices)
        return [
            self.name, self.form, self.section, self.type, self.label, choices, self.note,
            self.validation, self.minimum, self.maximum, "", "", "", "", "", "", "", READONLY,
        ]  # fmt: skip


def _clean(label: str) -> str:
    # '|' separates choices in REDCap; a label may not contain it.
    return " ".join(label.replace("|", "/").split())


def _date(name: str, form: str, label: str, section: str = "") -> Field:
    return Field(name, form, "text", label, validation="date_ymd", section=section)


def _int(name: str, form: str, label: str, section: str = "") -> Field:
    return Field(name, form, "text", label, validation="integer", minimum="0", section=section)


def _num(name: str, form: str, label: str, low: str = "", high: str = "") -> Field:
    return Field(name, form, "text", label, validation="number", minimum=low, maximum=high)


def criterion_variables(criteria: Iterable[str]) -> dict[str, str]:
    """Criterion id -> REDCap variable: ``dr_`` and the id with hyphens as underscores.

    A name too long for REDCap keeps its first 21 characters and four hex digits of the
    id's sha1, so it depends on that id alone: publishing another drill set never renames
    a variable. Two ids that still end up with one name are refused.
    """
    out: dict[str, str] = {}
    seen: dict[str, str] = {}
    for criterion in criteria:
        name = "dr_" + criterion.replace("-", "_")
        if len(name) > MAX_NAME:
            digest = hashlib.sha1(criterion.encode(), usedforsecurity=False).hexdigest()
            name = f"{name[:21].rstrip('_')}_{digest[:4]}"
        if name in seen and seen[name] != criterion:
            raise ValueError(
                f"drill criteria {seen[name]!r} and {criterion!r} would share the REDCap "
                f"variable {name!r}; rename one of them"
            )
        seen[name] = criterion
        out[criterion] = name
    return out


def _practice_fields(ctx: ExportContext) -> list[Field]:
    out = [
        _int("scenarios_completed", "practice", "Scenarios with an ending reached",
             section="Practice"),
        _int("drill_items_done", "practice", "Drill items answered and rated (distinct)"),
    ]  # fmt: skip
    criteria = criterion_variables(practice_content(ctx).published_criteria)
    for criterion, name in criteria.items():
        label = f"Mean self-rating (1-5) on drill criterion '{criterion}', all responses"
        out.append(_num(name, "practice", label, "1", "5"))
    return out


def _faculty_fields() -> list[Field]:
    form = "faculty"
    return [
        _int("disc_posts", form, "Discussion posts written (withdrawn and hidden included)",
             section="Discussion and feedback with faculty"),
        _int("disc_questions", form, "Questions asked in the discussions"),
        _num("disc_answer_hours", form, "Median hours from a question to its marked answer", "0"),
        _int("fb_requests", form, "Feedback requests on drill responses"),
        _int("fb_reviews", form, "Faculty reviews received"),
        _num("fb_mean_score", form, "Mean faculty score (1-5), all criteria of all reviews",
             "1", "5"),
    ]  # fmt: skip


def fields(ctx: ExportContext) -> list[Field]:
    """Every field of the project, in form order, record_id first."""
    out = [
        Field("record_id", "participant", "text", "Study ID (pseudonym)"),
        Field(
            "arm",
            "participant",
            "radio",
            "Allocated arm",
            tuple((ARM_CODES[a], ARM_LABELS[a]) for a in TRIAL_ARMS),
        ),
        Field(
            "allocation",
            "participant",
            "radio",
            "How the arm was set",
            ((1, "Randomized (permuted block)"), (2, "Set by an admin with a reason")),
        ),
        Field("stratum", "participant", "text", "Randomization stratum"),
        _date("registered_date", "participant", "Account created (UTC)"),
        Field("consent_version", "participant", "text", "Consent version accepted"),
        Field(
            "consent_language",
            "participant",
            "text",
            "Language of the consent text accepted (en English, fr French)",
        ),
        _date("consent_date", "participant", "First consent (UTC)"),
        _date("allocation_date", "participant", "Allocated (UTC)"),
    ]
    modules = ctx.published_modules()
    out += [
        Field("modules_done", "learning", "checkbox", "Modules completed",
              tuple((n, m.title) for n, m in enumerate(modules, start=1)),
              section="Course progress"),
        Field("course_done", "learning", "yesno", "Completed every module"),
        _date("course_done_date", "learning", "Course completed (UTC)"),
        _int("active_seconds", "learning", "Active seconds on module pages, all modules"),
        Field("integrity_flag", "learning", "yesno",
              "Some progress claimed more than the server could credit (see integrity_log.csv)"),
        _int("quiz_attempts", "learning", "Quiz attempts submitted, all quizzes"),
    ]  # fmt: skip
    for n, module in enumerate(modules, start=1):
        section = f"Module {n}: {module.title}"
        out += [
            _date(f"mod{n}_start_date", "learning", f"{module.title}: first opened (UTC)", section),
            _int(f"mod{n}_seconds", "learning", f"{module.title}: active seconds"),
            _num(
                f"mod{n}_video_pct",
                "learning",
                f"{module.title}: mean % of videos watched",
                "0",
                "100",
            ),
            _num(
                f"mod{n}_quiz_best", "learning", f"{module.title}: best quiz score (%)", "0", "100"
            ),
            _int(f"mod{n}_quiz_tries", "learning", f"{module.title}: quiz attempts"),
            _date(f"mod{n}_complete_date", "learning", f"{module.title}: completed (UTC)"),
        ]
    out += _practice_fields(ctx) + _faculty_fields()
    out += [
        _int("consult_booked", "consultations", "Consultation seats held"),
        _int("consult_attended", "consultations", "Consultation sessions attended"),
        _date("consult_first_date", "consultations", "First consultation attended (UTC)"),
        _int("workshop_days", "consultations", "Workshop days attended"),
        Field("cert_issued", "consultations", "yesno", "Certificate issued"),
        _date("cert_date", "consultations", "Certificate issued on (UTC)"),
    ]
    return out + _survey_fields(ctx)


def translation_note(name: str, language: str = "fr") -> str:
    """What researchers need to know of an instrument's translation: a validated version
    (with its source), a translation that has not been validated, or none (the page then
    shows the English instrument)."""
    translated = load_builtin(language).instruments.get(name)
    about = translated.translation if translated is not None else None
    if about is None:
        return "No French version: French pages show the English instrument."
    if about.validated:
        return f"French version: a validated translation. Source: {about.source}"
    return "French version: a translation made for this project, not validated."


def _survey_fields(ctx: ExportContext) -> list[Field]:
    stands_for = intervention(published_course().spec)
    out = []
    for instrument in load_builtin().instruments.values():
        form = instrument.form_name
        first = True
        for item in instrument.items:
            if item.type == "text" and not ctx.filters.include_free_text:
                continue  # free text stays out unless a researcher asks for it
            section = instrument.title if first else ""
            first = False
            label = _clean(fill(item.text, stands_for))
            if item.type == "text":
                out.append(Field(item.id, form, "notes", label, section=section))
            else:
                out.append(Field(item.id, form, "radio", label, item.labels, section=section))
        if instrument.scoring.method != "none":
            out.append(
                _num(
                    f"{form}_score",
                    form,
                    f"{instrument.title}: score ({instrument.scoring.method})",
                )
            )
        out.append(_date(f"{form}_date", form, f"{instrument.title}: submitted (UTC)"))
        out.append(
            Field(
                f"{form}_language",
                form,
                "text",
                f"{instrument.title}: language answered in (en English, fr French)",
                note=translation_note(instrument.name),
            )
        )
    return out


def forms(items: list[Field]) -> list[str]:
    """Form names in first-seen order."""
    return list(dict.fromkeys(f.form for f in items))


def import_header(items: list[Field]) -> list[str]:
    """record_id, then each form's columns followed by its ``<form>_complete``."""
    header: list[str] = []
    for form in forms(items):
        for f in items:
            if f.form == form:
                header += f.columns()
        header.append(f"{form}_complete")
    return header


def data_dictionary(ctx: ExportContext, out: TextIO) -> int:
    """data_dictionary.csv: the 18 standard columns, one row per field."""
    items = ctx.once("redcap_fields", lambda: fields(ctx))
    names = [f.name for f in items]
    if len(names) != len(set(names)):
        raise ValueError("two REDCap fields share a name")
    return write_csv(out, COLUMNS, (f.row() for f in items))


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
