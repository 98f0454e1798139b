"""Trainers' week and month calendars, and a group series' attendance roster."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user

from course.consultations import agenda, listing, rosters
from course.consultations.errors import not_found
from course.consultations.models import ConsultationSeries
from course.consultations.views import STAFF, bp
from course.extensions import db
from course.web.access import roles


@bp.route("/<any(week, month):view>")
@roles(*STAFF)
def calendar_grid(view: str):
    """A week or a month of sessions across trainers, in the viewer's time zone."""
    zone = current_user.timezone
    mine = request.args.get("mine") == "1"
    anchor = agenda.parse_day(request.args.get("date"), zone)
    grid = agenda.grid(view, anchor, zone, current_user.id if mine else None)
    return render_template("consultations/grid.html", grid=grid, mine=mine, zone=zone)


@bp.route("/series/<int:series_id>/roster")
@roles(*STAFF)
def series_roster(series_id: int):
    """Everyone booked in a group series against every session, with their attendance."""
    found = db.session.get(ConsultationSeries, series_id)
    if found is None:
        abort(404, str(not_found("group")))
    sessions = listing.series_sessions(series_id)
    return render_template(
        "consultations/roster.html",
        series=found,
        sessions=sessions,
        people=rosters.series_roster(sessions),
        words=rosters.ROSTER_WORDS,
    )
