"""Admins revoke (with a reason, audit-logged) and reissue; the public page follows."""

from __future__ import annotations

import pytest

from course.audit.models import AuditEntry
from course.certificates.models import Certificate
from course.extensions import db


@pytest.fixture
def setting(app, make_user, login, cert_course, finish, claim, csrf):
    """A holder (signed in on ``holder``), an admin (on ``admin``) and the certificate."""
    therapist = make_user("therapist")
    finish(therapist)
    holder, admin = app.test_client(), app.test_client()
    login(therapist, on=holder)
    assert claim(holder, "Dana Smiht").status_code == 302
    login(make_user("admin"), on=admin)
    with app.app_context():
        certificate = db.session.scalar(db.select(Certificate))
    return holder, admin, certificate


def _all(app):
    with app.app_context():
        return db.session.scalars(db.select(Certificate).order_by(Certificate.id)).all()


def _audit(app, action):
    with app.app_context():
        return db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == action)).all()


def test_admin_finds_the_certificate_by_code_or_name(app, setting):
    _, admin, certificate = setting
    for query in (certificate.code.lower(), "smiht"):
        page = admin.get("/certificates/admin/", query_string={"q": query}).get_data(True)
        assert certificate.code in page and "Dana Smiht" in page
    assert "No certificate matches" in admin.get(
        "/certificates/admin/", query_string={"q": "nobody"}
    ).get_data(as_text=True)
    detail = admin.get(f"/certificates/admin/{certificate.id}").get_data(as_text=True)
    assert "Revoke certificate" in detail and "data-confirm" in detail


def test_revoking_needs_a_reason_then_the_public_page_says_revoked(app, setting, csrf):
    holder, admin, certificate = setting
    url = f"/certificates/admin/{certificate.id}/revoke"
    refused = admin.post(url, data={"csrf_token": csrf(admin), "revoke-reason": "  "})
    assert refused.status_code == 400 and "Give a reason for revoking." in refused.get_data(True)
    assert _all(app)[0].revoked_at is None and _audit(app, "certificate.revoked") == []

    done = admin.post(url, data={"csrf_token": csrf(admin), "revoke-reason": "Issued in error"})
    assert done.status_code == 302
    (revoked,) = _all(app)
    assert revoked.revoked_reason == "Issued in error" and revoked.revoked_at is not None
    (entry,) = _audit(app, "certificate.revoked")
    assert entry.target == f"certificate:{certificate.code}"
    assert entry.details["reason"] == "Issued in error"

    page = app.test_client().get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert "Status: revoked" in page and "Issued in error" not in page
    assert revoked.revoked_at.strftime("%Y") in page
    assert holder.get(f"/certificates/{certificate.code}.pdf").status_code == 410
    mine = holder.get("/certificates/").get_data(as_text=True)
    assert "was revoked" in mine and "Download" not in mine
    again = holder.post("/certificates/", data={"csrf_token": csrf(holder), "name": "D S",
                                                "confirm": "y"})  # fmt: skip
    assert again.status_code == 409 and len(_all(app)) == 1
    twice = admin.post(url, data={"csrf_token": csrf(admin), "revoke-reason": "Again"})
    assert twice.status_code == 302
    assert "already revoked" in admin.get(twice.headers["Location"]).get_data(as_text=True)
    assert len(_audit(app, "certificate.revoked")) == 1


def test_reissue_with_the_name_corrected_replaces_the_certificate(app, setting, csrf):
    holder, admin, certificate = setting
    url = f"/certificates/admin/{certificate.id}/reissue"
    data = {"csrf_token": csrf(admin), "reissue-holder_name": "Dana Smith",
            "reissue-reason": "Name misspelled"}  # fmt: skip
    done = admin.post(url, data=data)
    assert done.status_code == 302
    old, new = _all(app)
    assert old.revoked_at is not None and old.replaced_by_id == new.id
    assert old.revoked_reason == "Reissued: Name misspelled"
    assert new.valid and new.holder_name == "Dana Smith" and new.code != old.code
    assert (new.completed_on, new.ce_hours) == (old.completed_on, old.ce_hours)
    assert done.headers["Location"].endswith(f"/certificates/admin/{new.id}")
    (entry,) = _audit(app, "certificate.reissued")
    assert entry.details["new_code"] == new.code and entry.details["name_changed"] is True

    old_page = app.test_client().get(f"/verify/{old.code}").get_data(as_text=True)
    assert "Status: revoked" in old_page and "A replacement certificate was issued" in old_page
    assert "Status: valid." in app.test_client().get(f"/verify/{new.code}").get_data(True)
    home = holder.get("/learning/").get_data(as_text=True)
    assert f"/certificates/{new.code}.pdf" in home and old.code not in home

    again = admin.post(url, data={**data, "csrf_token": csrf(admin)})
    assert "already replaced by" in admin.get(again.headers["Location"]).get_data(as_text=True)
    assert len(_all(app)) == 2


def test_only_admins_revoke_or_reissue(app, setting, csrf):
    holder, _, certificate = setting
    for path in ("revoke", "reissue"):
        url = f"/certificates/admin/{certificate.id}/{path}"
        response = holder.post(url, data={"csrf_token": csrf(holder), "revoke-reason": "x"})
        assert response.status_code == 403
    assert _all(app)[0].valid
