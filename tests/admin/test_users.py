"""Admin user management: search, filters, role and arm changes, deactivation."""

from __future__ import annotations

import pytest

from course.audit.models import AuditEntry
from course.auth.models import User
from course.extensions import db


def test_search_and_filters_narrow_the_list(client, make_user, login):
    login(make_user("admin"))
    make_user("therapist", email="alpha@example.org", arm="control")
    make_user("therapist", email="beta@example.org", arm="workshop")
    make_user("trainer", email="gamma@example.org")
    page = client.get("/admin/users?arm=control").get_data(as_text=True)
    assert "alpha@example.org" in page and "beta@example.org" not in page
    page = client.get("/admin/users?role=trainer").get_data(as_text=True)
    assert "gamma@example.org" in page and "alpha@example.org" not in page
    page = client.get("/admin/users?q=BETA").get_data(as_text=True)
    assert "beta@example.org" in page and "gamma@example.org" not in page


def test_arm_change_is_saved_and_audited_with_reason(app, client, make_user, login, csrf):
    admin = make_user("admin")
    person = make_user("therapist", arm="open")
    login(admin)
    response = client.post(
        f"/admin/users/{person.id}",
        data={
            "role": "therapist",
            "arm": "workshop",
            "active": "y",
            "reason": "enrolled late",
            "csrf_token": csrf(client),
        },
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, person.id).arm == "workshop"
        entry = db.session.scalar(
            db.select(AuditEntry).where(AuditEntry.action == "admin.arm_changed")
        )
        assert entry.actor_id == admin.id
        assert entry.details == {"old": "open", "new": "workshop", "reason": "enrolled late"}


def test_an_arm_for_a_non_therapist_is_refused_and_nothing_changes(
    app, client, make_user, login, csrf
):
    login(make_user("admin"))
    trainer = make_user("trainer")
    response = client.post(
        f"/admin/users/{trainer.id}",
        data={
            "role": "trainer",
            "arm": "control",
            "active": "y",
            "reason": "x",
            "csrf_token": csrf(client),
        },
    )
    assert "Only therapists have a trial arm." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, trainer.id).arm is None


def test_admin_cannot_deactivate_themselves(app, client, make_user, login, csrf):
    admin = make_user("admin")
    login(admin)
    response = client.post(
        f"/admin/users/{admin.id}",
        data={"role": "admin", "arm": "", "reason": "oops", "csrf_token": csrf(client)},
    )
    assert "cannot change your own role or deactivate yourself" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, admin.id).active


def test_deactivated_user_is_locked_out(app, client, make_user, login, csrf):
    admin = make_user("admin")
    person = make_user("therapist")
    login(admin)
    client.post(
        f"/admin/users/{person.id}",
        data={
            "role": "therapist",
            "arm": "open",
            "reason": "left the study",
            "csrf_token": csrf(client),
        },
    )
    other = app.test_client()
    assert login(person, on=other).status_code == 200  # form again, not a redirect
    assert other.get("/").status_code == 302


def test_unknown_user_is_a_404(client, make_user, login):
    login(make_user("admin"))
    assert client.get("/admin/users/999").status_code == 404


def test_an_arm_change_on_the_users_page_is_an_allocation(app, client, make_user, login, csrf):
    from course.research.models import Allocation

    admin = make_user("admin")
    person = make_user("therapist", arm="self_paced")  # a consenting, allocated participant
    login(admin)
    response = client.post(
        f"/admin/users/{person.id}",
        data={
            "role": "therapist",
            "arm": "open",
            "active": "y",
            "reason": "withdrew from the trial by phone",
            "csrf_token": csrf(client),
        },
    )
    assert response.status_code == 302
    with app.app_context():
        rows = db.session.scalars(
            db.select(Allocation).where(Allocation.user_id == person.id).order_by(Allocation.id)
        ).all()
        assert [r.arm for r in rows] == ["self_paced", "open"]
        assert rows[-1].override_reason == "withdrew from the trial by phone"
        assert rows[-1].by_id == admin.id
        assert db.session.get(User, person.id).arm == "open"
        entry = db.session.scalar(
            db.select(AuditEntry).where(AuditEntry.action == "admin.arm_changed")
        )
        assert entry.details["new"] == "open" and entry.target == f"user:{person.id}"


def test_a_short_reason_changes_no_arm(app, client, make_user, login, csrf):
    login(make_user("admin"))
    person = make_user("therapist", arm="open")
    response = client.post(
        f"/admin/users/{person.id}",
        data={"role": "therapist", "arm": "control", "active": "y", "reason": "x",
              "csrf_token": csrf(client)},
    )  # fmt: skip
    assert "Give a reason of at least 10 characters" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, person.id).arm == "open"


@pytest.mark.parametrize(
    ("start", "new_role"), [("therapist", "trainer"), ("trainer", "therapist")]
)
def test_therapists_and_staff_keep_separate_accounts(
    app, client, make_user, login, csrf, start, new_role
):
    login(make_user("admin"))
    person = make_user(start)
    response = client.post(
        f"/admin/users/{person.id}",
        data={"role": new_role, "arm": "open" if new_role == "therapist" else "",
              "active": "y", "reason": "changing roles here", "csrf_token": csrf(client)},
    )  # fmt: skip
    assert "keep separate accounts" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, person.id).role == start
