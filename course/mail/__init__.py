"""E-mail through a durable outbox: queued with the fact that caused it, sent after commit."""

from course.mail.models import OutboxMessage
from course.mail.outbox import (
    MAX_ATTEMPTS,
    Attachment,
    Delivery,
    MailError,
    deliver,
    init_app,
    listing,
    queue_mail,
    retry,
    status_counts,
)

__all__ = [
    "MAX_ATTEMPTS",
    "Attachment",
    "Delivery",
    "MailError",
    "OutboxMessage",
    "deliver",
    "init_app",
    "listing",
    "queue_mail",
    "retry",
    "status_counts",
]
