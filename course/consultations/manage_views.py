"""Trainers' pages: schedule series and slots, change or cancel sessions, attendance."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm

from course.auth.models import User
from course.consultations import attendance, changes, listing, rosters, scheduling
from course.consultations.errors import ConsultationError, not_found
from course.consultations.forms import CancelForm, ChangeForm, SeriesForm, SlotForm, with_trainers
from course.consultations.models import ConsultationSession
from course.consultations.times import wall_clock
from course.consultations.views import STAFF, bp, me
from course.extensions import db
from course.web.access import roles
from course.web.errors import show_refusal


def _person(value: str | None) -> User | None:
    if not value or not (value.isascii() and value.isdigit()) or len(value) > 9:
        return None
    return db.session.get(User, int(value))


def _told(notices) -> None:
    if notices:
        flash(
            ngettext(
                "%(num)d therapist will be e-mailed an updated invite.",
                "%(num)d therapists will be e-mailed an updated invite.",
                len(notices),
            ),
            "success",
        )


def _new_form(form_class):
    form = with_trainers(form_class(), rosters.trainers() or [me()])
    form.keep_zone(current_user.timezone)
    if request.method == "GET":
        form.timezone.data = current_user.timezone
        form.trainer.data = str(current_user.id) if current_user.role == "trainer" else None
    return form


@bp.route("/series/new", methods=["GET", "POST"])
@roles(*STAFF)
def new_series():
    """Schedule a recurring group series."""
    form = _new_form(SeriesForm)
    if request.method == "GET":
        form.capacity.data = 6
    if form.validate_on_submit():
        try:
            created = scheduling.create_series(
                me(),
                form.plan(),
                _person(form.trainer.data),
                _person(form.co_trainer.data),
                int(form.interval_days.data),
                form.count.data,
            )
        except ConsultationError as exc:
            show_refusal(exc, form)
        else:
            db.session.commit()
            flash(_("The group “%(title)s” is scheduled.", title=created.title), "success")
            return redirect(url_for(".series", series_id=created.id))
    status = 400 if form.errors else 200
    return render_template("consultations/new_series.html", form=form), status


@bp.route("/slots/new", methods=["GET", "POST"])
@roles(*STAFF)
def new_slot():
    """Schedule an individual consultation slot."""
    form = _new_form(SlotForm)
    if request.method == "GET":
        form.capacity.data, form.title.data = 1, _("Individual consultation")
    if form.validate_on_submit():
        try:
            created = scheduling.create_slot(me(), form.plan(), _person(form.trainer.data))
        except ConsultationError as exc:
            show_refusal(exc, form)
        else:
            db.session.commit()
            flash(_("The individual slot is scheduled."), "success")
            return redirect(url_for(".session", session_id=created.id))
    status = 400 if form.errors else 200
    return render_template("consultations/new_slot.html", form=form), status


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@roles(*STAFF)
def edit(session_id: int):
    """Change a session, or it and the rest of its series; booked therapists are told."""
    found = db.session.get(ConsultationSession, session_id)
    if found is None:
        raise not_found()
    form = ChangeForm()
    form.keep_zone(found.timezone)
    if request.method == "GET":
        start = wall_clock(found.starts_at, found.timezone)
        form.title.data = found.series.title if found.series else found.title
        form.timezone.data = found.timezone
        form.start_date.data, form.start_time.data = start.date(), start.time()
        form.end_time.data = wall_clock(found.ends_at, found.timezone).time()
        form.capacity.data, form.meeting_url.data = found.capacity, found.meeting_url
        form.notes.data = found.notes
    if form.validate_on_submit():
        try:
            notices = changes.change_sessions(
                me(), session_id, form.plan(), form.scope.data or "one"
            )
        except ConsultationError as exc:
            show_refusal(exc, form)
        else:
            db.session.commit()
            flash(_("The change is saved."), "success")
            _told(notices)
            return redirect(url_for(".session", session_id=session_id))
    status = 400 if form.errors else 200
    return render_template("consultations/edit.html", form=form, session=found), status


@bp.route("/sessions/<int:session_id>/cancel", methods=["GET", "POST"])
@roles(*STAFF)
def cancel(session_id: int):
    """Cancel a session, or the rest of its series; booked therapists get a CANCEL."""
    found = db.session.get(ConsultationSession, session_id)
    if found is None:
        raise not_found()
    form = CancelForm()
    if form.validate_on_submit():
        notices = changes.cancel_sessions(
            me(), session_id, form.scope.data or "one", form.message.data or ""
        )
        db.session.commit()
        flash(_("The session is cancelled."), "success")
        _told(notices)
        return redirect(url_for(".session", session_id=session_id))
    status = 400 if form.errors else 200
    return render_template("consultations/cancel.html", form=form, session=found), status


@bp.route("/sessions/<int:session_id>/attendance", methods=["GET", "POST"])
@roles(*STAFF)
def record_attendance(session_id: int):
    """Mark attended, no-show or excused for each booked therapist, with notes."""
    row = listing.session_row(session_id)
    if row is None:
        raise not_found()
    attendance.recordable_session(session_id)  # not before the session, nor once cancelled
    roster = rosters.roster(session_id)
    form = FlaskForm()  # CSRF only: the fields are one set per booked therapist
    if form.validate_on_submit():
        marks = [
            attendance.Mark(
                person.booking_id,
                request.form.get(f"status-{person.booking_id}", ""),
                request.form.get(f"private-{person.booking_id}", ""),
                request.form.get(f"shared-{person.booking_id}", ""),
            )
            for person in roster
        ]
        try:
            saved = attendance.record_attendance(me(), session_id, marks)
        except ConsultationError as exc:
            db.session.rollback()
            return render_template(
                "consultations/attendance.html",
                row=row,
                roster=roster,
                form=form,
                error=str(exc),
                entered={m.booking_id: m for m in marks},
                labels=attendance.LABELS,
            ), exc.status
        db.session.commit()
        flash(
            ngettext(
                "Attendance saved for %(num)d therapist.",
                "Attendance saved for %(num)d therapists.",
                saved,
            ),
            "success",
        )
        return redirect(url_for(".session", session_id=session_id))
    return render_template(
        "consultations/attendance.html",
        row=row,
        roster=roster,
        form=form,
        error=None,
        entered={},
        labels=attendance.LABELS,
    )
