"""Researchers read the instruments and the schedule; `surveys check` vets a custom file."""

from __future__ import annotations

import pytest

from course.surveys.instruments import BUILTIN_DIR

CUSTOM = """\
name: confidence
title: Confidence in repairing tensions
scale:
  min: 1
  max: 7
  labels: {1: Not at all, 2: Slightly, 3: Somewhat, 4: Moderately, 5: Quite, 6: Very, 7: Fully}
items:
  - {id: conf_1, text: "After [X], I can notice a withdrawal."}
  - {id: conf_2, text: "After [X], I can talk about a tension."}
scoring:
  method: mean
  min_answered: 2
"""


@pytest.mark.parametrize("role", ["researcher", "admin"])
def test_instruments_and_schedule_pages_are_read_only_for_research_roles(
    client, make_user, login, survey_course, role
):
    login(make_user(role))
    page = client.get("/surveys/instruments").get_data(as_text=True)
    for title in ("(AIM)", "(IAM)", "(FIM)", "(SUS)", "TFA-based", "Your views on the training"):
        assert title in page
    assert "The Test Course meets my approval." in page
    assert "Mean of the answered items when at least 3 of the 4 are answered" in page
    assert "All 10 items are needed" in page and "Not scored: each item" in page
    assert "<form" not in page.split("<main")[1]
    schedule = client.get("/surveys/schedule").get_data(as_text=True)
    assert "<code>after_course</code>" in schedule
    assert "Opens when you complete “Introduction to tensions”" in schedule
    assert "Opens after your 2nd consultation" in schedule
    assert "Survey submitted: Post-course acceptability survey" in schedule
    nav = client.get("/surveys/schedule").get_data(as_text=True).split("</nav>")[0]
    assert 'href="/surveys/schedule"' in nav


def test_schedule_counts_responses_without_naming_anyone(
    app, client, make_user, login, csrf, survey_course, complete
):
    therapist = make_user("therapist", name="Zelda Unique")
    complete(therapist, "intro", "next")
    login(therapist)
    client.post(
        "/surveys/acceptability/after_course",
        data={"csrf_token": csrf(client), "action": "save", "aim_1": "3"},
    )
    researcher = app.test_client()
    login(make_user("researcher"), on=researcher)
    page = researcher.get("/surveys/schedule").get_data(as_text=True)
    row = page.split("<code>after_course</code>")[1].split("</tr>")[0]
    assert "<td>1</td>" in row and "<td>0</td>" in row
    assert "Zelda" not in page and therapist.email not in page


@pytest.mark.parametrize("role", ["therapist", "trainer"])
def test_other_roles_cannot_read_the_research_pages(client, make_user, login, role):
    login(make_user(role))
    assert client.get("/surveys/instruments").status_code == 403
    assert client.get("/surveys/schedule").status_code == 403


def test_check_accepts_a_valid_custom_instrument(runner, tmp_path):
    path = tmp_path / "confidence.yaml"
    path.write_text(CUSTOM)
    result = runner.invoke(args=["surveys", "check", str(path)])
    assert result.exit_code == 0, result.output
    assert "OK: instrument 'confidence'" in result.output and "2 items" in result.output
    assert "at least 2 of the 2" not in result.output
    assert "Mean of the 2 items" in result.output


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("id: conf_2", "id: aim_1"), ":9: item id 'aim_1' is already used by instrument 'aim'"),
        (("min_answered: 2", "min_answered: 5"), "'min_answered' (5) exceeds the 2 scale items"),
        (("name: confidence", "name: aim"), "'name' 'aim' must equal the file name"),
        (("method: mean", "method: median"), "'method' must be one of mean, sus, none"),
    ],
)
def test_check_reports_problems_with_file_and_line(runner, tmp_path, change, message):
    path = tmp_path / "confidence.yaml"
    path.write_text(CUSTOM.replace(*change))
    result = runner.invoke(args=["surveys", "check", str(path)])
    assert result.exit_code == 1
    assert message in result.output
    assert f"{path}:" in result.output


def test_check_refuses_a_name_a_built_in_file_uses(runner, tmp_path):
    path = tmp_path / "sus.yaml"
    path.write_text(CUSTOM.replace("name: confidence", "name: sus").replace("conf_", "c_"))
    result = runner.invoke(args=["surveys", "check", str(path)])
    assert result.exit_code == 1 and "name 'sus' is already used by" in result.output


@pytest.mark.parametrize("path", sorted(BUILTIN_DIR.glob("*.yaml")), ids=lambda p: p.name)
def test_check_accepts_every_shipped_file_in_place(runner, path):
    result = runner.invoke(args=["surveys", "check", str(path)])
    assert result.exit_code == 0, result.output
