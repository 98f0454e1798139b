"""The dashboard's charts: readable text, scaled axes, human labels, downloads as SVG and as
the CSV of their table, and the question flag only after enough answers."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from course.research import charts
from course.research import views as research_views
from course.research.charts import Table

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def populated(make_user, seed_activity, course):
    people = [make_user("therapist", arm=arm) for arm in ("self_paced", "workshop", "control")]
    for person in people:
        seed_activity(person)
    return people


def _svgs(page: str) -> dict[str, str]:
    pattern = r'<svg class="chart"[^>]*aria-labelledby="([\w-]+)-title.*?</svg>'
    return {m.group(1): m.group(0) for m in re.finditer(pattern, page, re.S)}


def test_every_chart_text_is_at_least_12_px_and_every_value_axis_has_ticks(
    client, login, researcher, populated
):
    login(researcher)
    page = client.get("/research/").get_data(as_text=True)
    drawn = _svgs(page)
    assert {"enrolment", "funnel", "active", "videos", "quizzes", "questions", "dist-aim"} <= set(
        drawn
    )
    for name, svg in drawn.items():
        sizes = [float(s) for s in re.findall(r'<text[^>]*font-size="([\d.]+)"', svg)]
        assert sizes and len(sizes) == svg.count("<text"), name  # every text has its size
        assert min(sizes) >= 12, name
        # a numbered scale: at least two tick marks with numbers under or beside them
        assert svg.count('class="tick-label"') >= 2, name
        assert re.search(r'class="tick-label"[^>]*>0<', svg), name
        assert 'class="axis"' in svg and 'class="axis-title"' in svg, name
    # The drawing is narrow enough for a phone and the CSS never draws it much smaller.
    assert charts.WIDTH <= 360 and charts.FONT * 340 / charts.WIDTH >= 12


def test_charts_are_labelled_with_titles_and_question_text_not_slugs(
    client, login, researcher, populated
):
    login(researcher)
    drawn = _svgs(client.get("/research/").get_data(as_text=True))
    labels = lambda svg: re.findall(r'class="chart-label"[^>]*>([^<]*)<', svg)  # noqa: E731
    assert "Introduction to tensions" in labels(drawn["quizzes"])
    assert not any(label.startswith("intro") for label in labels(drawn["quizzes"]))
    question_text = " ".join(labels(drawn["questions"]))
    assert "What marker is this?" in question_text
    assert "intro:" not in question_text


def test_long_labels_wrap_within_the_drawing():
    label = "Which are exploratory strategies when a patient withdraws? Choose all that apply. " * 2
    chart = charts.hbars("q", "Questions", [(label, 40.0, "40% of 10")], maximum=100, lines=3)
    texts = [s for s in chart.shapes if s.tag == "text" and "chart-label" in s.attrs["class"]]
    assert len(texts) == 3 and texts[-1].text.endswith("…")
    assert all(len(t.text) <= charts.CHARS for t in texts)
    # The longest bar leaves room for the longest value text after it.
    chart = charts.grouped_hbars(
        "d", "Drills", [("Set", [("beginner", 120), ("intermediate", 118)])]
    )
    values = [s for s in chart.shapes if s.tag == "text" and s.attrs["class"] == "chart-value"]
    assert all(s.attrs["x"] + len(s.text) * charts.EM <= charts.WIDTH for s in values)
    assert charts.ticks(100) == [0, 25, 50, 75, 100]
    assert charts.ticks(7, whole=True) == [0, 2, 4, 6, 8]


def test_a_question_is_flagged_only_after_the_minimum_number_of_answers(
    app, client, login, researcher, populated, monkeypatch
):
    login(researcher)
    assert app.config["FLAG_MIN_ATTEMPTS"] == 10  # the default
    page = client.get("/research/").get_data(as_text=True)
    assert '<td class="flag">check wording</td>' not in page  # 3 answers say too little
    assert "at least 10 answers" in page
    monkeypatch.setitem(app.config, "FLAG_MIN_ATTEMPTS", 3)
    page = client.get("/research/").get_data(as_text=True)
    assert page.count('<td class="flag">check wording</td>') == 1  # the question all got wrong


def test_a_chart_downloads_as_a_standalone_svg(client, login, researcher, populated):
    login(researcher)
    page = client.get("/research/?arm=workshop").get_data(as_text=True)
    assert 'href="/research/charts/funnel.svg?arm=workshop"' in page
    response = client.get("/research/charts/funnel.svg?arm=workshop")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert response.headers["Content-Disposition"] == 'attachment; filename="funnel.svg"'
    root = ET.fromstring(response.data)  # noqa: S314  (our own response)
    assert root.tag == f"{SVG}svg" and root.get("width") == str(charts.WIDTH)
    assert root.find(f"{SVG}title").text.startswith("Completion funnel")
    bars = [r for r in root.iter(f"{SVG}rect") if "bar" in (r.get("class") or "")]
    assert bars and all(r.get("fill", "").startswith("#") for r in bars)  # no stylesheet needed
    values = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "chart-value"]
    assert values == ["1 started", "1 completed", "0 started", "0 completed"]  # workshop only


def test_a_chart_table_downloads_as_csv_with_formula_cells_neutralised(
    client, login, researcher, populated, monkeypatch
):
    login(researcher)
    response = client.get("/research/charts/funnel.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="funnel.csv"'
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == "Module,Started,Completed,Completed of started"
    assert lines[1] == "Introduction to tensions,3,3,100%"

    hostile = charts.Chart("funnel", "t", "d", shapes=[charts.Shape("rect", {})])
    hostile.table = Table("c", ("Module", "n"), [('=HYPERLINK("http://x")', 1), ("-2", -2)])
    monkeypatch.setattr(research_views, "figures", lambda *a: {"funnel": hostile})
    body = client.get("/research/charts/funnel.csv").get_data(as_text=True)
    assert body.splitlines()[1:] == ['"\'=HYPERLINK(""http://x"")",1', "-2,-2"]


@pytest.mark.parametrize("path", ["/research/charts/funnel.svg", "/research/charts/funnel.csv"])
def test_chart_downloads_check_the_role(client, login, make_user, path, populated):
    login(make_user("therapist", email="t@example.org"))
    assert client.get(path).status_code == 403


def test_an_unknown_chart_is_a_404(client, login, researcher, populated):
    login(researcher)
    assert client.get("/research/charts/nothing.svg").status_code == 404
    assert client.get("/research/charts/nothing.csv").status_code == 404
