"""Scenario and drill files: parsed, checked with file:line and field paths, rendered once."""

from __future__ import annotations

import pytest

from course.content import ContentErrors, parse_drills, parse_scenario, render_scenario

GOOD = """title: A small scenario
summary: One sentence.
steps:
  - id: opening
    moment: The client says "Fine."
    choices:
      - id: name-it
        text: Name the minimal response
        goto: tally
        feedback: A **minimal response**, named tentatively.
        tags: [attuned, withdrawal-marker]
        points: 2
      - id: move-on
        text: Move on to homework
        goto: opening-again
        feedback: That misses the **minimal response**.
  - id: opening-again
    moment: The client goes quiet again.
    choices:
      - id: second-chance
        text: Try again, gently
        goto: tally
        feedback: A second chance.
        points: 1
      - id: keep-going
        text: Keep going
        goto: opening-again
        feedback: Still missing it.
  - id: tally
    branch:
      - at_least: 2
        goto: repaired
      - goto: partial
  - id: repaired
    moment: The client opens up.
    ending:
      title: Repaired
      debrief: You named the marker.
  - id: partial
    moment: Some of it is said.
    ending:
      title: Partly repaired
      debrief: You got there late.
"""


def _errors(text: str, parser=parse_scenario, name="scenarios/small.yaml") -> dict[str, str]:
    with pytest.raises(ContentErrors) as caught:
        parser(text, name)
    return {f"{e.line}:{e.path}": e.message for e in caught.value.errors}


def test_a_good_scenario_parses_with_a_loop_that_has_a_way_out():
    scenario = parse_scenario(GOOD, "scenarios/small.yaml")
    assert scenario.start == "opening"
    assert [s.id for s in scenario.steps] == [
        "opening", "opening-again", "tally", "repaired", "partial",
    ]  # fmt: skip
    assert scenario.step("tally").branch[0].at_least == 2
    rendered = render_scenario(scenario)
    assert (
        "<strong>minimal response</strong>" in rendered["steps"][0]["choices"][0]["feedback_html"]
    )


def test_an_unknown_target_is_refused_at_its_line():
    text = GOOD.replace("goto: partial", "goto: nowhere")
    assert _errors(text) == {
        "33:steps[2].branch[1].goto": "step 'tally' leads to unknown step 'nowhere'"
    }


def test_an_unreachable_step_is_refused():
    text = (
        GOOD
        + """  - id: orphan
    moment: Nobody gets here.
    ending:
      title: Orphan
      debrief: Never read.
"""
    )
    assert _errors(text) == {
        "44:steps[5].id": "step 'orphan' cannot be reached from the start ('opening')"
    }


def test_a_loop_with_no_way_out_is_refused():
    text = GOOD.replace(
        "      - id: second-chance\n        text: Try again, gently\n        goto: tally",
        "      - id: second-chance\n        text: Try again, gently\n        goto: opening-again",
    )
    errors = _errors(text)
    assert errors == {
        "17:steps[1].id": "no path from step 'opening-again' leads to an ending "
        "(a loop with no way out)"
    }


def test_a_step_without_choices_or_ending_and_duplicate_ids_are_refused():
    text = GOOD.replace(
        "    ending:\n      title: Partly repaired\n      debrief: You got there late.\n", ""
    )
    text += "  - id: repaired\n    moment: Again.\n    ending: {title: T, debrief: D}\n"
    errors = _errors(text)
    assert errors["39:steps[4]"].startswith("step 5: a step has exactly one of choices, branch")
    assert errors["41:steps[5].id"] == "step 6: duplicate step id 'repaired' (first at line 34)"


def test_the_default_branch_rule_comes_last():
    text = GOOD.replace("      - goto: partial", "      - at_least: 0\n        goto: partial")
    assert _errors(text) == {
        "33:steps[2].branch[1].at_least": (
            "step 3: branch rule 2: the last branch rule is the default: leave out 'at_least'"
        )
    }


DRILL = """title: Withdrawal
summary: One sentence.
items:
  - id: fine
    level: beginner
    kind: withdrawal
    marker: minimal-response
    statement: "It's fine."
    criteria:
      - {id: observe, text: Names what you noticed}
      - {id: invite, text: Invites the client to say more}
    models:
      - "I notice you said that quickly."
      - "I wonder what it's like to be asked that."
"""


def test_a_good_drill_set_parses():
    drills = parse_drills(DRILL, "drills/withdrawal.yaml")
    assert drills.min_response_chars == 40 and drills.items[0].marker == "minimal-response"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("level: beginner", "level: expert"), {
            "5:items[0].level": "item 1: 'level' must be one of beginner, intermediate, "
            "advanced, not 'expert'"}),
        (("marker: minimal-response", "marker: complaint-about-therapist"), {
            "7:items[0].marker": "item 1: 'marker' for withdrawal must be one of denial, "
            "minimal-response, abstract-talk, avoidant-storytelling, deferential-appeasing, "
            "content-affect-split, self-criticism-hopelessness"}),
        (("      - {id: invite, text: Invites the client to say more}\n", ""), {
            "9:items[0].criteria": "item 1: an item needs 2 to 4 criteria, found 1"}),
        (('      - "I wonder what it\'s like to be asked that."\n', ""), {
            "12:items[0].models": "item 1: an item needs at least 2 model responses, as text"}),
    ],
)  # fmt: skip
def test_a_bad_drill_item_is_refused_at_its_line(change, expected):
    assert _errors(DRILL.replace(*change), parse_drills, "drills/withdrawal.yaml") == expected


def test_the_shipped_practice_content_is_valid(project_root):
    from course.content import load_dir

    bundle = load_dir(project_root)
    assert len(bundle.scenarios) >= 3 and len(bundle.drills) >= 3
    for scenario in bundle.scenarios.values():
        assert len(scenario.steps) >= 8 and sum(1 for s in scenario.steps if s.ending) >= 2
    for drills in bundle.drills.values():
        levels = [item.level for item in drills.items]
        assert len(levels) >= 12 and all(levels.count(level) >= 3 for level in set(levels))
        assert all(len(item.models) >= 2 for item in drills.items)
