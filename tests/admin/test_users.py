"""Admin user management: search, filters, role and arm changes, deactivation."""

from __future__ import annotations

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
