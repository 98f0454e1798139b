"""Item statistics: facility and corrected item-total discrimination over first attempts."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from course import clock
from course.assessments.models import QuizAttempt
from course.catalog.models import Quiz
from course.extensions import db

STATS = "/assessments/intro/statistics"
MARKER = [1, 1, 1, 1, 1, 1, 0, 0, 0, 0]
REPAIR = [1, 1, 1, 0.5, 0.5, 0, 0.5, 0, 0, 0]


@pytest.fixture
def seed_attempts(app, make_user, course):
    """``seed_attempts(marker, repair)``: one therapist per pair of item scores, whose first
    attempt scored them; each then passes a second attempt, which must not count."""

    def seed(marker: list[float], repair: list[float], *, old_style: bool = False) -> None:
        users = [make_user("therapist") for _ in marker]
        now = clock.now_utc()
        with app.app_context():
            quiz = db.session.scalar(db.select(Quiz))
            for user, m, r in zip(users, marker, repair, strict=True):
                for number, points in ((1, {"marker": m, "repair": r}), (2, None)):
                    points = points or {"marker": 1.0, "repair": 1.0}
                    db.session.add(
                        QuizAttempt(
                            user_id=user.id,
                            quiz_id=quiz.id,
                            quiz_revision_id=quiz.published_revision_id,
                            layout=[],
                            answers={},
                            correct={q: s == 1 for q, s in points.items()},
                            points=None if old_style else points,
                            score=50 * sum(points.values()),
                            passed=sum(points.values()) == 2,
                            number=number,
                            started_at=now,
                            submitted_at=now + timedelta(minutes=number),
                        )
                    )
            db.session.commit()

    return seed


@pytest.fixture
def trainer_tab(app, make_user, login):
    tab = app.test_client()
    login(make_user("trainer"), on=tab)
    return tab


def _rows(page: str) -> dict[str, list[str]]:
    """Question id -> the cells of its row, as text."""
    rows = {}
    for row in re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", page, re.S):
        qid = re.search(r"<code>(.*?)</code>", row).group(1)
        rows[qid] = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", row)]
    return rows


def test_facility_and_discrimination_over_first_attempts(seed_attempts, trainer_tab):
    seed_attempts(MARKER, REPAIR)
    page = trainer_tab.get(STATS).get_data(as_text=True)
    assert "First attempts: 10 (by quiz revision: revision 1: 10)" in page
    assert "Mean score: 52.5%" in page  # (0.6 + 0.45) / 2; the second attempts left out
    # Both items' rest-of-test is the other item: r = .13 / sqrt(.24 * .1725) = 0.6389.
    assert _rows(page) == {
        "marker": ["10", "0.60", "60%", "0.64", "none"],
        "repair": ["10", "0.45", "30%", "0.64", "none"],
    }


def test_attempts_from_before_partial_credit_count_their_right_and_wrong(
    seed_attempts, trainer_tab
):
    seed_attempts(MARKER, [1, 1, 1, 0, 0, 0, 0, 0, 0, 0], old_style=True)
    rows = _rows(trainer_tab.get(STATS).get_data(as_text=True))
    assert rows["repair"][:3] == ["10", "0.30", "30%"]


def test_items_outside_the_thresholds_are_flagged(seed_attempts, trainer_tab):
    seed_attempts([1, 1, 1, 1, 1, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 1, 1, 1, 1, 1])
    rows = _rows(trainer_tab.get(STATS).get_data(as_text=True))
    assert rows["marker"][3:] == ["-1.00", "low discrimination"]


def test_very_easy_and_very_hard_items_and_an_undefined_correlation(seed_attempts, trainer_tab):
    seed_attempts([1] * 10, [0] * 9 + [1])
    rows = _rows(trainer_tab.get(STATS).get_data(as_text=True))
    assert rows["marker"][1:] == ["1.00", "100%", "undefined (no spread in scores)", "very easy"]
    assert rows["repair"][1:] == ["0.10", "10%", "undefined (no spread in scores)", "very hard"]


def test_below_ten_first_attempts_the_page_says_not_enough_yet(seed_attempts, trainer_tab):
    seed_attempts(MARKER[:9], REPAIR[:9])
    page = trainer_tab.get(STATS).get_data(as_text=True)
    assert "Not enough attempts yet" in page and "from 10 first attempts (there are 9)" in page
    assert "<table" not in page


def test_the_page_costs_the_same_queries_for_any_number_of_attempts(
    seed_attempts, trainer_tab, count_queries
):
    seed_attempts(MARKER, REPAIR)
    with count_queries() as few:
        trainer_tab.get(STATS)
    seed_attempts(MARKER, REPAIR)
    with count_queries() as more:
        assert "First attempts: 20" in trainer_tab.get(STATS).get_data(as_text=True)
    assert more() == few()


@pytest.mark.parametrize(
    ("role", "status"), [("admin", 200), ("researcher", 403), ("therapist", 403)]
)
def test_only_trainers_and_admins_see_the_statistics(app, course, make_user, login, role, status):
    tab = app.test_client()
    login(make_user(role), on=tab)
    assert tab.get(STATS).status_code == status
