"""The users CLI."""

from __future__ import annotations

from course.auth.models import User
from course.extensions import db


def test_users_create_reads_the_password_from_stdin(app, runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "Pat@Example.org",
            "--role",
            "therapist",
            "--arm",
            "control",
            "--timezone",
            "America/Halifax",
            "--name",
            "Pat Doe",
            "--password-stdin",
        ],
        input="a strong password here\n",
    )
    assert result.exit_code == 0, result.output
    assert "Password" not in result.output
    with app.app_context():
        user = db.session.scalar(db.select(User))
        assert (user.email, user.arm, user.timezone) == (
            "pat@example.org",
            "control",
            "America/Halifax",
        )


def test_users_create_refuses_bad_input_clearly(app, runner):
    result = runner.invoke(
        args=["users", "create", "x@example.org", "--role", "trainer", "--timezone", "Mars/Olympus"]
    )
    assert result.exit_code != 0
    assert "Unknown time zone" in result.output
    result = runner.invoke(
        args=["users", "create", "y@example.org", "--role", "trainer", "--arm", "control"]
    )
    assert "Only therapists have a trial arm." in result.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(User.id))) == 0


def test_demo_accounts_only_on_an_empty_database(app, runner):
    first = runner.invoke(args=["users", "demo"])
    assert first.exit_code == 0
    assert first.output.count("@example.org") == 4
    second = runner.invoke(args=["users", "demo"])
    assert "already exist" in second.output
    with app.app_context():
        roles = sorted(db.session.scalars(db.select(User.role)))
    assert roles == ["admin", "researcher", "therapist", "trainer"]
