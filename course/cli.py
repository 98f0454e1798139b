"""Command-line interface: ``flask --app app users ...`` (plus Flask-Migrate's ``db``)."""

from __future__ import annotations

import secrets
import sys

import click
from flask import Flask
from flask.cli import AppGroup

from course.admin.services import seed_demo_accounts
from course.auth.models import ARMS, ROLES
from course.auth.services import AuthError, create_user
from course.extensions import db

users = AppGroup("users", help="Create accounts.")


@users.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--name", default="", help="Full name.")
@click.option("--arm", type=click.Choice(ARMS), default=None, help="Therapists only.")
@click.option("--timezone", default=None, help="IANA zone, e.g. America/Vancouver.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_command(email, role, name, arm, timezone, password_stdin):
    """Create one account; prints a random password unless --password-stdin."""
    password = sys.stdin.readline().rstrip("\n") if password_stdin else secrets.token_urlsafe(12)
    try:
        user = create_user(
            email, role=role, password=password, name=name, arm=arm, timezone=timezone
        )
    except AuthError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Created {user.role} {user.email} (study ID {user.study_id}).")
    if not password_stdin:
        click.echo(f"Password (shown once): {password}")


@users.command("demo")
def demo_command():
    """On an empty database, create one demo account per role and print the passwords once."""
    created = seed_demo_accounts()
    db.session.commit()
    if not created:
        click.echo("Accounts already exist; no demo accounts created.")
        return
    click.echo("Demo accounts (passwords are shown only this once):")
    for user, password in created:
        click.echo(f"  {user.role:<11} {user.email:<26} {password}")


def register(app: Flask) -> None:
    """Attach the command groups to the app."""
    app.cli.add_command(users)
