"""The researcher dashboard: every figure with its table, filters, study IDs only, bounded."""

from __future__ import annotations

import re

import pytest


@pytest.fixture
def populated(make_user, seed_activity, course):
    make_user("trainer", name="Terry Trainer")
    people = {
        arm: make_user("therapist", arm=arm, name=f"Named {arm}", email=f"{arm}@example.org")
        for arm in ("self_paced", "workshop", "control")
    }
    for person in people.values():
        seed_activity(person)
    return people


def test_every_chart_has_a_captioned_table_beside_it(client, login, researcher, populated):
    login(researcher)
    page = client.get("/research/").get_data(as_text=True)
    assert "<h1>Research dashboard</h1>" in page
    charts = re.findall(r'<svg class="chart" role="img"[^>]*aria-labelledby="([\w-]+)-title', page)
    assert {
        "enrolment",
        "funnel",
        "active",
        "videos",
        "quizzes",
        "questions",
        "scales",
        "dist-aim",
        "attendance",
    } <= set(charts)
    pairs = page.split('<div class="figure-pair">')[1:]
    assert len(pairs) == len(charts)
    for pair in pairs:
        assert "<svg" in pair and "<table>" in pair and "<caption>" in pair
    assert "style=" not in page and "<script>" not in page


def test_the_figures_show_the_numbers(client, login, researcher, populated):
    login(researcher)
    page = client.get("/research/").get_data(as_text=True)
    assert "Showing 3 consented participants" in page
    assert re.search(r"<th scope=\"row\">Introduction to tensions</th><td>3</td><td>3</td>", page)
    assert "<td>5.0</td>" in page  # median active minutes: 300 s
    assert "70%" in page  # video watched
    assert "check wording" in page  # a question most answered wrongly
    assert "4.50" in page  # AIM mean
    assert "1 attended" in page or "3 attended" in page


def test_filtering_by_arm_narrows_every_figure(client, login, researcher, populated):
    login(researcher)
    page = client.get("/research/?arm=workshop").get_data(as_text=True)
    assert "Showing 1 consented participant in the Workshop arm" in page
    assert re.search(r"Introduction to tensions</th><td>1</td><td>1</td>", page)


def test_a_date_range_with_no_activity_shows_empty_states(client, login, researcher, populated):
    login(researcher)
    page = client.get("/research/?start=2001-01-01&end=2001-01-31").get_data(as_text=True)
    assert "No quiz attempts for these filters yet." in page
    assert "No video viewing recorded for these filters yet." in page


def test_bad_filters_explain_and_show_everything(client, login, researcher, populated):
    login(researcher)
    page = client.get("/research/?start=2026-03-02&end=2026-03-01").get_data(as_text=True)
    assert "after the" in page and "Showing 3 consented participants" in page
    page = client.get("/research/?start=someday").get_data(as_text=True)
    assert "Not a valid date value" in page


def test_no_names_or_emails_on_research_pages(client, login, researcher, make_user, populated):
    login(researcher)
    for path in ("/research/", "/research/exports", "/research/tokens", "/research/randomization"):
        page = client.get(path).get_data(as_text=True)
        for person in populated.values():
            assert person.name not in page and person.email not in page, path
        assert "Terry Trainer" not in page


def test_the_dashboard_query_count_does_not_grow_with_people(
    client, login, researcher, make_user, seed_activity, course, count_queries
):
    login(researcher)
    seed_activity(make_user("therapist", arm="self_paced"))
    with count_queries() as few:
        assert client.get("/research/").status_code == 200
    for _ in range(5):
        seed_activity(make_user("therapist", arm="control"))
    with count_queries() as many:
        assert client.get("/research/").status_code == 200
    assert many() == few() <= 25


@pytest.mark.parametrize("role", ["therapist", "trainer"])
def test_therapists_and_trainers_cannot_open_research_pages(client, make_user, login, role):
    login(make_user(role))
    for path in ("/research/", "/research/randomization"):
        assert client.get(path).status_code == 403


def test_admins_see_the_dashboard_and_randomization(client, make_user, login):
    login(make_user("admin"))
    assert client.get("/research/").status_code == 200
    page = client.get("/research/randomization").get_data(as_text=True)
    assert "Override an allocation" in page
