"""The kept aggregates: after any mix of facts they equal a rebuild from the raw rows."""

from __future__ import annotations

import random
from datetime import date

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from course.assessments import services as quizzes
from course.auth.models import User
from course.errors import DomainError
from course.extensions import db
from course.research import aggregates, allocation, consent
from course.research import dashboard as numbers
from course.research import dashboard_quizzes as quiz_figures
from course.research.cli import research
from course.research.filters import Filters

ARMS = ("self_paced", "workshop", "control")


def _take_quiz(user: User, rng: random.Random) -> None:
    """Start and submit an attempt with random answers, through the quiz service."""
    ctx = quizzes.quiz_context(user, "intro")
    attempt = quizzes.start_attempt(user, ctx)
    form = MultiDict()
    for question in ctx.revision.questions:
        options = [o["id"] for o in question["options"]]
        count = rng.randint(1, len(options)) if question["type"] == "multiple" else 1
        for option in rng.sample(options, count):
            form.add(f"q-{question['id']}", option)
    quizzes.submit_attempt(user, ctx, attempt.id, form)


def _workload(app, make_user, seed: int, steps: int) -> None:
    """People consenting, declining, withdrawing, moving arm and taking the quiz, at random."""
    rng = random.Random(seed)
    admin_id = make_user("admin").id
    ids = [
        make_user("therapist", arm=rng.choice(ARMS), consent=rng.random() < 0.7).id
        for _ in range(8)
    ]
    with app.app_context():
        for _ in range(steps):
            user = db.session.get(User, rng.choice(ids))
            action = rng.random()
            try:
                if action < 0.55:
                    _take_quiz(user, rng)
                elif action < 0.7:
                    arm = rng.choice([a for a in (*ARMS, "open") if a != user.arm])
                    admin = db.session.get(User, admin_id)
                    allocation.set_arm(admin, user, arm, "moved by the test workload")
                elif action < 0.8:
                    consent.withdraw(user)
                else:
                    consent.seed_participant(user)  # an acceptance (a first, or again)
            except DomainError:
                db.session.rollback()
                continue
            db.session.commit()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_kept_aggregates_equal_a_rebuild_after_a_random_workload(app, make_user, course, seed):
    _workload(app, make_user, seed, steps=60)
    with app.app_context():
        kept = aggregates.snapshot()
        assert kept["research_quiz_standings"], "the workload graded no attempt"
        assert kept["research_participants"]
        aggregates.rebuild()
        db.session.commit()
        assert aggregates.snapshot() == kept
        # The dashboard reads the same quiz numbers from the tallies as from the attempts.
        for arm in (None, *ARMS):
            filters = Filters(arm=arm)
            since_ever = Filters(arm=arm, start=date(2000, 1, 1))
            included = numbers._included(filters)
            kept_counts = quiz_figures._kept_attempts(filters, included)
            assert kept_counts == quiz_figures._dated_attempts(since_ever, included)


def test_a_withdrawal_takes_the_answers_out_and_an_arm_change_moves_them(app, make_user, course):
    therapist = make_user("therapist", arm="self_paced")
    admin = make_user("admin")
    rng = random.Random(5)
    with app.app_context():
        user = db.session.get(User, therapist.id)
        _take_quiz(user, rng)
        db.session.commit()
        tallies = lambda: {  # noqa: E731
            (t.arm, t.question): t.answered
            for t in db.session.scalars(select(aggregates.QuestionTally))
        }
        questions = {q for _, q in tallies()}
        assert tallies() == {("self_paced", q): 1 for q in questions}
        allocation.set_arm(db.session.get(User, admin.id), user, "control", "moved in a test")
        db.session.commit()
        assert tallies() == {("control", q): 1 for q in questions}
        consent.withdraw(user)
        db.session.commit()
        assert tallies() == {}
        standing = db.session.scalars(select(aggregates.QuizStanding)).one()
        assert (standing.attempts, standing.user_id) == (1, user.id)  # kept: not research data


def test_the_rebuild_command_reports_progress_and_can_be_repeated(app, make_user, course):
    therapist = make_user("therapist", arm="self_paced")
    with app.app_context():
        _take_quiz(db.session.get(User, therapist.id), random.Random(9))
        db.session.commit()
        kept = aggregates.snapshot()
    for _ in range(2):
        result = app.test_cli_runner().invoke(research, ["rebuild-aggregates", "--chunk", "1"])
        assert result.exit_code == 0, result.output
        assert "people 1-1 of " in result.output
        assert "Rebuilt 1 participants, 1 quiz standings" in result.output
        with app.app_context():
            assert aggregates.snapshot() == kept
