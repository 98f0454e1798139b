"""Workshop days and who attended them (trainers record; attendance opens booking)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from course.consultations import workshop
from course.consultations.errors import ConsultationError, not_found
from course.consultations.forms import WorkshopDayForm
from course.consultations.gate import WORKSHOP_DAYS_REQUIRED
from course.consultations.models import WorkshopDay
from course.consultations.views import STAFF, bp, me
from course.extensions import db
from course.web.access import roles
from course.web.errors import show_refusal


@bp.route("/workshop", methods=["GET", "POST"])
@roles(*STAFF)
def workshop_days():
    """List workshop days and add one."""
    form = WorkshopDayForm()
    if form.validate_on_submit():
        try:
            day = workshop.create_day(me(), form.title.data, form.day.data, form.notes.data)
        except ConsultationError as exc:
            show_refusal(exc, form)
        else:
            db.session.commit()
            flash(_("“%(title)s” is added. Record who attended below.", title=day.title), "success")
            return redirect(url_for(".workshop_day", day_id=day.id))
    status = 400 if form.errors else 200
    return render_template(
        "consultations/workshop_days.html",
        form=form,
        days=workshop.days(),
        required=WORKSHOP_DAYS_REQUIRED,
    ), status


@bp.route("/workshop/<int:day_id>", methods=["GET", "POST"])
@roles(*STAFF)
def workshop_day(day_id: int):
    """Tick the workshop-arm therapists who attended this day."""
    day = db.session.get(WorkshopDay, day_id)
    if day is None:
        raise not_found("workshop day")
    form = FlaskForm()  # CSRF only: one checkbox per therapist
    if form.validate_on_submit():
        chosen = request.form.getlist("attended")
        if not all(v.isascii() and v.isdigit() and len(v) < 10 for v in chosen):
            raise ConsultationError(_("That is not a therapist of this list."), status=400)
        ids = {int(value) for value in chosen}
        added, removed = workshop.record_workshop_attendance(me(), day_id, ids)
        db.session.commit()
        flash(
            _(
                "Attendance saved: %(added)s added, %(removed)s removed.",
                added=added,
                removed=removed,
            ),
            "success",
        )
        return redirect(url_for(".workshop_day", day_id=day_id))
    return render_template(
        "consultations/workshop_day.html",
        day=day,
        form=form,
        therapists=workshop.workshop_therapists(),
        attended=workshop.attendees(day_id),
    )
