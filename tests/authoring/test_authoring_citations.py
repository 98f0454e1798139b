"""Publishing in the browser refuses unfinished text as `content check` does: bracketed
placeholders and references without a DOI or URL, shown beside the field at fault."""

from __future__ import annotations

from html import unescape
from pathlib import Path

from course.catalog.models import QuizRevision
from course.catalog.practice import Scenario, ScenarioRevision

UNFINISHED = "\n## References\n\n- Someone, A. (2020). [A study of alliance ruptures].\n"
SMALL = (
    Path(__file__).parents[1] / "fixtures" / "practice" / "scenarios" / "small.yaml"
).read_text()


def test_a_module_with_a_bracketed_reference_is_not_published_but_may_be_a_draft(editor):
    body = editor.BODY + UNFINISHED
    before = editor.count()
    response = editor.new_module(body=body)
    assert response.status_code == 422
    errors = editor.read(response).text["body-error"]
    assert "line 13: bracketed placeholder '[A study of alliance ruptures]'" in errors
    assert (
        "line 13: reference 'Someone, A. (2020). [A study of alliance ruptures].' has no DOI"
        in errors
    )
    assert editor.count() == before
    assert (
        editor.new_module(action="save", body=body).status_code == 302
    )  # a draft may be unfinished


def test_a_quiz_prompt_with_a_placeholder_is_refused_beside_the_prompt(editor):
    editor.new_module()
    before = editor.count(QuizRevision)
    fields = [
        ("pass_mark", "100"),
        ("max_attempts", "0"),
        ("questions-0-id", "spot"),
        ("questions-0-type", "single"),
        ("questions-0-prompt", "The patient says [insert vignette]. What is it?"),
        ("questions-0-options-0-text", "A withdrawal marker"),
        ("questions-0-options-0-correct", "y"),
        ("questions-0-options-1-text", "A confrontation marker"),
    ]
    response = editor.quiz("roleplay", fields, "publish")
    assert response.status_code == 422
    page = editor.read(response)
    assert "bracketed placeholder '[insert vignette]'" in page.text["questions-0-prompt-error"]
    assert editor.count(QuizRevision) == before


def test_a_scenario_with_a_placeholder_is_refused_at_its_line_and_path(practice_editor):
    text = SMALL.replace("The client opens up.", "The client opens up. [describe how]", 1)
    assert text != SMALL
    line = next(n for n, row in enumerate(text.split("\n"), 1) if "[describe how]" in row)
    before = practice_editor.count(Scenario, ScenarioRevision)
    response = practice_editor.client.post(
        "/authoring/scenarios/small/edit",
        data={
            "source": text,
            "action": "publish",
            "csrf_token": practice_editor.csrf(practice_editor.client),
        },
    )
    assert response.status_code == 422
    html = unescape(response.get_data(as_text=True))
    assert "bracketed placeholder '[describe how]'" in html
    assert f'<a href="#source" data-line="{line}">Line {line}</a>' in html
    assert practice_editor.count(Scenario, ScenarioRevision) == before
