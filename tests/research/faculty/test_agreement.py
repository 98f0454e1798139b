"""Rater agreement: ICC(2,1) per drill criterion, checked against published results."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from course import clock
from course.research.agreement import MIN_PAIRS, agreement, icc
from course.research.filters import Filters

#: Shrout and Fleiss (1979), Table 2: six targets, each rated by the same four judges.
SHROUT_FLEISS = [
    [9, 2, 5, 8],
    [6, 1, 3, 2],
    [8, 4, 6, 8],
    [7, 1, 2, 6],
    [10, 5, 6, 9],
    [6, 2, 4, 7],
]
NOT_ENOUGH = "not enough double-rated responses yet"


def mcgraw_wong(rows: list[list[float]]) -> float:
    """ICC(A,1) from the two-way ANOVA mean squares (McGraw and Wong 1996, case 2A)."""
    n, k = len(rows), len(rows[0])
    grand = sum(map(sum, rows)) / (n * k)
    ss_rows = k * sum((sum(r) / k - grand) ** 2 for r in rows)
    ss_cols = n * sum((sum(r[j] for r in rows) / n - grand) ** 2 for j in range(k))
    ss_error = sum((x - grand) ** 2 for r in rows for x in r) - ss_rows - ss_cols
    msr, msc, mse = ss_rows / (n - 1), ss_cols / (k - 1), ss_error / ((n - 1) * (k - 1))
    return (msr - mse) / (msr + (k - 1) * mse + k * (msc - mse) / n)


def test_the_shrout_and_fleiss_example_gives_their_icc_2_1():
    estimate = icc(SHROUT_FLEISS)
    # Shrout and Fleiss report ICC(2,1) = .29; R's psych::ICC gives the interval .019-.76.
    assert round(estimate.icc, 2) == 0.29
    assert estimate.icc == pytest.approx(mcgraw_wong(SHROUT_FLEISS), abs=1e-12)
    assert (estimate.low, estimate.high) == (pytest.approx(0.02), pytest.approx(0.76))


def test_two_raters_on_three_responses_match_the_hand_computation():
    # Mean squares: responses 7/6, raters 1/6, error 1/6, so (7/6 - 1/6) / (7/6 + 1/6) = 0.75.
    estimate = icc([[1, 2], [2, 2], [3, 3]])
    assert estimate.icc == pytest.approx(0.75, abs=1e-12)
    assert (estimate.low, estimate.high) == (pytest.approx(-0.40), pytest.approx(0.99))
    assert icc([[4, 4], [4, 4], [4, 4]]).icc is None  # no variation: undefined, no warning
    perfect = icc([[1, 1], [3, 3], [5, 5]])
    assert perfect.icc == pytest.approx(1.0) and perfect.low is None


@pytest.fixture
def double_rated(practice_course, import_course):
    """The practice course with the withdrawal drill set asking for a second rater."""
    drills = practice_course / "drills" / "withdrawal.yaml"
    text = drills.read_text()
    drills.write_text(
        text.replace("min_response_chars:", "second_rater: true\nmin_response_chars:")
    )
    import_course(practice_course)


@pytest.fixture
def rated_twice(make_user, respond, review, double_rated, withdraw):
    """``rated_twice(n)``: n of a participant's responses scored by two raters, the first
    three observe pairs (1, 2), (2, 2), (3, 3) and invite always (4, 4); also a response of a
    therapist outside the research and one of a withdrawn participant, scored apart."""
    therapist = make_user("therapist", arm="self_paced")
    outside, gone = make_user("therapist", arm="open"), make_user("therapist", arm="workshop")
    first, second = make_user("trainer"), make_user("trainer")
    now = clock.now_utc()

    def seed(n: int) -> None:
        for person in (outside, gone):
            answer = respond(person, "withdrawal", "fine-b1", "Anything at all, really.")
            review(answer, [(first, {"observe": 5, "invite": 1}, "x"),
                            (second, {"observe": 1, "invite": 5}, "y")], now)  # fmt: skip
        withdraw(gone)
        for one, two in [(1, 2), (2, 2), (3, 3)][:n]:
            answer = respond(therapist, "withdrawal", "fine-b1", "I notice you paused there.")
            review(answer, [(first, {"observe": one, "invite": 4}, "a"),
                            (second, {"observe": two, "invite": 4}, "b")], now)  # fmt: skip
        single = respond(therapist, "withdrawal", "storm-i1", "I hear that you are annoyed.")
        review(single, [(first, {"observe": 3, "own": 3}, "c")], now)

    return seed


def test_below_three_pairs_the_page_says_not_enough(app, client, login, researcher, rated_twice):
    rated_twice(2)
    with app.app_context():
        rows = {c.criterion: c for c in agreement(Filters())}
    assert MIN_PAIRS == 3
    assert {c: (r.pairs, r.estimate) for c, r in rows.items()} == {
        "invite": (2, None), "observe": (2, None), "own": (0, None), "validate": (0, None)
    }  # fmt: skip
    login(researcher)
    page = client.get("/research/agreement")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<caption>Agreement between the first and the second faculty rater" in html
    assert html.count(NOT_ENOUGH) == 4


def test_three_pairs_give_the_icc_and_its_interval(app, client, login, researcher, rated_twice):
    rated_twice(3)
    with app.app_context():
        rows = {c.criterion: c for c in agreement(Filters())}
    observe = rows["observe"]
    assert observe.pairs == 3 and observe.estimate.icc == pytest.approx(0.75)
    assert rows["invite"].pairs == 3 and rows["invite"].estimate.icc is None
    login(researcher)
    html = client.get("/research/agreement").get_data(as_text=True)
    assert "<td>0.75</td><td>-0.40 to 0.99</td>" in html
    assert "undefined: every score was the same" in html and html.count(NOT_ENOUGH) == 2
    assert 'href="/research/agreement"' in client.get("/research/").get_data(as_text=True)
    by_arm = client.get("/research/agreement?arm=workshop").get_data(as_text=True)
    assert by_arm.count(NOT_ENOUGH) == 4  # the self-paced therapist's pairs are not counted


def test_only_researchers_and_admins_see_the_page(app, make_user, login):
    for role, status in (("therapist", 403), ("trainer", 403), ("admin", 200)):
        browser = app.test_client()
        login(make_user(role), on=browser)
        assert browser.get("/research/agreement").status_code == status, role


def test_starting_the_app_does_not_import_the_statistics_library(project_root, tmp_path):
    heavy = ("pingouin", "pandas", "course.research.agreement", "course.research.agreement_views")
    code = (
        "import sys, app\n"
        f"loaded = [m for m in {heavy!r} if m in sys.modules]\n"
        "print(loaded)\n"
        "raise SystemExit(1 if loaded else 0)\n"
    )
    env = {
        **os.environ,
        "COURSE_ENV": "development",
        "COURSE_SETTINGS_FILE": "",
        "COURSE_DATABASE_URL": f"sqlite:///{tmp_path / 'start.db'}",
        "COURSE_STORAGE_DIR": str(tmp_path / "storage"),
    }
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=project_root, env=env, capture_output=True,
        text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
