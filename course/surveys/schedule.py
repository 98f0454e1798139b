"""When surveys are due: the schedule in modules/course.yaml measured against one therapist.

A scheduled survey is identified by its trigger, which is also stored with the response:
``after_course``, ``after_module:<slug>`` or ``after_consultations:<n>``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from flask import current_app, g, has_app_context
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select

from course.consultations.attendance import attended_count
from course.content import CourseSpec
from course.extensions import db
from course.surveys.instruments import Catalog, load_builtin
from course.surveys.models import SurveyResponse
from course.web.i18n import shown_language


@dataclass(frozen=True)
class Scheduled:
    """One entry of the course's survey schedule."""

    survey: str
    trigger: str
    title: str
    kind: str  # after_course, after_module or after_consultations
    module: str | None = None  # the module slug, for after_module
    count: int = 0  # consultations attended, for after_consultations

    def opens(self, module_titles: Mapping[str, str]) -> str:
        """When it opens, in words: 'when you finish the course'."""
        if self.kind == "after_module":
            title = module_titles.get(self.module, self.module)
            return _("when you complete “%(title)s”", title=title)
        if self.kind == "after_consultations":
            return _("after your %(ordinal)s consultation", ordinal=_ordinal(self.count))
        return _("when you finish the course")


@dataclass(frozen=True)
class DueSurvey:
    """A survey a therapist should answer now: never started (new) or saved (draft)."""

    survey: str
    trigger: str
    title: str
    reason: str
    status: str  # new or draft
    updated_at: datetime | None = None


@dataclass(frozen=True)
class ResponseRow:
    """A response's state, without its answers."""

    survey: str
    trigger: str
    status: str
    updated_at: datetime
    submitted_at: datetime | None


def intervention(spec: CourseSpec, language: str = "en") -> str:
    """What [X] stands for in item texts: 'the <course title> course'; in French
    'la formation « <title> »' (the French items are worded for a feminine [X])."""
    title = spec.title.strip()
    if language == "fr":
        return f"la formation «\u00a0{title}\u00a0»" if title else "cette formation"
    if not title:
        return "this course"
    return f"the {title}" if title.lower().endswith("course") else f"the {title} course"


def title_of(name: str, catalog: Catalog | None = None) -> str:
    """The title of a survey or instrument name (the name itself when unknown)."""
    catalog = catalog or load_builtin()
    if name in catalog.surveys:
        return catalog.surveys[name].title
    if name in catalog.instruments:
        return catalog.instruments[name].title
    return name.replace("-", " ")


def scheduled(spec: CourseSpec, catalog: Catalog | None = None) -> tuple[Scheduled, ...]:
    """Every survey the course file schedules, skipping names no instrument file defines."""
    catalog = catalog or load_builtin()
    plan = spec.surveys
    wanted: list[tuple[str, str, str, dict]] = []
    if plan.after_course:
        wanted.append((plan.after_course, "after_course", "after_course", {}))
    for slug, name in plan.after_module.items():
        wanted.append((name, f"after_module:{slug}", "after_module", {"module": slug}))
    for n, name in sorted(plan.after_consultations.items()):
        wanted.append((name, f"after_consultations:{n}", "after_consultations", {"count": n}))
    entries = []
    for name, trigger, kind, extra in wanted:
        if name in catalog.surveys or name in catalog.instruments:
            entries.append(Scheduled(name, trigger, title_of(name, catalog), kind, **extra))
        elif has_app_context():
            current_app.logger.warning(
                "modules/course.yaml schedules survey %r, which no instrument file defines", name
            )
    return tuple(entries)


def _ordinal(n: int) -> str:
    """1st, 2nd, 3rd... (in French, 1re, 2e, 3e: a consultation is feminine)."""
    if str(get_locale() or "en").startswith("fr"):
        return f"{n}re" if n == 1 else f"{n}e"
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def find(spec: CourseSpec, survey: str, trigger: str) -> Scheduled | None:
    """The schedule entry for this survey and trigger, if the course file has it."""
    return next(
        (e for e in scheduled(spec) if e.survey == survey and e.trigger == trigger),
        None,
    )


