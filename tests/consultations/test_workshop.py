"""Trainers record who attended each workshop day; that opens booking for the workshop arm."""

from __future__ import annotations

from datetime import date

from course.consultations.models import WorkshopAttendance, WorkshopDay


def test_trainer_adds_a_day_and_records_who_attended(signed_in, post, make_user, db_count):
    came = make_user("therapist", arm="workshop", name="Wen Came")
    away = make_user("therapist", arm="workshop", name="Will Away")
    make_user("therapist", arm="self_paced", name="Sol Selfpaced")
    _, staff = signed_in("trainer")
    response = post(staff, "/consultations/workshop", title="Workshop day 1", day="2030-01-06")
    assert response.status_code == 302
    page = staff.get(response.location).get_data(as_text=True)
    assert "Wen Came" in page and "Will Away" in page and "Sol Selfpaced" not in page
    assert post(staff, response.location, attended=str(came.id)).status_code == 302
    assert db_count(WorkshopAttendance, user_id=came.id) == 1
    assert db_count(WorkshopAttendance, user_id=away.id) == 0
    listing = staff.get("/consultations/workshop").get_data(as_text=True)
    assert "at least 1 workshop day" in listing

    # Unticking removes the record again.
    assert post(staff, response.location).status_code == 302
    assert db_count(WorkshopAttendance) == 0


def test_bad_workshop_input_changes_nothing(app, signed_in, post, make_user, db_count):
    other = make_user("therapist", arm="self_paced")
    _, staff = signed_in("trainer")
    response = post(staff, "/consultations/workshop", title="", day="")
    assert response.status_code == 400 and db_count(WorkshopDay) == 0
    post(staff, "/consultations/workshop", title="Later day", day="2030-02-01")
    from sqlalchemy import select

    from course.extensions import db

    with app.app_context():
        later = db.session.scalar(select(WorkshopDay.id))
    future = post(staff, f"/consultations/workshop/{later}", attended=str(other.id))
    assert future.status_code == 400
    assert "on or after the workshop day" in future.get_data(as_text=True)
    with app.app_context():
        db.session.get(WorkshopDay, later).day = date(2030, 1, 1)
        db.session.commit()
    wrong = post(staff, f"/consultations/workshop/{later}", attended=str(other.id))
    assert wrong.status_code == 400
    assert "Only active therapists in the workshop group" in wrong.get_data(as_text=True)
    junk = post(staff, f"/consultations/workshop/{later}", attended="abc")
    assert junk.status_code == 400
    assert db_count(WorkshopAttendance) == 0
