"""The course file, modules/course.yaml: course facts, gates and survey schedule."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .digest import content_hash
from .errors import Sink
from .fields import Fields, is_int, load_mapping
from .languages import LANGUAGES

COURSE_FILE = "modules/course.yaml"
COURSE_KEYS = (
    "title",
    "provider",
    "ce_hours",
    "consent_version",
    "quiz_attempts",
    "consultation_gate",
    "certificate",
    "surveys",
    "languages",
)
COURSE_REQUIRED = ("title", "provider", "ce_hours", "consultation_gate", "certificate")
CERTIFICATE_KEYS = ("modules", "surveys")
SURVEY_KEYS = ("after_course", "after_module", "after_consultations")
#: Attempts at each quiz when neither the course file nor the quiz says otherwise: enough to
#: learn from the score twice, few enough that a pass means something for CE credit.
DEFAULT_QUIZ_ATTEMPTS = 3

All = Literal["all"]


@dataclass(frozen=True)
class CertificateRule:
    """What a therapist must finish before a certificate is issued."""

    modules: All | tuple[str, ...] = "all"
    surveys: tuple[str, ...] = ()


@dataclass(frozen=True)
class SurveySchedule:
    """When surveys are offered; each value is an instrument name."""

    after_course: str | None = None
    after_module: dict[str, str] = field(default_factory=dict)
    after_consultations: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CourseSpec:
    """The parsed course file."""

    title: str
    provider: str
    ce_hours: float
    consent_version: str | None
    #: Attempts at each quiz (a quiz's own ``max_attempts`` wins); 0 means unlimited.
    quiz_attempts: int
    consultation_gate: All | tuple[str, ...]
    certificate: CertificateRule
    surveys: SurveySchedule
    source: str
    filename: str
    content_hash: str
    #: The languages the course is offered in: English, then any translations (each file
    #: then needs its version in ``<folder>/<code>/``; see ``translations``).
    languages: tuple[str, ...] = ("en",)


def parse_course(text: str, filename: str = COURSE_FILE) -> CourseSpec:
    """Parse and check the course file; raises ContentErrors listing every problem."""
    sink = Sink(filename)
    data = load_mapping(text, sink, "the course file", "title: ...")
    fields = Fields(data, sink)
    fields.check_keys(COURSE_KEYS, COURSE_REQUIRED)
    title = fields.text("title")
    provider = fields.text("provider")
    ce_hours = fields.number("ce_hours", minimum=0, maximum=1000)
    consent_version = fields.text("consent_version", required=False)
    quiz_attempts = fields.integer("quiz_attempts", minimum=0, maximum=100)
    gate = _modules_or_all(fields, "consultation_gate")
    certificate = _certificate(fields)
    surveys = _surveys(fields)
    languages = _languages(fields)
    sink.raise_if_any()
    return CourseSpec(
        title=title or "",
        provider=provider or "",
        ce_hours=ce_hours or 0.0,
        consent_version=consent_version,
        quiz_attempts=DEFAULT_QUIZ_ATTEMPTS if quiz_attempts is None else quiz_attempts,
        consultation_gate=gate,
        certificate=certificate,
        surveys=surveys,
        source=text,
        filename=filename,
        content_hash=content_hash(text),
        languages=languages,
    )


def _languages(fields: Fields) -> tuple[str, ...]:
    """``languages: [en, fr]``: English first (the source), then offered translations."""
    codes = fields.names("languages", kind="language code")
    if "languages" not in fields.data:
        return ("en",)
    offered = ("en", *LANGUAGES)
    unknown = [code for code in codes if code not in offered]
    if unknown:
        fields.error(
            "languages",
            f"'languages' lists {', '.join(unknown)}, which the platform does not offer "
            f"(it offers {', '.join(offered)})",
        )
    elif codes[:1] != ("en",):
        fields.error("languages", "'languages' must start with en, the language of the source")
    return codes


def _modules_or_all(fields: Fields, key: str) -> All | tuple[str, ...]:
    if fields.data.get(key) == "all":
        return "all"
    if isinstance(fields.data.get(key), str):
        fields.error(key, f"{key!r} must be 'all' or a list of module slugs")
        return ()
    return fields.names(key)


def _certificate(fields: Fields) -> CertificateRule:
    data = fields.mapping("certificate")
    if data is None:
        if "certificate" in fields.data and fields.data["certificate"] is None:
            fields.error(
                "certificate", "'certificate' must list 'modules' (and optional 'surveys')"
            )
        return CertificateRule()
    sub = Fields(data, fields.sink, "certificate")
    sub.check_keys(CERTIFICATE_KEYS, ("modules",))
    return CertificateRule(
        modules=_modules_or_all(sub, "modules"),
        surveys=sub.names("surveys", kind="survey instrument name"),
    )


def _surveys(fields: Fields) -> SurveySchedule:
    data = fields.mapping("surveys")
    if data is None:
        return SurveySchedule()
    sub = Fields(data, fields.sink, "surveys")
    sub.check_keys(SURVEY_KEYS, ())
    after_course = sub.data.get("after_course")
    if after_course is not None:
        line = data.line_of("after_course")
        if not sub.check_name(
            after_course, line, "'after_course'", "survey instrument name", "surveys.after_course"
        ):
            after_course = None
    after_module: dict[str, str] = {}
    for slug, name, line in _pairs(sub, "after_module"):
        where = f"surveys.after_module.{slug}"
        if sub.check_name(slug, line, "'after_module' key", "module slug", where) and (
            sub.check_name(
                name, line, f"'after_module' survey for {slug!r}", "survey instrument name", where
            )
        ):
            after_module[slug] = name
    after_consultations: dict[int, str] = {}
    for count, name, line in _pairs(sub, "after_consultations"):
        if not is_int(count) or count < 1:
            sub.sink.add(
                line,
                f"surveys: 'after_consultations' key {count!r} must be a whole number of "
                "consultations attended, at least 1",
                f"surveys.after_consultations.{count}",
            )
        elif sub.check_name(
            name,
            line,
            f"'after_consultations' survey for {count}",
            "survey instrument name",
            f"surveys.after_consultations.{count}",
        ):
            after_consultations[count] = name
    return SurveySchedule(after_course, after_module, after_consultations)


def _pairs(fields: Fields, key: str) -> list[tuple[object, object, int]]:
    data = fields.mapping(key)
    if data is None:
        return []
    return [(k, v, data.line_of(k)) for k, v in data.items()]
