"""The scenario map: read from any YAML (valid or not), problems flagged, SVG well formed."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from course.content import map_svg, scenario_graph
from course.content.scenario_map import DEAD_END, UNREACHABLE
from course.content.scenario_svg import layout

SVG = "{http://www.w3.org/2000/svg}"
ROOT = Path(__file__).parents[2]
GOOD = (ROOT / "tests" / "fixtures" / "practice" / "scenarios" / "small.yaml").read_text()
LOOP = """title: A loop
summary: One sentence.
steps:
  - id: ask
    moment: The client waits.
    choices:
      - {id: press, text: Press on, goto: insist, feedback: Pressing.}
  - id: insist
    moment: The client sighs.
    choices:
      - {id: again, text: Ask again, goto: ask, feedback: Round again.}
  - id: end
    moment: Done.
    ending: {title: The end, debrief: Nobody arrives here.}
"""

EXTRA = """  - id: orphan
    moment: Nobody gets here.
    choices:
      - id: back-in
        text: Back to the start
        goto: opening
        feedback: Rejoins the path.
  - id: spiral
    moment: Round and round.
    choices:
      - id: again
        text: Again
        goto: spiral
        feedback: No way out.
"""


def _parse(markup: str) -> ET.Element:
    """Parse SVG as XML: raises on anything not well formed (the input is our own output)."""
    return ET.fromstring(markup)  # noqa: S314


def _svg(text: str) -> ET.Element:
    return _parse(map_svg(scenario_graph(text)))


def _texts(svg: ET.Element) -> list[str]:
    return [element.text or "" for element in svg.iter(f"{SVG}text")]


def test_a_valid_scenario_has_no_flags_and_columns_follow_the_distance_from_the_start():
    graph = scenario_graph(GOOD)
    assert graph.start == "opening" and graph.problems == 0
    depths = {node.id: node.depth for node in graph.nodes}
    assert depths == {"opening": 0, "opening-again": 1, "tally": 1, "repaired": 2, "partial": 2}
    assert [(k.source, k.label, k.target) for k in graph.links_from("tally")] == [
        ("tally", "at least 2", "repaired"),
        ("tally", "otherwise", "partial"),
    ]
    columns = {box.key: (box.column, box.band) for box in layout(graph)}
    assert columns["opening"] == (0, 0) and columns["repaired"] == (2, 0)


def test_unreachable_steps_and_dead_ends_are_flagged_and_drawn_apart():
    graph = scenario_graph(GOOD + EXTRA)
    flags = {node.id: node.flags for node in graph.nodes if node.flags}
    assert flags == {"orphan": (UNREACHABLE,), "spiral": (UNREACHABLE, DEAD_END)}
    bands = {box.key: box.band for box in layout(graph)}
    assert bands["orphan"] == bands["spiral"] == 1 and bands["opening"] == 0
    svg = _svg(GOOD + EXTRA)
    assert "⚠ unreachable, dead end" in _texts(svg)
    assert "Below: steps that cannot be reached from the start" in _texts(svg)
    desc = svg.find(f"{SVG}desc").text
    assert "Cannot be reached: orphan, spiral." in desc and "No way to an ending: spiral." in desc


def test_a_loop_with_no_way_out_is_a_dead_end_even_when_reached():
    graph = scenario_graph(LOOP)
    flags = {node.id: node.flags for node in graph.nodes}
    assert flags == {"ask": (DEAD_END,), "insist": (DEAD_END,), "end": (UNREACHABLE,)}
    assert "⚠ dead end" in _texts(_svg(LOOP))


def test_an_unknown_target_is_flagged_and_drawn_as_a_box_of_its_own():
    graph = scenario_graph(GOOD.replace("goto: partial", "goto: nowhere"))
    assert graph.unknown_targets == ["nowhere"]
    [bad] = [link for link in graph.links if link.unknown]
    assert (bad.source, bad.label, bad.line) == ("tally", "otherwise", 33)
    svg = _svg(GOOD.replace("goto: partial", "goto: nowhere"))
    missing = [g for g in svg.iter(f"{SVG}g") if "missing" in g.get("class", "").split()]
    assert [_texts(g) for g in missing] == [["nowhere", "Unknown step", "⚠ no such step"]]
    bad_paths = [p for p in svg.iter(f"{SVG}path") if "bad" in p.get("class", "").split()]
    assert len(bad_paths) == 1 and bad_paths[0].get("marker-end") == "url(#scenario-map-arrow-bad)"


def test_the_map_draws_what_parses_when_the_file_has_other_errors():
    broken = GOOD.replace("    moment: The client opens up.\n", "").replace(
        "title: Repaired", "title: [unclosed"
    )
    graph = scenario_graph(broken)
    assert not graph.readable and graph.nodes == ()
    half = GOOD.replace("  - id: partial\n", "  - idd: partial\n").replace("points: 2", "points: x")
    graph = scenario_graph(half)
    assert [n.id for n in graph.nodes] == ["opening", "opening-again", "tally", "repaired"]
    assert graph.unknown_targets == ["partial"]
    _parse(map_svg(graph))


def test_text_is_escaped_and_the_svg_is_well_formed_with_a_title_and_description():
    text = GOOD.replace("id: move-on", "id: '<b>&\"x\"'").replace(
        "  - id: tally", "  - id: 'a<script>'\n    ending: {title: t, debrief: d}\n  - id: tally"
    )
    markup = map_svg(scenario_graph(text), prefix="m")
    svg = _parse(markup)
    assert "<script>" not in markup and "&lt;b&gt;&amp;" in markup
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "m-title m-desc"
    assert svg.find(f"{SVG}title").text == "Map of the scenario's steps and links"
    assert not [e for e in svg.iter() if e.get("style") is not None or e.tag == f"{SVG}script"]


@pytest.mark.parametrize("text", ["", "title: only a title\n", "steps: 3\n", "- a list\n"])
def test_anything_without_steps_draws_an_empty_map(text):
    graph = scenario_graph(text)
    assert graph.nodes == () and graph.problems == 0
    _parse(map_svg(graph))


@pytest.mark.parametrize("path", sorted((ROOT / "scenarios").glob("*.yaml")), ids=lambda p: p.stem)
def test_the_shipped_scenarios_map_without_flags(path):
    graph = scenario_graph(path.read_text())
    assert graph.problems == 0 and graph.unknown_targets == []
    _parse(map_svg(graph))
