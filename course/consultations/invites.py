"""Calendar invites (.ics) and the e-mails that carry them.

Services build ``Notice`` values inside the transaction and the caller delivers them
after the commit, so nobody is e-mailed about a booking that was rolled back.

The e-mail and the invites it carries are written in the recipient's language (their
account's, else English); a downloaded file is in the language of the page it came from.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from icalendar import Calendar, Event, vCalAddress, vText

from course import clock
from course.consultations.models import ConsultationSession
from course.consultations.times import describe, zone
from course.mail import Attachment, OutboxMessage, queue_mail
from course.text import one_line
from course.web.i18n import writing_to
from course.web.links import external_url

PRODID = "-//Alliance Training Platform//Consultations//EN"
#: The subject of each kind of notice (its mail template is consultation_<kind>).
SUBJECTS = {
    "booked": _l("Booked: %(title)s"),
    "changed": _l("Changed: %(title)s"),
    "cancelled": _l("Cancelled: %(title)s"),
    "promoted": _l("A seat is yours: %(title)s"),
    "reminder": _l("Reminder: %(title)s"),
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
    description = _("Join on the secure video platform: %(url)s", url=session.meeting_url)
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
    """Queue the e-mail telling ``user`` about ``sessions``, one invite per session, all in
    ``user``'s language.

    It goes through the outbox: sent only once the caller's transaction commits.
    """
    ordered = sorted(sessions, key=lambda s: s.starts_at)
    title = ordered[0].series.title if ordered[0].series is not None else ordered[0].title
    with writing_to(user):
        lines = [_line(s, user.timezone) for s in ordered]
        invites = tuple(invite(s, user, cancel) for s in ordered)
        subject = str(SUBJECTS[kind]) % {"title": title}
    return queue_mail(
        user,
        subject,
        f"consultation_{kind}",
        invites,
        name=user.name,
        title=title,
        lines=lines,
        meeting_url=ordered[0].meeting_url,
        notes=ordered[0].notes,
        timezone=user.timezone,
        link=external_url("consultations.index"),
        **context,
    )


def _line(session: ConsultationSession, zone: str) -> str:
    """A session's time for the e-mail, in the current language."""
    text = describe(session.starts_at, session.ends_at, zone, session.timezone)
    return _("%(time)s (cancelled)", time=text) if session.is_cancelled else text
