"""``flask --app app consultations remind``: queue the reminders that are due (for cron)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from course.consultations.reminders import due, send_reminder
from course.extensions import db

consultations = AppGroup("consultations", help="Consultation reminders.")


@consultations.command("remind")
def remind_command():
    """Queue each reminder that is due, once; safe to run every few minutes from cron.

    The e-mails go out through the outbox after each commit; `flask --app app mail send`
    retries any the mail server refused.
    """
    sent = skipped = 0
    for booking_id in due():
        if send_reminder(booking_id):
            sent += 1
        else:
            skipped += 1
        db.session.commit()
    click.echo(f"Reminders: {sent} sent, {skipped} already sent.")
