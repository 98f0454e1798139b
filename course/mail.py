"""Outgoing e-mail over SMTP (Flask-Mail); in development, written to files instead."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import current_app, render_template
from flask_mail import Message

from course import clock
from course.extensions import mail


class MailError(RuntimeError):
    """The message could not be handed to the mail server."""


@dataclass(frozen=True)
class Attachment:
    """A file attached to a message."""

    filename: str
    content_type: str
    data: bytes


def send(to: str, subject: str, template: str, attachments=(), **context) -> Message:
    """Render ``templates/mail/<template>.txt`` and send it to one address."""
    body = render_template(f"mail/{template}.txt", **context)
    message = Message(subject=subject, recipients=[to], body=body)
    for item in attachments:
        message.attach(item.filename, item.content_type, item.data)
    outbox = current_app.config.get("MAIL_OUTBOX")
    if outbox:
        _write(Path(outbox), message)
        return message
    try:
        mail.send(message)
    except OSError as exc:  # smtplib errors are OSError subclasses or SMTPException
        current_app.logger.error("mail to the server failed: %s", exc)
        raise MailError("The e-mail could not be sent. Please try again later.") from exc
    return message


def _write(folder: Path, message: Message) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    stamp = clock.now_utc().strftime("%Y%m%dT%H%M%S%f")
    path = folder / f"{stamp}.eml"
    path.write_bytes(message.as_bytes())
    current_app.logger.warning("mail to %s written to %s", message.recipients[0], path)
