"""REDCap's data dictionary: the one field list both REDCap files come from.

The import file (course/research/export/redcap.py) takes its columns from this list, so
the two cannot disagree: every dictionary field is an import column (a checkbox as one
``field___code`` column per choice), and REDCap's own ``<form>_complete`` column follows
each form's fields.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TextIO

from course.catalog import published_course
from course.research.export.context import ExportContext, write_csv
from course.research.export.practice import practice_content
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