_RESPONSES = select(
    SurveyResponse.survey,
    SurveyResponse.trigger,
    SurveyResponse.status,
    SurveyResponse.updated_at,
    SurveyResponse.submitted_at,
).where(SurveyResponse.user_id == bindparam("user_id"))


def responses_of(user_id: int) -> tuple[ResponseRow, ...]:
    """The therapist's responses (one query, reused for the rest of the request)."""
    cache = g.setdefault("survey_responses", {}) if has_app_context() else {}
    if user_id not in cache:
        cache[user_id] = tuple(
            ResponseRow(*row) for row in db.session.execute(_RESPONSES, {"user_id": user_id})
        )
    return cache[user_id]


def forget_responses(user_id: int) -> None:
    """Drop the request's cached responses after a write."""
    if has_app_context():
        g.setdefault("survey_responses", {}).pop(user_id, None)


def submitted_surveys(user_id: int) -> dict[str, datetime]:
    """Survey name -> first submission time, over every trigger."""
    done: dict[str, datetime] = {}
    for row in responses_of(user_id):
        if row.submitted_at is not None:
            done[row.survey] = min(done.get(row.survey, row.submitted_at), row.submitted_at)
    return done


def attended_consultations(user_id: int) -> int:
    """Consultation sessions this therapist attended (the consultations feature counts)."""
    return attended_count(user_id)


def due_surveys(user, course_view) -> list[DueSurvey]:
    """Surveys the therapist should answer now, in schedule order (a constant few queries)."""
    entries = scheduled(course_view.spec)
    if not entries:
        return []
    rows = {(r.survey, r.trigger): r for r in responses_of(user.id)}
    needs_count = any(e.kind == "after_consultations" for e in entries)
    attended = attended_consultations(user.id) if needs_count else 0
    titles = {m.slug: m.title for m in course_view.modules}
    catalog = load_builtin(shown_language())  # the title in the language being written
    due = []
    for entry in entries:
        if not is_met(entry, course_view, attended):
            continue
        row = rows.get((entry.survey, entry.trigger))
        if row is not None and row.submitted_at is not None:
            continue
        due.append(
            DueSurvey(
                entry.survey,
                entry.trigger,
                title_of(entry.survey, catalog),
                _reason(entry, titles),
                "draft" if row else "new",
                row.updated_at if row else None,
            )
        )
    return due


def is_met(entry: Scheduled, course_view, attended: int) -> bool:
    """True once the entry's trigger holds for this therapist."""
    if entry.kind == "after_course":
        modules = course_view.modules
        return bool(modules) and all(m.status == "complete" for m in modules)
    if entry.kind == "after_module":
        card = course_view.card(entry.module)
        return card is not None and card.status == "complete"
    return attended >= entry.count


def _reason(entry: Scheduled, titles: Mapping[str, str]) -> str:
    if entry.kind == "after_module":
        return _("You completed “%(title)s”.", title=titles.get(entry.module, entry.module))
    if entry.kind == "after_consultations":
        return ngettext(
            "You attended %(num)d consultation.", "You attended %(num)d consultations.", entry.count
        )
    return _("You finished the course.")


def response_counts() -> dict[tuple[str, str], dict[str, int]]:
    """(survey, trigger) -> {'draft': n, 'submitted': n} over every therapist (one query)."""
    query = select(
        SurveyResponse.survey, SurveyResponse.trigger, SurveyResponse.status, func.count()
    ).group_by(SurveyResponse.survey, SurveyResponse.trigger, SurveyResponse.status)
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for survey, trigger, status, n in db.session.execute(query):
        counts.setdefault((survey, trigger), {"draft": 0, "submitted": 0})[status] = n
    return counts
