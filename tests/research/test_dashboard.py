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
    assert many() == few() <= 26  # quizzes: the kept standings and tallies are two reads


def test_participants_with_progress_cut_are_flagged_by_study_id(
    app, client, login, researcher, populated
):
    from course import clock
    from course.catalog.models import Module
    from course.extensions import db
    from course.learning.models import IntegrityEvent

    now = clock.now_utc()
    with app.app_context():
        revision = db.session.scalar(db.select(Module).where(Module.slug == "intro")).published
        for kind, claimed, credited in (("active", 24000, 60), ("video", 300, 120)):
            db.session.add(
                IntegrityEvent(
                    user_id=populated["control"].id,
                    module_revision_id=revision.id,
                    kind=kind,
                    claimed=claimed,
                    credited=credited,
                    events=10,
                    first_event_at=now,
                    last_event_at=now,
                    received_at=now,
                )
            )
        db.session.commit()
    login(researcher)
    page = client.get("/research/").get_data(as_text=True)
    section = page.split('id="integrity-heading"')[1].split("</section>")[0]
    row = f'<th scope="row">{populated["control"].study_id}</th><td>Control</td><td>2</td>'
    assert row in section and "24000 / 60" in section and "300 / 120" in section
    assert populated["workshop"].study_id not in section
    quiet = client.get("/research/?arm=workshop").get_data(as_text=True)
    assert "No participant's progress has been cut" in quiet


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


LONGER = """\
title: A longer scenario
summary: More steps, to show the page's queries do not follow them.
steps:
  - id: one
    moment: One.
    choices:
      - {id: a, text: A, goto: two, feedback: A.}
      - {id: b, text: B, goto: two, feedback: B.}
  - id: two
    moment: Two.
    choices:
      - {id: c, text: C, goto: three, feedback: C.}
      - {id: d, text: D, goto: three, feedback: D.}
  - id: three
    moment: Three.
    choices:
      - {id: e, text: E, goto: end, feedback: E.}
  - id: end
    moment: The end.
    ending: {title: The end, debrief: Done.}
"""


@pytest.fixture
def practised(make_user, practice_course, seed_practice, withdraw):
    """One therapist per arm who practised, and one who practised and then withdrew."""
    people = {
        arm: make_user("therapist", arm=arm, name=f"Named {arm}", email=f"{arm}@example.org")
        for arm in ("self_paced", "workshop", "control")
    }
    for person in people.values():
        seed_practice(person)
    gone = make_user("therapist", arm="workshop", name="Wendy Withdrawn")
    seed_practice(gone)
    withdraw(gone)
    return people


def _charts(page: str) -> list[str]:
    return re.findall(r'<svg class="chart" role="img"[^>]*aria-labelledby="([\w-]+)-title', page)


def test_practice_charts_each_have_a_captioned_table_with_the_numbers(
    client, login, researcher, practised
):
    login(researcher)
    page = client.get("/research/").get_data(as_text=True)
    charts = _charts(page)
    assert {"scenario-small-endings", "scenario-small-choices", "drills"} <= set(charts)
    assert not {"scenario-steady-endings", "scenario-steady-choices"} & set(charts)
    assert "No run of this scenario reached an ending for these filters yet." in page  # steady
    pairs = page.split('<div class="figure-pair">')[1:]
    assert len(pairs) == len(charts)
    for pair in pairs:
        assert "<svg" in pair and "<table>" in pair and "<caption>" in pair
    # Endings: each of the three included people reached both, once each (withdrawn: out).
    row = '<tr><th scope="row">{}</th><td>{}</td><td>{}</td><td>{}</td></tr>'
    assert row.format("Partly repaired", "partial", 3, 3) in page
    assert row.format("Repaired", "repaired", 3, 3) in page
    # Choices at each step: "move-on" twice per person (runs 1 and 3), "name-it" once; the
    # chart names each choice by its text.
    choice = '<tr><th scope="row">{}</th><td>{}</td><td>{}</td><td>{}</td></tr>'
    assert choice.format("opening: move-on", "Move on to homework", 6, "67%") in page
    assert choice.format("opening: name-it", "Name the minimal response", 3, "33%") in page
    assert choice.format("opening-again: second-chance", "Try again, gently", 3, "100%") in page
    assert choice.format("opening-again: keep-going", "Keep going", 0, "0%") in page
    drawn = page.split('aria-labelledby="scenario-small-choices-title')[1].split("</svg>")[0]
    assert ">opening: Move on to homework</text>" in drawn
    # Drill items answered and rated, per level: one beginner and one intermediate each.
    assert row.format("Responding to withdrawal: beginner", 3, 3, 3) in page
    assert row.format("Responding to withdrawal: intermediate", 3, 3, 3) in page
    assert row.format("Responding to withdrawal: advanced", 0, 0, 0) in page
    assert "Wendy" not in page and "style=" not in page


def test_practice_figures_follow_the_arm_and_date_filters(client, login, researcher, practised):
    login(researcher)
    page = client.get("/research/?arm=workshop").get_data(as_text=True)
    row = '<tr><th scope="row">{}</th><td>{}</td><td>{}</td><td>{}</td></tr>'
    assert row.format("Partly repaired", "partial", 1, 1) in page  # not the withdrawn one
    assert row.format("Responding to withdrawal: beginner", 1, 1, 1) in page
    page = client.get("/research/?start=2001-01-01&end=2001-01-31").get_data(as_text=True)
    assert "No choices made in this scenario for these filters yet." in page
    assert "No drill items answered and rated for these filters yet." in page
    assert not {"scenario-small-endings", "drills"} & set(_charts(page))


def test_the_dashboard_query_count_does_not_grow_with_scenarios_steps_or_runs(
    client, login, researcher, make_user, practice_course, seed_practice, play, import_course,
    count_queries,
):  # fmt: skip
    login(researcher)
    seed_practice(make_user("therapist", arm="self_paced"))
    with count_queries() as few:
        assert client.get("/research/").status_code == 200
    (practice_course / "scenarios" / "longer.yaml").write_text(LONGER)
    import_course(practice_course)  # a third scenario, with more steps
    for arm in ("workshop", "control", "self_paced"):
        user = make_user("therapist", arm=arm)
        seed_practice(user)
        play(user, "steady", "warm", "warmer")
        play(user, "longer", "a", "d", "e")
    with count_queries() as many:
        page = client.get("/research/").get_data(as_text=True)
    assert "scenario-longer-choices" in _charts(page)
    assert many() == few() <= 26  # quizzes: the kept standings and tallies are two reads


def spread(values: list[float]):
    """The reference: median, quartiles and range from every value, by the statistics module."""
    import statistics

    from course.research.spreads import Spread

    if not values:
        return None
    ordered = sorted(values)
    if len(ordered) == 1:
        q1 = q3 = ordered[0]
    else:
        q1, _, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
    return Spread(len(ordered), statistics.median(ordered), q1, q3, ordered[0], ordered[-1])


def test_a_spread_from_picked_ranks_equals_the_spread_of_every_value():
    import random

    from course.research.spreads import spread_at

    rng = random.Random(3)
    for n in range(0, 40):
        values = [rng.choice((rng.uniform(0, 60), 7.5)) for _ in range(n)]
        assert spread_at(n, sorted(values).__getitem__) == spread(values)
