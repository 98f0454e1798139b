"""Calendar invites (.ics) and the e-mails that carry them.

Services build ``Notice`` values inside the transaction and the caller delivers them
after the commit, so nobody is e-mailed about a booking that was rolled back.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app
from icalendar import Calendar, Event, vCalAddress, vText

from course import clock
from course.consultations.models import ConsultationSession
from course.consultations.times import describe, zone
from course.mail import Attachment, OutboxMessage, queue_mail
from course.text import one_line
from course.web.links import external_url

PRODID = "-//Alliance Training Platform//Consultations//EN"
#: Mail template and subject prefix for each kind of notice.
SUBJECTS = {
    "booked": "Booked",
    "changed": "Changed",
    "cancelled": "Cancelled",
    "promoted": "A seat is yours",
    "reminder": "Reminder",
}


def uid(session_id: int) -> str:
    """The invite UID of a session: stable across every change."""
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"
    return f"session-{session_id}@{host}"


def _event(session: ConsultationSession, cancelled: bool, attendee=None) -> Event:
    tz = zone(session.timezone)
    event = Event()
    event.add("uid", uid(session.id))
    event.add("sequence", session.sequence)
    event.add("dtstamp", clock.now_utc())
    event.add("last-modified", session.updated_at)
    # DTSTART/DTEND carry the trainer's TZID, so a calendar keeps the trainer's wall clock.
    event.add("dtstart", session.starts_at.astimezone(tz))
    event.add("dtend", session.ends_at.astimezone(tz))
    event.add("summary", one_line(session.title))  # older rows may predate the check
    description = f"Join on the secure video platform: {session.meeting_url}"
    if session.notes:
        description += f"\n\n{session.notes}"
    event.add("description", description)
    event.add("location", one_line(session.meeting_url))
    event.add("url", one_line(session.meeting_url))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{_sender_address()}")
    organizer.params["cn"] = vText(session.trainer.name)
    event.add("organizer", organizer)
    if attendee is not None:
        person = vCalAddress(f"mailto:{attendee.email}")
        person.params["cn"] = vText(attendee.name)
        person.params["role"] = vText("REQ-PARTICIPANT")
        person.params["partstat"] = vText("DECLINED" if cancelled else "ACCEPTED")
        event.add("attendee", person)
    return event


def _sender_address() -> str:
    sender = current_app.config["MAIL_SENDER"]
    return sender.rsplit("<", 1)[-1].rstrip(">").strip()


def calendar(sessions: Sequence[ConsultationSession], method: str, attendee=None) -> bytes:
    """An iCalendar file: REQUEST, CANCEL (one session) or PUBLISH (any number)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", method)
    for session in sessions:
        cal.add_component(_event(session, method == "CANCEL" or session.is_cancelled, attendee))
    if sessions:
        first = min(s.starts_at for s in sessions).date() - timedelta(days=366)
        last = max(s.ends_at for s in sessions).date() + timedelta(days=366)
        cal.add_missing_timezones(first_date=first, last_date=last)
    return cal.to_ical()


def invite(session: ConsultationSession, attendee=None, cancel: bool = False) -> Attachment:
    """The .ics of one session as an e-mail attachment (iTIP allows one UID per file)."""
    method = "CANCEL" if cancel or session.is_cancelled else "REQUEST"
    data = calendar([session], method, attendee)
    content_type = f"text/calendar; method={method}; charset=UTF-8"
    return Attachment(f"session-{session.id}.ics", content_type, data)


def notice(
    user,
    kind: str,
    sessions: Sequence[ConsultationSession],
    *,
    cancel: bool = False,
    **context,
) -> OutboxMessage:
    """Queue the e-mail telling ``user`` about ``sessions``, one invite per session.

    It goes through the outbox: sent only once the caller's transaction commits.
    """
    ordered = sorted(sessions, key=lambda s: s.starts_at)
    title = ordered[0].series.title if ordered[0].series is not None else ordered[0].title
    lines = [
        describe(s.starts_at, s.ends_at, user.timezone, s.timezone)
        + (" (cancelled)" if s.is_cancelled else "")
        for s in ordered
    ]
    return queue_mail(
        user.email,
        f"{SUBJECTS[kind]}: {title}",
        f"consultation_{kind}",
        tuple(invite(s, user, cancel) for s in ordered),
        name=user.name,
        title=title,
        lines=lines,
        meeting_url=ordered[0].meeting_url,
        notes=ordered[0].notes,
        timezone=user.timezone,
        link=external_url("consultations.index"),
        **context,
    )
