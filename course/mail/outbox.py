"""Queue e-mail in the caller's transaction; send it only once that transaction commits.

``queue_mail`` writes an outbox row and remembers its id on the database session. When
the session commits, the ids become ready; a rollback forgets them (and the rows are
gone with it). Ready messages are sent once the response body has been written (a
request) or when the app context ends (a command), and anything not sent then, after a
crash or a refusal from the mail server, is sent by ``flask --app app mail send`` from
cron, with back-off. Each send is claimed first, so two senders never send one message
twice.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask, Response, current_app, render_template, request
from flask_sqlalchemy.session import Session
from sqlalchemy import event, func, or_, select, update

from course import clock
from course.errors import DomainError
from course.extensions import db
from course.mail import transport
from course.mail.models import STATUSES, OutboxMessage
from course.text import is_single_line, one_line
from course.web.i18n import writing_to

#: Give up after this many failed sends (about four hours of back-off in all).
MAX_ATTEMPTS = 8
#: A claim older than this was abandoned by a sender that died; the message is due again.
STALE_CLAIM = timedelta(minutes=10)
_PENDING, _READY = "outbox_pending", "outbox_ready"
#: Where a request leaves the ids it committed for the WSGI wrapper below.
_ENVIRON_KEY = "course.outbox.ready"


class MailError(DomainError):
    """A message cannot be queued as given (for example a line break in its subject)."""


@dataclass(frozen=True)
class Attachment:
    """A file attached to a message."""

    filename: str
    content_type: str
    data: bytes


def _single_line(value: str, what: str) -> str:
    if not is_single_line(value):
        raise MailError(f"The e-mail {what} must be a single line.")
    return value.strip()


def queue_mail(
    to,
    subject,
    template: str,
    attachments: Iterable[Attachment] = (),
    *,
    locale: str | None = None,
    **context,
) -> OutboxMessage:
    """Render ``templates/mail/<template>.txt`` and queue it for ``to``; flushes only.

    ``to`` is the recipient: a person (a ``User``: anything with ``email`` and ``locale``)
    or, for someone without an account, an address. The subject and body are written in
    the recipient's language (``course.web.i18n.locale_of``: their account's choice,
    else English), or in ``locale`` when it is given; never in the language of the
    request that caused the mail. So give the subject lazily (``lazy_gettext``), and
    build anything else translated that goes in (an attachment, a line of text) inside
    ``with writing_to(recipient):`` too.
    """
    address = to if isinstance(to, str) else to.email
    with writing_to(locale or to):
        # Entered text is checked as single-line where people type it; here it is
        # flattened again, so no line break ever reaches a header.
        subject_text = one_line(str(subject))
        body = render_template(f"mail/{template}.txt", **context)
    message = OutboxMessage(
        to_address=_single_line(address, "address"),
        subject=subject_text,
        template=template,
        body=body,
        attachments=[
            {
                "filename": one_line(a.filename),
                "content_type": _single_line(a.content_type, "attachment type"),
                "data": base64.b64encode(a.data).decode("ascii"),
            }
            for a in attachments
        ],
        status="queued",
        attempts=0,
        next_attempt_at=clock.now_utc(),
        created_at=clock.now_utc(),
    )
    db.session.add(message)
    db.session.flush()
    db.session.info.setdefault(_PENDING, []).append(message.id)
    return message


# --- after the commit -----------------------------------------------------------------


@event.listens_for(Session, "after_commit")
def _committed(session) -> None:
    pending = session.info.pop(_PENDING, None)
    if pending:
        session.info.setdefault(_READY, []).extend(pending)


@event.listens_for(Session, "after_rollback")
def _rolled_back(session) -> None:
    session.info.pop(_PENDING, None)


def _take_ready() -> list[int]:
    return db.session.info.pop(_READY, None) or []


def init_app(app: Flask) -> None:
    """Send what a request committed after its response, and what a command committed
    when its app context ends."""

    @app.after_request
    def hand_over_ready(response: Response) -> Response:
        ready = _take_ready()
        if ready:
            request.environ[_ENVIRON_KEY] = ready
        return response

    @app.teardown_appcontext
    def send_at_teardown(_exc) -> None:
        ready = _take_ready()
        if ready:
            deliver(ready)

    app.wsgi_app = _SendAfterBody(app.wsgi_app, app)  # type: ignore[method-assign]


class _SendAfterBody:
    """WSGI wrapper: a request's committed mail is sent once its response body is out.

    ``Response.call_on_close`` alone is not enough: a server calls ``close()`` in a
    ``finally`` that may fail first (Werkzeug's development server reads what is left
    of the request there, and a browser that has already followed a redirect resets
    the connection), and the mail would then wait for cron. So the mail goes when the
    body is exhausted, which every server does right after writing the last byte, or on
    ``close()``, whichever comes first, and once.
    """

    def __init__(self, wsgi_app, app: Flask) -> None:
        self.wsgi_app, self.app = wsgi_app, app

    def __call__(self, environ, start_response):
        body = self.wsgi_app(environ, start_response)
        ready = environ.pop(_ENVIRON_KEY, None)
        if not ready:
            return body
        return _ThenOnce(body, lambda: _deliver_in(self.app, ready))


class _ThenOnce:
    """Iterate ``body``; call ``then`` when it is exhausted or closed, only once."""

    def __init__(self, body: Iterable[bytes], then: Callable[[], None]) -> None:
        self.body, self.iterator, self.then = body, iter(body), then
        self.done = False

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        try:
            return next(self.iterator)
        except StopIteration:
            self._finish()
            raise

    def close(self) -> None:
        try:
            close = getattr(self.body, "close", None)
            if close is not None:
                close()
        finally:
            self._finish()

    def _finish(self) -> None:
        if not self.done:
            self.done = True
            self.then()


def _deliver_in(app: Flask, ids: Sequence[int]) -> None:
    """Send ``ids`` outside any request; a failure here leaves them queued for cron."""
    try:
        with app.app_context():
            deliver(ids)
    except Exception:  # the response is out: log, and let `mail send` try again later
        app.logger.exception("sending mail %s after the response failed", list(ids))


# --- sending --------------------------------------------------------------------------


@dataclass
class Delivery:
    """What one run of the sender did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0


