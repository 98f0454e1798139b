"""The seeded demo trial: made through the services, reproducible, shown, removed whole."""

from __future__ import annotations

import io
import zipfile

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from course.assessments.models import QuizAttempt
from course.audit.models import AuditEntry
from course.auth.models import User
from course.demo.marker import DEMO_DOMAIN, DemoRefused
from course.demo.remove import remove_demo_trial
from course.demo.trial import seed_demo_trial
from course.extensions import db
from course.learning.models import ModuleProgress
from course.research.dashboard import build
from course.research.filters import Filters
from course.research.models import TRIAL_ARMS, ConsentRecord
from tests.conftest import PROJECT_ROOT


@pytest.fixture
def shipped(import_course):
    """The shipped course, published (the demo trial runs on it)."""
    return import_course(PROJECT_ROOT)


@pytest.fixture
def seeded(app, shipped):
    """The demo trial, committed."""
    with app.app_context():
        result = seed_demo_trial()
        db.session.commit()
    return result


def counts() -> dict[str, int]:
    """Rows per table."""
    return {
        t.name: db.session.scalar(sa.select(sa.func.count()).select_from(t))
        for t in db.metadata.sorted_tables
    }


def arms_by_email() -> dict[str, str]:
    """Each demo account's arm."""
    rows = db.session.execute(
        sa.select(User.email, User.arm).where(User.email.like(f"%@{DEMO_DOMAIN}"))
    )
    return dict(rows.all())


def fingerprint() -> dict[str, tuple]:
    """Each demo account's arm, modules completed and quiz scores: what a seed decides."""
    done = dict(
        db.session.execute(
            sa.select(User.email, sa.func.count(ModuleProgress.completed_at))
            .join(ModuleProgress, ModuleProgress.user_id == User.id)
            .group_by(User.email)
        ).all()
    )
    scores: dict[str, list] = {}
    for email, score in db.session.execute(
        sa.select(User.email, QuizAttempt.score).join(QuizAttempt, QuizAttempt.user_id == User.id)
    ):
        scores.setdefault(email, []).append(score)
    return {
        email: (arm, done.get(email, 0), sorted(scores.get(email, [])))
        for email, arm in arms_by_email().items()
    }


def test_the_dashboard_shows_every_arm_and_each_kind_of_data(app, seeded):
    assert (seeded.invited, seeded.consented, seeded.declined) == (24, 18, 4)
    with app.app_context():
        board = build(Filters())
        consort = board.consort
        assert (consort.invited, consort.registered, consort.consented) == (24, 22, 18)
        assert consort.declined == 4
        for arm in TRIAL_ARMS:
            assert consort.per_arm[arm]["randomized"] > 0, arm
            assert build(Filters(arm=arm)).participants > 0, arm
        assert consort.per_arm["self_paced"]["completed"] > 0
        assert consort.per_arm["self_paced"]["withdrawn"] == 1
        assert any(n for _title, n, _done in board.funnel)
        assert any(spread is not None for _title, spread in board.active)
        assert any(attempts for _slug, _title, attempts, _passed, _rate in board.quizzes)
        assert board.questions
        assert sum(board.attendance_totals.values()) > 0
        assert board.has_scores
        assert any(people for s in board.scenarios for _i, _t, people, _runs in s.endings)
        assert any(items for d in board.drills for _level, items, _people, _rated in d.levels)
        # Every batch claimed only what a minute allows: nothing was cut or flagged.
        assert board.flagged == []


