"""The course file's settings as stored with a course revision (JSON) and read back typed."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from course.content import DEFAULT_QUIZ_ATTEMPTS, CertificateRule, CourseSpec, SurveySchedule

#: The settings in force before any course file is published.
EMPTY_SPEC = CourseSpec(
    title="",
    provider="",
    ce_hours=0.0,
    consent_version=None,
    quiz_attempts=DEFAULT_QUIZ_ATTEMPTS,
    consultation_gate=(),
    certificate=CertificateRule(),
    surveys=SurveySchedule(),
    source="",
    filename="modules/course.yaml",
    content_hash="",
)


def spec_to_data(spec: CourseSpec) -> dict[str, Any]:
    """The course settings as JSON-ready data (without the source text)."""
    data = asdict(spec)
    for key in ("source", "filename", "content_hash"):
        data.pop(key, None)
    data["surveys"]["after_consultations"] = {
        str(n): name for n, name in spec.surveys.after_consultations.items()
    }
    return data


def _modules(value: Any) -> str | tuple[str, ...]:
    return "all" if value == "all" else tuple(value or ())


def _attempts(value: Any) -> int:
    """Stored before the setting existed (or damaged): the default."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 100:
        return value
    return DEFAULT_QUIZ_ATTEMPTS


def spec_from_data(data: dict[str, Any] | None, content_hash: str = "") -> CourseSpec:
    """A stored course revision's settings as a CourseSpec."""
    if not data:
        return EMPTY_SPEC
    certificate = data.get("certificate") or {}
    surveys = data.get("surveys") or {}
    return CourseSpec(
        title=data.get("title") or "",
        provider=data.get("provider") or "",
        ce_hours=float(data.get("ce_hours") or 0),
        consent_version=data.get("consent_version") or None,
        quiz_attempts=_attempts(data.get("quiz_attempts")),
        consultation_gate=_modules(data.get("consultation_gate")),
        certificate=CertificateRule(
            modules=_modules(certificate.get("modules", "all")),
            surveys=tuple(certificate.get("surveys") or ()),
        ),
        surveys=SurveySchedule(
            after_course=surveys.get("after_course"),
            after_module=dict(surveys.get("after_module") or {}),
            after_consultations={
                int(n): name for n, name in (surveys.get("after_consultations") or {}).items()
            },
        ),
        source="",
        filename="modules/course.yaml",
        content_hash=content_hash,
    )
