"""After a session, trainers record attendance and notes; exports read them without names."""

from __future__ import annotations

from datetime import timedelta

from course import clock
from course.consultations.models import Attendance
from course.extensions import db


def _booked_session(signed_in, make_slot, post, people=2):
    slot = make_slot(capacity=people, days=1)
    therapists = [signed_in(name=f"Pat {i}") for i in range(people)]
    for _, client in therapists:
        post(client, f"/consultations/sessions/{slot}/book")
    return slot, therapists


def _booking_ids(app, slot):
    from sqlalchemy import select

    from course.consultations.models import Booking
    from course.extensions import db

    with app.app_context():
        return list(
            db.session.scalars(
                select(Booking.id).where(Booking.session_id == slot).order_by(Booking.id)
            )
        )


def test_trainer_records_attendance_and_notes_after_the_session(
    app, signed_in, make_slot, post, trainer, login, db_count
):
    slot, therapists = _booked_session(signed_in, make_slot, post)
    first, second = _booking_ids(app, slot)
    staff = app.test_client()
    login(trainer, on=staff)
    with clock.frozen(clock.now_utc() + timedelta(days=2)):
        page = staff.get(f"/consultations/sessions/{slot}/attendance").get_data(as_text=True)
        assert "Pat 0" in page and "Private trainer note" in page
        calendar = staff.get("/consultations/").get_data(as_text=True)
        assert "Record attendance: Individual consultation" in calendar
        response = post(
            staff,
            f"/consultations/sessions/{slot}/attendance",
            **{
                f"status-{first}": "attended",
                f"shared-{first}": "Good use of metacommunication.",
                f"private-{first}": "Seemed tired.",
                f"status-{second}": "no_show",
            },
        )
        assert response.status_code == 302
        (_user, client) = therapists[0]
        mine = client.get("/consultations/").get_data(as_text=True)
        assert "Good use of metacommunication." in mine and "Attended" in mine
        assert "Seemed tired." not in mine
        roster = staff.get(f"/consultations/sessions/{slot}").get_data(as_text=True)
        assert "Seemed tired." in roster and "No-show" in roster
    assert db_count(Attendance) == 2
    assert db_count(Attendance, status="excused") == 0


def test_attendance_before_the_session_is_refused(
    app, signed_in, make_slot, post, trainer, login, db_count
):
    slot, _ = _booked_session(signed_in, make_slot, post, people=1)
    (booking,) = _booking_ids(app, slot)
    staff = app.test_client()
    login(trainer, on=staff)
    response = post(
        staff, f"/consultations/sessions/{slot}/attendance", **{f"status-{booking}": "attended"}
    )
    assert response.status_code == 400
    assert "once the session has started" in response.get_data(as_text=True)
    assert db_count(Attendance) == 0


def test_the_attendance_form_is_offered_only_once_the_session_has_started(
    app, signed_in, make_slot, post, trainer, login
):
    slot, _ = _booked_session(signed_in, make_slot, post, people=1)
    staff = app.test_client()
    login(trainer, on=staff)
    form_url = f"/consultations/sessions/{slot}/attendance"
    page = staff.get(f"/consultations/sessions/{slot}").get_data(as_text=True)
    assert form_url not in page
    assert "Attendance can be recorded once the session has started." in page
    response = staff.get(form_url)
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "This session has not happened yet." in body and "Save attendance" not in body
    with clock.frozen(clock.now_utc() + timedelta(days=2)):
        page = staff.get(f"/consultations/sessions/{slot}").get_data(as_text=True)
        assert f'href="{form_url}"' in page
        assert "Save attendance" in staff.get(form_url).get_data(as_text=True)


def test_every_booked_therapist_needs_a_valid_mark(
    app, signed_in, make_slot, post, trainer, login, db_count
):
    slot, _ = _booked_session(signed_in, make_slot, post)
    first, second = _booking_ids(app, slot)
    staff = app.test_client()
    login(trainer, on=staff)
    with clock.frozen(clock.now_utc() + timedelta(days=2)):
        response = post(
            staff,
            f"/consultations/sessions/{slot}/attendance",
            **{f"status-{first}": "attended", f"status-{second}": "maybe"},
        )
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "Choose attended, no-show or excused for Pat 1." in body
    assert 'value="attended" checked' in body  # what was entered is kept
    assert db_count(Attendance) == 0


def test_therapists_cannot_record_attendance(signed_in, make_slot, post):
    slot = make_slot()
    _, client = signed_in()
    assert client.get(f"/consultations/sessions/{slot}/attendance").status_code == 403
    assert post(client, f"/consultations/sessions/{slot}/attendance").status_code == 403


def test_export_rows_carry_attendance_without_names_or_notes(
    app, signed_in, make_series, post, trainer
):
    from course.auth.models import User
    from course.consultations.attendance import Mark, export_rows, record_attendance
    from course.extensions import db

    series = make_series(count=2, days=1)
    user, client = signed_in(name="Nora Named")
    post(client, f"/consultations/series/{series}/join")
    later = clock.now_utc() + timedelta(days=2)
    with clock.frozen(later), app.test_request_context(), app.app_context():
        rows = export_rows()
        record_attendance(
            db.session.get(User, trainer.id),
            rows[0].session_id,
            [Mark(_booking_ids(app, rows[0].session_id)[0], "excused", "secret", "")],
        )
        db.session.commit()
        rows = export_rows()
    assert [(r.study_id, r.series_id, r.position, r.attendance) for r in rows] == [
        (user.study_id, series, 1, "excused"),
        (user.study_id, series, 2, None),
    ]
    assert rows[0].booking_status == "booked" and rows[0].booking_source == "series"
    assert "Nora" not in repr(rows) and "secret" not in repr(rows)


SURVEY_AFTER_ONE = """\
title: Test Course
provider: Test Provider
ce_hours: 1.5
consultation_gate: []
certificate:
  modules: all
surveys:
  after_consultations:
    1: sus
"""


def test_attending_a_session_can_make_a_survey_due(
    app,
    signed_in,
    make_slot,
    post,
    trainer,
    login,
    outbox,
    tmp_path,
    fixture_root,
    import_course,
):
    import shutil

    from course.surveys.models import SurveyNotice

    root = tmp_path / "course"
    shutil.copytree(fixture_root, root)
    (root / "modules" / "course.yaml").write_text(SURVEY_AFTER_ONE)
    import_course(root)
    slot, therapists = _booked_session(signed_in, make_slot, post)
    first, second = _booking_ids(app, slot)
    staff = app.test_client()
    login(trainer, on=staff)
    outbox.clear()
    with clock.frozen(clock.now_utc() + timedelta(days=2)):
        response = post(
            staff,
            f"/consultations/sessions/{slot}/attendance",
            **{f"status-{first}": "attended", f"status-{second}": "no_show"},
        )
    assert response.status_code == 302
    surveys = [m for m in outbox if "A short survey is waiting" in m["Subject"]]
    assert [m["To"] for m in surveys] == [therapists[0][0].email]
    with app.app_context():
        notices = db.session.scalars(db.select(SurveyNotice)).all()
        assert [(n.user_id, n.survey, n.trigger) for n in notices] == [
            (therapists[0][0].id, "sus", "after_consultations:1")
        ]
