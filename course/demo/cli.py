"""`flask --app app demo seed|remove`: the seeded demo trial, made and taken out whole."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from course.demo.marker import REMOVE_HINT, DemoRefused
from course.demo.remove import remove_demo_trial
from course.demo.trial import seed_demo_trial
from course.extensions import db

demo = AppGroup("demo", help="The demo trial (never in production).")


def seed_and_report(*, strict: bool = True) -> None:
    """Seed the demo trial in one transaction and print what it holds; a refusal is an
    error when ``strict``, else one line (``users demo`` on a database without a course)."""
    try:
        seeded = seed_demo_trial()
    except DemoRefused as exc:
        db.session.rollback()
        if not strict:
            click.echo(exc.message)
            return
        raise click.ClickException(exc.message) from exc
    db.session.commit()
    arms = ", ".join(f"{arm} {n}" for arm, n in seeded.arms.items())
    click.echo(
        f"Demo trial: {seeded.invited} invited, {seeded.consented} consented "
        f"({arms}), {seeded.declined} declined."
    )
    click.echo(f"  {REMOVE_HINT}")


@demo.command("seed")
def seed_command():
    """Seed the demo trial (24 invited recruits at demo.example.org, over the past four weeks)."""
    seed_and_report()


@demo.command("remove")
def remove_command():
    """Delete every row of the demo trial, in one transaction, and audit-log it."""
    counts = remove_demo_trial()
    db.session.commit()
    if not counts:
        click.echo("There is no demo trial to remove.")
        return
    total = sum(counts.values())
    click.echo(f"Removed the demo trial: {total} rows from {len(counts)} tables.")
    for table, n in sorted(counts.items()):
        click.echo(f"  {table:<28} {n}")
