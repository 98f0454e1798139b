"""Consultation pages: what therapists may book, their seats, and the invites."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from course.consultations import booking, listing, rosters, waitlist
from course.consultations.errors import ConsultationError, not_found
from course.consultations.gate import booking_gate
from course.consultations.invites import calendar
from course.consultations.models import Booking, ConsultationSeries, ConsultationSession
from course.consultations.times import describe
from course.extensions import db
from course.web.access import roles

bp = Blueprint("consultations", __name__, url_prefix="/consultations")
STAFF = ("trainer", "admin")
EVERYONE = ("therapist", *STAFF)
RACE = _l(
    "Another request changed this booking at the same moment, so nothing was changed. "
    "Reload the page and try again."
)


def me():
    """The signed-in user as a plain model object (services keep it past the request)."""
    return current_user._get_current_object()


def act(action, target_id: int, back: str):
    """Run one booking service, commit, send its e-mails, and go back with the outcome."""
    try:
        outcome = action(me(), target_id)
    except IntegrityError:
        raise ConsultationError(str(RACE)) from None
    db.session.commit()
    flash(outcome.message, "success")
    return redirect(back)


@bp.app_template_global()
def consultation_home(course=None) -> dict:
    """For the therapist home: the booking gate and the next booked session (2 queries)."""
    gate = booking_gate(current_user, course)
    upcoming = listing.my_bookings(current_user.id, limit=1) if gate.open else []
    return {"gate": gate, "next": upcoming[0].session if upcoming else None}


@bp.app_template_global()
def session_when(row, zone: str | None = None) -> str:
    """A session's time for the viewer, with the trainer's zone where it differs."""
    return describe(row.starts_at, row.ends_at, zone or current_user.timezone, row.timezone)


@bp.app_template_global()
def repeats(days: int) -> str:
    """ "every two weeks", "every week", "every 10 days"."""
    if days == 7:
        return _("every week")
    if days == 14:
        return _("every two weeks")
    if days == 21:
        return _("every three weeks")
    if days == 28:
        return _("every four weeks")
    return ngettext("every %(num)d day", "every %(num)d days", days)


@bp.route("/")
@roles(*EVERYONE)
def index():
    """Therapists: what they may book and their bookings. Trainers: the calendar."""
    if current_user.role == "therapist":
        return render_template(
            "consultations/therapist.html",
            gate=booking_gate(current_user),
            page=listing.therapist_page(current_user.id),
        )
    mine = request.args.get("mine") == "1"
    return render_template(
        "consultations/calendar.html",
        days=rosters.calendar(current_user.timezone, current_user.id if mine else None),
        awaiting=rosters.awaiting_attendance(),
        mine=mine,
    )


@bp.route("/series/<int:series_id>")
@roles(*EVERYONE)
def series(series_id: int):
    """A group series: its sessions, seats and waiting list."""
    found = db.session.get(ConsultationSeries, series_id)
    if found is None:
        abort(404, str(not_found("group")))
    sessions = listing.series_sessions(series_id)
    group = next((g for g in listing.groups(current_user.id) if g.id == series_id), None)
    staff = current_user.role in STAFF
    return render_template(
        "consultations/series.html",
        series=found,
        sessions=sessions,
        group=group,
        gate=None if staff else booking_gate(current_user),
        waiting=rosters.waiting_names(series_id) if staff else [],
        staff=staff,
    )


@bp.route("/sessions/<int:session_id>")
@roles(*EVERYONE)
def session(session_id: int):
    """One session: when, where, who (trainers) or your seat (therapists)."""
    row = listing.session_row(session_id)
    if row is None:
        abort(404, str(not_found()))
    staff = current_user.role in STAFF
    mine = None
    if not staff:
        mine = next(
            (b for b in listing.my_bookings(current_user.id) if b.session.id == session_id), None
        )
    return render_template(
        "consultations/session.html",
        row=row,
        staff=staff,
        mine=mine,
        roster=rosters.roster(session_id) if staff else [],
        gate=None if staff else booking_gate(current_user),
    )


@bp.route("/sessions/<int:session_id>/book", methods=["POST"])
@roles("therapist")
def book(session_id: int):
    """Book a seat in an individual slot."""
    return act(booking.book_slot, session_id, url_for(".session", session_id=session_id))


@bp.route("/sessions/<int:session_id>/cancel-booking", methods=["POST"])
@roles("therapist")
def cancel_booking(session_id: int):
    """Cancel one's individual booking before the cutoff."""
    return act(booking.cancel_slot, session_id, url_for(".index"))


@bp.route("/series/<int:series_id>/join", methods=["POST"])
@roles("therapist")
def join(series_id: int):
    """Join a group: a seat in each of its remaining sessions."""
    return act(booking.join_series, series_id, url_for(".series", series_id=series_id))


@bp.route("/series/<int:series_id>/leave", methods=["POST"])
@roles("therapist")
def leave(series_id: int):
    """Leave a group; the first person waiting gets the seat."""
    return act(booking.leave_series, series_id, url_for(".index"))


@bp.route("/series/<int:series_id>/waitlist", methods=["POST"])
@roles("therapist")
def wait(series_id: int):
    """Join a full group's waiting list."""
    return act(waitlist.join_waitlist, series_id, url_for(".series", series_id=series_id))


@bp.route("/series/<int:series_id>/waitlist/leave", methods=["POST"])
@roles("therapist")
def stop_waiting(series_id: int):
    """Leave a group's waiting list."""
    return act(waitlist.leave_waitlist, series_id, url_for(".index"))


def _ics(data: bytes, name: str) -> Response:
    return Response(
        data,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.route("/sessions/<int:session_id>/invite.ics")
@roles(*EVERYONE)
def invite(session_id: int):
    """The calendar invite of a session: for its trainers, staff, and booked therapists."""
    found = db.session.get(ConsultationSession, session_id)
    if found is None:
        abort(404, str(not_found()))
    attendee, method = None, "CANCEL" if found.is_cancelled else "REQUEST"
    if current_user.role == "therapist":
        seat = db.session.scalar(
            select(Booking)
            .where(Booking.session_id == session_id, Booking.user_id == current_user.id)
            .order_by(Booking.id.desc())
            .limit(1)
        )
        if seat is None:
            abort(404, _("You have no booking for this session."))
        attendee = me()
        if seat.status == "cancelled":
            method = "CANCEL"
    return _ics(calendar([found], method, attendee), f"session-{session_id}.ics")


@bp.route("/series/<int:series_id>/invite.ics")
@roles(*EVERYONE)
def series_invite(series_id: int):
    """All sessions of a group in one file (yours, for a therapist) to import at once."""
    found = db.session.get(ConsultationSeries, series_id)
    if found is None:
        abort(404, str(not_found("group")))
    sessions = [s for s in found.sessions if not s.is_cancelled]
    attendee = None
    if current_user.role == "therapist":
        mine = set(
            db.session.scalars(
                select(Booking.session_id).where(
                    Booking.series_id == series_id,
                    Booking.user_id == current_user.id,
                    Booking.status == "booked",
                )
            )
        )
        sessions = [s for s in sessions if s.id in mine]
        attendee = me()
        if not sessions:
            abort(404, _("You are not in this group."))
    return _ics(calendar(sessions, "PUBLISH", attendee), f"series-{series_id}.ics")


# The trainers' and workshop pages register their routes on ``bp`` when imported.
from course.consultations import calendar_views, manage_views, workshop_views  # noqa: E402, F401
