"""A recruit who declines the study (defect 2 of the first-hour review).

Recruits are invited into a holding arm until randomized. Declining must neither thank
them "for taking part" nor describe them as the comparison group; the training opens for
them when the trial ends, and their account stays usable meanwhile.
"""

from __future__ import annotations

from datetime import date

import pytest

from course import clock
from course.extensions import db
from course.research.models import Allocation, ConsentRecord
from tests.research.test_consent import _answer


@pytest.mark.parametrize("arm", ["control", "workshop"])
def test_a_recruit_who_declines_is_told_so_and_the_course_opens_after_the_trial(
    app, client, make_user, login, course, csrf, arm
):
    login(make_user("therapist", arm=arm, consent=False))
    response = _answer(client, csrf, "decline", next_="/learning/")
    flashed = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your choice not to take part was recorded" in flashed
    assert "for taking part" not in flashed.replace("for taking part in", "")
    page = client.get("/learning/").get_data(as_text=True)
    assert "You chose not to take part in the study" in page
    assert "comparison group" not in page and "workshop group" not in page
    assert 'href="/research/consent"' in page  # they may still change their mind
    assert client.get("/learning/modules/intro").status_code == 403
    consent_page = client.get("/research/consent").get_data(as_text=True)
    assert "it opens for you when the trial ends" in consent_page
    assert "You can use the platform as before" not in consent_page
    for path in ("/", "/auth/account", "/research/consent"):
        assert client.get(path, follow_redirects=True).status_code == 200, path

    app.config["TRIAL_END"] = date(2020, 1, 1)
    assert client.get("/learning/modules/intro").status_code == 200


def test_a_decliner_cannot_book_until_the_trial_ends(app, client, make_user, login, course, csrf):
    login(make_user("therapist", arm="control", consent=False))
    _answer(client, csrf, "decline")
    page = client.get("/consultations/").get_data(as_text=True)
    assert "You chose not to take part in the study" in page
    assert "comparison group" not in page


def test_declining_a_new_version_after_randomization_keeps_the_arm_s_training(
    app, client, make_user, login, course, csrf
):
    """The rule is about recruits who were never randomized, not about later refusals."""
    user = make_user("therapist", arm="self_paced")  # consented and allocated
    with app.app_context():
        db.session.add(
            ConsentRecord(user_id=user.id, version="1", decision="declined", at=clock.now_utc())
        )
        db.session.commit()
    login(user)
    assert client.get("/learning/modules/intro").status_code == 200

    workshop = make_user("therapist", arm="workshop")
    with app.app_context():
        assert db.session.query(Allocation).filter_by(user_id=workshop.id).count() == 1
        db.session.add(
            ConsentRecord(
                user_id=workshop.id, version="1", decision="withdrawn", at=clock.now_utc()
            )
        )
        db.session.commit()
        from course.learning.access import declined_study

        assert not declined_study(workshop)


def test_the_workshop_roster_leaves_out_recruits_who_declined(
    app, client, make_user, login, course, csrf
):
    from course.consultations.workshop import workshop_therapists

    taking_part = make_user("therapist", arm="workshop", name="Ann Allocated")
    recruit = make_user("therapist", arm="workshop", consent=False, name="Dee Decliner")
    login(recruit)
    _answer(client, csrf, "decline")
    with app.app_context():
        names = [person.name for person in workshop_therapists()]
    assert names == [taking_part.name]
