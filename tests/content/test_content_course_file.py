"""The course file: facts, gate, certificate rule and survey schedule."""

from __future__ import annotations

import pytest

from course.catalog.spec import spec_from_data, spec_to_data
from course.content import CertificateRule, ContentErrors, SurveySchedule, parse_course

FILE = "modules/course.yaml"
VALID = """\
title: Working with Alliance Tensions
provider: Alliance Training Platform
ce_hours: 6.5
consent_version: "2026-1"
consultation_gate: [foundations, detecting-withdrawal]
certificate:
  modules: all
  surveys: [acceptability]
surveys:
  after_course: acceptability
  after_module:
    foundations: aim
  after_consultations:
    3: iam
"""


def test_valid_course_file_parses():
    course = parse_course(VALID)
    assert (course.title, course.provider, course.ce_hours) == (
        "Working with Alliance Tensions",
        "Alliance Training Platform",
        6.5,
    )
    assert course.consent_version == "2026-1"
    assert course.consultation_gate == ("foundations", "detecting-withdrawal")
    assert course.certificate == CertificateRule(modules="all", surveys=("acceptability",))
    assert course.surveys == SurveySchedule("acceptability", {"foundations": "aim"}, {3: "iam"})
    assert (course.filename, course.source) == (FILE, VALID)


def test_optional_keys_default():
    text = (
        "title: T\nprovider: P\nce_hours: 0\nconsultation_gate: all\ncertificate:\n  modules: [a]\n"
    )
    course = parse_course(text, "elsewhere/course.yaml")
    assert course.consultation_gate == "all"
    assert course.certificate == CertificateRule(modules=("a",), surveys=())
    assert course.surveys == SurveySchedule(None, {}, {})
    assert course.consent_version is None
    assert course.quiz_attempts == 3  # enough to learn from two scores, few enough for CE
    assert course.filename == "elsewhere/course.yaml"


@pytest.mark.parametrize("value", [0, 1, 5])
def test_quiz_attempts_is_read_and_kept_with_the_revision(value):
    course = parse_course(VALID + f"quiz_attempts: {value}\n")
    assert course.quiz_attempts == value
    assert spec_from_data(spec_to_data(course)).quiz_attempts == value


def test_a_course_revision_stored_before_quiz_attempts_reads_the_default():
    data = spec_to_data(parse_course(VALID))
    del data["quiz_attempts"]
    assert spec_from_data(data).quiz_attempts == 3


RULES = {
    "unknown key": (
        VALID + "language: en\n",
        15,
        "unknown key 'language' (allowed: title, provider",
    ),
    "missing key": (VALID.replace("provider: Alliance Training Platform\n", ""), 1, "'provider'"),
    "title not text": (
        VALID.replace("title: Working with Alliance Tensions", "title: 7"),
        1,
        "text",
    ),
    "ce_hours text": (VALID.replace("ce_hours: 6.5", "ce_hours: six"), 3, "must be a number"),
    "ce_hours negative": (VALID.replace("ce_hours: 6.5", "ce_hours: -1"), 3, "between 0 and 1000"),
    "quiz_attempts negative": (
        VALID + "quiz_attempts: -1\n",
        15,
        "'quiz_attempts' must be between 0 and 100, not -1",
    ),
    "quiz_attempts text": (
        VALID + "quiz_attempts: three\n",
        15,
        "'quiz_attempts' must be a whole number",
    ),
    "consent_version number": (
        VALID.replace('"2026-1"', "2026"),
        4,
        "'consent_version' must be text, not a number (2026) (put it in quotes)",
    ),
    "gate neither list nor all": (
        VALID.replace(
            "consultation_gate: [foundations, detecting-withdrawal]", "consultation_gate: some"
        ),
        5,
        "'all' or a list",
    ),
    "gate bad slug": (VALID.replace("[foundations,", "[Foundations,"), 5, "'Foundations'"),
    "certificate unknown key": (
        VALID.replace("  modules: all\n", "  modules: all\n  grade: A\n"),
        8,
        "certificate: unknown key 'grade' (allowed: modules, surveys)",
    ),
    "certificate missing modules": (
        VALID.replace("  modules: all\n", ""),
        7,
        "certificate: missing required key 'modules'",
    ),
    "certificate not a mapping": (
        VALID.replace(
            "certificate:\n  modules: all\n  surveys: [acceptability]\n", "certificate: all\n"
        ),
        6,
        "'certificate' must be a mapping",
    ),
    "certificate survey name": (
        VALID.replace("[acceptability]", "[Acceptability!]"),
        8,
        "instrument",
    ),
    "surveys unknown key": (
        VALID + "  before_course: x\n",
        15,
        "surveys: unknown key 'before_course'",
    ),
    "after_course bad name": (
        VALID.replace("after_course: acceptability", "after_course: Accept Ability"),
        10,
        "not a valid survey instrument name",
    ),
    "after_module bad instrument": (
        VALID.replace("foundations: aim", "foundations: 3"),
        12,
        "instrument",
    ),
    "after_consultations key not a number": (
        VALID.replace("3: iam", "three: iam"),
        14,
        "whole number",
    ),
    "after_consultations key zero": (VALID.replace("3: iam", "0: iam"), 14, "at least 1"),
    "yaml syntax error": (VALID.replace("ce_hours: 6.5", "ce_hours: [6.5"), 4, "YAML syntax error"),
    "not a mapping": ("- title\n- provider\n", 1, "mapping"),
    "empty file": ("", 1, "mapping"),
}


@pytest.mark.parametrize(("text", "line", "fragment"), RULES.values(), ids=RULES.keys())
def test_course_rule_reports_file_and_line(text, line, fragment):
    with pytest.raises(ContentErrors) as info:
        parse_course(text)
    errors = info.value.errors
    assert [(error.file, error.line) for error in errors] == [(FILE, line)], errors
    assert fragment in errors[0].message


def test_all_course_problems_at_once():
    text = VALID.replace("ce_hours: 6.5", "ce_hours: -2").replace("modules: all", "modules: some")
    with pytest.raises(ContentErrors) as info:
        parse_course(text + "extra: 1\n")
    assert [error.line for error in info.value.errors] == [3, 7, 15]
    assert (
        str(info.value).splitlines()[0]
        == f"{FILE}:3: 'ce_hours' must be between 0 and 1000, not -2"
    )