def test_staff_pages_say_it_is_demo_data(app, seeded, client, login, make_user):
    pages = {
        "researcher": ("/research/", "/research/randomization", "/research/consent-copies"),
        "admin": ("/admin/users", "/admin/invitations"),
    }
    for role, paths in pages.items():
        browser = app.test_client()
        login(make_user(role), on=browser)
        for path in paths:
            page = browser.get(path).get_data(as_text=True)
            assert "Demo trial data" in page, path
            assert "flask --app app demo remove" in page, path
    login(make_user("trainer"))
    assert "Demo trial data" not in client.get("/").get_data(as_text=True)
    with app.app_context():
        remove_demo_trial()
        db.session.commit()
    after = app.test_client()
    login(make_user("researcher"), on=after)
    page = after.get("/research/").get_data(as_text=True)
    assert "Research dashboard" in page
    assert "Demo trial data" not in page


def test_the_export_holds_no_name_or_address(app, seeded, client, login, make_user, csrf):
    login(make_user("researcher"))
    response = client.post("/research/exports", data={"csrf_token": csrf(client)})
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.get_data())) as archive:
        files = {name: archive.read(name).decode("utf-8") for name in archive.namelist()}
    participants = files["participants.csv"].splitlines()
    assert len(participants) - 1 == 17  # the 18 who consented, less the one who withdrew
    for name, text in files.items():
        for word in ("Demo Recruit", "Demo Faculty", "Demo Study Coordinator", DEMO_DOMAIN):
            assert word not in text, f"{word!r} found in {name}"


def test_removal_leaves_no_demo_row_and_keeps_the_guards(app, shipped, make_user):
    real = make_user(arm="control", email="real@example.org")  # consented, allocated
    with app.app_context():
        before = counts()
        seed_demo_trial()
        db.session.commit()
        first = fingerprint()
        removed = remove_demo_trial()
        db.session.commit()
        after = counts()
        assert removed["consent_records"] == 22 + 1  # 22 decisions and one withdrawal
        assert removed["allocations"] == 18
        assert {t for t, n in after.items() if n != before[t]} == {"audit_log"}
        actions = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
        assert actions[-2:] == ["demo.seeded", "demo.removed"]
        # The real participant's record is kept, and the append-only guards are back.
        kept = db.session.scalar(sa.select(ConsentRecord).where(ConsentRecord.user_id == real.id))
        with pytest.raises(DBAPIError):
            db.session.execute(sa.delete(ConsentRecord).where(ConsentRecord.id == kept.id))
        db.session.rollback()
        # Seeded again, the same seed gives the same trial.
        seed_demo_trial()
        db.session.commit()
        assert fingerprint() == first
        assert any(scores for _arm, _done, scores in first.values())


def test_a_failed_removal_changes_nothing(app, seeded, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("the audit log is unavailable")

    monkeypatch.setattr("course.demo.remove.record", fail)
    with app.app_context():
        with pytest.raises(RuntimeError):
            remove_demo_trial()
        db.session.rollback()
        assert len(arms_by_email()) == 24  # 22 recruits and the two demo staff
        with pytest.raises(DBAPIError):  # the guards were restored with the rollback
            db.session.execute(sa.delete(ConsentRecord))
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count(ConsentRecord.id))) == 23


def test_production_never_seeds(app, shipped, runner):
    app.config["ENV"] = "production"
    try:
        result = runner.invoke(args=["demo", "seed"])
        assert result.exit_code != 0
        assert "never seeded in production" in result.output
        assert result.output.strip().count("\n") == 0
        with app.app_context():
            with pytest.raises(DemoRefused):
                seed_demo_trial()
            assert not arms_by_email()
    finally:
        app.config["ENV"] = "testing"


def test_make_run_seeds_the_trial_once_on_an_empty_database(app, shipped, runner):
    first = runner.invoke(args=["users", "demo"])
    assert first.exit_code == 0, first.output
    assert "Demo trial: 24 invited, 18 consented" in first.output
    assert "flask --app app demo remove" in first.output
    second = runner.invoke(args=["demo", "seed"])
    assert second.exit_code != 0
    assert "already here" in second.output
    removed = runner.invoke(args=["demo", "remove"])
    assert "Removed the demo trial" in removed.output
    with app.app_context():
        assert not arms_by_email()
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 4  # the role accounts
