"""``flask --app app consultations remind``: send the reminders that are due (for cron)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from course.consultations.reminders import due, send_reminder
from course.extensions import db
from course.mail import MailError

consultations = AppGroup("consultations", help="Consultation reminders.")


@consultations.command("remind")
def remind_command():
    """Send each reminder that is due, once; safe to run every few minutes from cron."""
    sent = skipped = failed = 0
    for booking_id in due():
        try:
            if send_reminder(booking_id):
                sent += 1
            else:
                skipped += 1
        except MailError:
            failed += 1
            db.session.rollback()  # not recorded: the next run tries again
            continue
        db.session.commit()
    click.echo(f"Reminders: {sent} sent, {skipped} already sent, {failed} failed.")
    if failed:
        raise SystemExit(1)