def backoff(attempts: int) -> timedelta:
    """Wait before the next try: 1, 2, 4 ... minutes, at most six hours."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), timedelta(hours=6))


def due_ids(now: datetime, limit: int = 500) -> list[int]:
    """Queued messages whose time has come, and abandoned claims, oldest first."""
    query = (
        select(OutboxMessage.id)
        .where(
            or_(
                (OutboxMessage.status == "queued") & (OutboxMessage.next_attempt_at <= now),
                (OutboxMessage.status == "sending")
                & (OutboxMessage.claimed_at < now - STALE_CLAIM),
            )
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def _claim(message_id: int, now: datetime) -> bool:
    claimed = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .where(
            or_(
                (OutboxMessage.status == "queued") & (OutboxMessage.next_attempt_at <= now),
                (OutboxMessage.status == "sending")
                & (OutboxMessage.claimed_at < now - STALE_CLAIM),
            )
        )
        .values(status="sending", claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return claimed.rowcount == 1


def deliver(ids: Sequence[int] | None = None) -> Delivery:
    """Send the given messages (or every due one), each claimed first; commits per message.

    A refusal or an unreachable server leaves the message queued with the error and a
    later time to try; after MAX_ATTEMPTS it is marked failed for an admin to look at.
    """
    now = clock.now_utc()
    result = Delivery()
    for message_id in due_ids(now) if ids is None else ids:
        if not _claim(message_id, now):
            continue
        message = db.session.get(OutboxMessage, message_id)
        message.attempts += 1
        try:
            transport.send(message)
        except (OSError, ValueError) as exc:  # smtplib errors are OSError subclasses
            current_app.logger.warning("mail %s to the server failed: %s", message.id, exc)
            message.last_error = str(exc)[:1000] or exc.__class__.__name__
            if message.attempts >= MAX_ATTEMPTS:
                message.status = "failed"
                result.failed += 1
            else:
                message.status = "queued"
                message.next_attempt_at = clock.now_utc() + backoff(message.attempts)
                result.retrying += 1
        else:
            message.status, message.sent_at, message.last_error = "sent", clock.now_utc(), None
            result.sent += 1
        message.claimed_at = None
        db.session.commit()
    return result


def retry(message_ids: Iterable[int]) -> int:
    """Put queued or failed messages back in line now (an admin's "retry"); flushes only."""
    ids = list(message_ids)
    if not ids:
        return 0
    changed = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), OutboxMessage.status.in_(("queued", "failed")))
        .values(status="queued", next_attempt_at=clock.now_utc())
        .execution_options(synchronize_session=False)
    )
    db.session.info.setdefault(_PENDING, []).extend(ids)
    return changed.rowcount


# --- reading, for the admin page ------------------------------------------------------


def status_counts() -> dict[str, int]:
    """Messages per status (every status listed, zero included)."""
    rows = db.session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    )
    counts = dict.fromkeys(STATUSES, 0)
    counts.update(dict(rows.all()))
    return counts


def listing(status: str | None = None):
    """A select of messages, newest first, optionally of one status (for pagination)."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    if status in STATUSES:
        query = query.where(OutboxMessage.status == status)
    return query
