"""The dose: minutes per module at stated rates, the CE-hours warning, and the table in
docs/course.md, which must match what `content dose` computes for the shipped course."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from course.cli import DOSE_END, DOSE_START
from course.content import load_dir, parse_scenario
from course.content.dose import (
    MINUTES_PER_DRILL_ITEM,
    MINUTES_PER_QUIZ_QUESTION,
    MINUTES_PER_SCENARIO_DECISION,
    READING_WORDS_PER_MINUTE,
    course_dose,
    dose_table,
    shortest_decisions,
)

ROOT = Path(__file__).resolve().parents[2]
F1 = "modules/01-foundations.md"
F2 = "modules/02-detecting-withdrawal.md"
WORDS = " ".join(["word"] * 1000)


def _dose(root: Path, **kwargs):
    bundle = load_dir(root)
    return course_dose(
        bundle.course, bundle.modules, bundle.quizzes, bundle.scenarios, bundle.drills, **kwargs
    )


def test_each_part_is_counted_at_its_stated_rate(course_tree, course_files):
    withdrawal = course_files[F2].replace(
        'captions: media/withdrawal.en.vtt\n', "captions: media/withdrawal.en.vtt\nduration: 4:30\n"
    ) + "\n" + WORDS + "\n"  # fmt: skip
    dose = _dose(course_tree({F1: course_files[F1] + "\n" + WORDS + "\n", F2: withdrawal}))
    first, second = dose.modules
    assert READING_WORDS_PER_MINUTE == 200 and MINUTES_PER_QUIZ_QUESTION == 1.5
    assert (first.words, first.reading, first.video, first.quiz_questions, first.quiz) == (
        1000 + 13,  # and the heading and sentence of the fixture module
        5,
        0,
        1,
        2,  # 1.5 minutes, halves rounded up
    )
    assert (second.words, second.reading, second.video, second.videos_unknown) == (1001, 5, 5, 0)
    assert second.quiz_questions == 0 and second.quiz == 0  # no quiz required
    assert dose.total == first.total + second.total == 7 + 10


def test_a_remote_video_without_duration_is_unknown_and_said_so(course_tree):
    dose = _dose(course_tree())
    assert dose.modules[1].video == 0 and dose.modules[1].videos_unknown == 1
    table = dose_table(dose)
    assert "| 0 + 1 unknown |" in table
    assert "1 video(s) of unknown length are counted as 0 minutes." in table


def test_a_video_length_can_come_from_the_file_reader(course_tree):
    dose = _dose(course_tree(), video_seconds=lambda video: 61.0)
    assert dose.modules[1].video == 2 and dose.modules[1].videos_unknown == 0  # rounded up


def test_practice_counts_scenario_decisions_and_required_drill_items(fixture_root, tmp_path):
    root = tmp_path / "course"
    shutil.copytree(fixture_root, root)
    for folder in ("scenarios", "drills"):
        shutil.copytree(fixture_root.parent / "practice" / folder, root / folder)
    page = root / "modules" / "02-next.md"
    rule = "  scenario: small\n  practice:\n    set: withdrawal\n    items: 2\n"
    page.write_text(page.read_text().replace("  min_seconds: 30\n", rule))
    dose = _dose(root)
    decisions = shortest_decisions(load_dir(root).scenarios["small"])
    assert decisions >= 1
    expected = decisions * MINUTES_PER_SCENARIO_DECISION + 2 * MINUTES_PER_DRILL_ITEM
    assert dose.modules[1].practice == expected
    assert dose.modules[1].practice_parts == (f"scenario, {decisions} decisions", "2 drill items")


SCENARIO = """\
title: Routes
summary: Two routes to an ending.
start: a
steps:
  - id: a
    moment: Start.
    choices:
      - {id: long, text: Long way, goto: b, feedback: Longer.}
      - {id: short, text: Short way, goto: tally, feedback: Shorter.}
  - id: b
    moment: Middle.
    choices:
      - {id: onward, text: Onward, goto: tally, feedback: Onward.}
  - id: tally
    branch:
      - {at_least: 1, goto: end}
      - {goto: end}
  - id: end
    moment: The end.
    ending: {title: Done, debrief: Over.}
"""


def test_a_scenario_counts_its_shortest_route_and_branch_steps_are_free():
    assert shortest_decisions(parse_scenario(SCENARIO, "scenarios/routes.yaml")) == 1


@pytest.mark.parametrize(
    ("ce_hours", "warns"), [(1, True), (0.24, True), (0.22, False), (0.2, False), (0.16, True)]
)
def test_ce_hours_far_from_the_total_is_a_warning(course_tree, course_files, ce_hours, warns):
    course = course_files["modules/course.yaml"].replace("ce_hours: 6", f"ce_hours: {ce_hours}")
    dose = _dose(
        course_tree({"modules/course.yaml": course, F1: course_files[F1] + WORDS + " " + WORDS})
    )
    assert dose.total == 10 + 2  # reading 2,013 words, one quiz question; 15% is 1.8 min
    assert (dose.ce_warning() is not None) == warns


def test_content_check_warns_but_passes(runner, fixture_root, tmp_path):
    root = tmp_path / "course"
    shutil.copytree(fixture_root, root)
    course = root / "modules" / "course.yaml"
    course.write_text(re.sub(r"ce_hours: .*", "ce_hours: 40", course.read_text()))
    result = runner.invoke(args=["content", "check", str(root)])
    assert result.exit_code == 0, result.output
    assert "WARNING: ce_hours in modules/course.yaml is 40 (2400 min)" in result.output
    assert "OK: 2 modules" in result.output


def test_the_dose_table_in_docs_course_md_matches_the_shipped_course(runner):
    result = runner.invoke(args=["content", "dose", str(ROOT)])
    assert result.exit_code == 0, result.output
    docs = (ROOT / "docs" / "course.md").read_text(encoding="utf-8")
    written = docs.split(DOSE_START + "\n", 1)[1].split(DOSE_END, 1)[0]
    assert written == result.output, (
        "docs/course.md is stale: run `flask --app app content dose --into docs/course.md`"
    )


def test_dose_into_replaces_only_the_table(runner, tmp_path, fixture_root):
    page = tmp_path / "page.md"
    page.write_text(f"Before.\n\n{DOSE_START}\nold table\n{DOSE_END}\n\nAfter.\n")
    result = runner.invoke(args=["content", "dose", str(fixture_root), "--into", str(page)])
    assert result.exit_code == 0, result.output
    text = page.read_text()
    assert text.startswith(f"Before.\n\n{DOSE_START}\n| # | Module |")
    assert text.endswith(f"{DOSE_END}\n\nAfter.\n") and "old table" not in text
    page.write_text("No markers here.\n")
    refused = runner.invoke(args=["content", "dose", str(fixture_root), "--into", str(page)])
    assert refused.exit_code != 0 and "has no lines" in refused.output
