"""The audit log is append-only, written by one service and readable with filters."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from course.audit.models import AuditEntry
from course.audit.services import record
from course.extensions import db


def test_database_refuses_updates_and_deletes(app):
    with app.app_context():
        entry = record("test.something", target="x", note="kept")
        db.session.commit()
        for statement in (
            sa.update(AuditEntry).values(action="rewritten"),
            sa.delete(AuditEntry),
        ):
            with pytest.raises(sa.exc.DatabaseError, match="append-only"):
                db.session.execute(statement)
                db.session.flush()
            db.session.rollback()
        assert db.session.get(AuditEntry, entry.id).action == "test.something"


def test_sign_ins_and_failures_are_recorded(app, make_user, login):
    user = make_user("researcher")
    login(user, password="wrong password!")
    login(user)
    with app.app_context():
        actions = db.session.scalars(db.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-2:] == ["auth.login_failed", "auth.login"]


def test_admin_filters_the_log_by_action_and_actor(client, make_user, login):
    admin = make_user("admin", email="boss@example.org")
    researcher = make_user("researcher", email="res@example.org")
    login(researcher, on=client.application.test_client())
    login(admin)
    page = client.get("/admin/audit?action=auth.login&actor=res@example.org").get_data(True)
    assert "res@example.org" in page and "boss@example.org" not in page
    page = client.get("/admin/audit?actor=nobody@example.org").get_data(True)
    assert "No account matches that actor." in page and "No entries match" in page


def test_bad_date_filter_gets_a_message(client, make_user, login):
    login(make_user("admin"))
    page = client.get("/admin/audit?since=not-a-date").get_data(True)
    assert "Not a valid date value" in page
