"""`flask --app app demo seed|remove`: the seeded demo trial, made and taken out whole."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from course.demo.marker import REMOVE_HINT, DemoRefused
from course.demo.remove import remove_demo_trial
from course.demo.trial import seed_demo_trial
from course.extensions import db
from course.mail import deliver

demo = AppGroup("demo", help="The demo trial (never in production).")


def seed_and_report(*, strict: bool = True) -> list[str]:
    """Seed the demo trial in one transaction, send its e-mail, and return the summary.

    A refusal is an error when ``strict``, else its one line (``users demo`` on a
    database without a course, or in production). The e-mail goes now, not when the
    command ends, so that in development its console notes come before the summary.
    """
    try:
        seeded = seed_demo_trial()
    except DemoRefused as exc:
        db.session.rollback()
        if not strict:
            return [exc.message]
        raise click.ClickException(exc.message) from exc
    db.session.commit()
    sent = deliver().sent
    arms = ", ".join(f"{arm} {n}" for arm, n in seeded.arms.items())
    return [
        f"Demo trial: {seeded.invited} invited, {seeded.consented} consented "
        f"({arms}), {seeded.declined} declined; {sent} e-mails to its demo addresses.",
        f"  {REMOVE_HINT}",
    ]


@demo.command("seed")
def seed_command():
    """Seed the demo trial (24 invited recruits at demo.example.org, over the past four weeks)."""
    for line in seed_and_report():
        click.echo(line)


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
