"""Handing one message to the mail server (SMTP), or to a folder in development."""

from __future__ import annotations

import base64
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app

from course import clock
from course.mail.models import OutboxMessage


def build(message: OutboxMessage) -> EmailMessage:
    """The MIME message for an outbox row (the standard library refuses header injection)."""
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_SENDER"]
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = make_msgid(domain=_domain())
    email.set_content(message.body)
    for item in message.attachments or ():
        maintype, _, subtype = item["content_type"].partition("/")
        params = dict(p.strip().split("=", 1) for p in subtype.split(";")[1:] if "=" in p)
        email.add_attachment(
            base64.b64decode(item["data"]),
            maintype=maintype,
            subtype=subtype.split(";")[0].strip(),
            filename=item["filename"],
            params=params,
        )
    return email


def _domain() -> str:
    sender = current_app.config["MAIL_SENDER"]
    return sender.rsplit("@", 1)[-1].rstrip(">").strip() or "localhost"


def send(message: OutboxMessage) -> None:
    """Deliver one message; raises OSError (smtplib errors included) when it cannot."""
    email = build(message)
    folder = current_app.config.get("MAIL_OUTBOX")
    if folder:
        _write(Path(folder), email, message.to_address)
        return
    config = current_app.config
    timeout = config["MAIL_TIMEOUT"]
    if config["MAIL_USE_SSL"]:
        context = ssl.create_default_context()
        server = smtplib.SMTP_SSL(
            config["MAIL_SERVER"], config["MAIL_PORT"], timeout=timeout, context=context
        )
    else:
        server = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=timeout)
    with server:
        if config["MAIL_USE_TLS"]:
            server.starttls(context=ssl.create_default_context())
        if config["MAIL_USERNAME"]:
            server.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        server.send_message(email)


def _write(folder: Path, email: EmailMessage, to: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    stamp = clock.now_utc().strftime("%Y%m%dT%H%M%S%f")
    path = folder / f"{stamp}.eml"
    path.write_bytes(email.as_bytes())
    current_app.logger.warning("mail to %s written to %s", to, path)
