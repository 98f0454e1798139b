"""The invitation form: sticky role and arm, and no way around the arm's one writer."""

from __future__ import annotations

import re

from course.auth.models import Invitation, User
from course.extensions import db
from course.research.models import Allocation


def _selected(page: str, name: str) -> list[str]:
    select = re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S)
    assert select, page
    return re.findall(r'<option selected value="([^"]*)"', select.group(0))


def _invite(client, csrf, email: str, arm: str):
    data = {"email": email, "role": "therapist", "arm": arm, "csrf_token": csrf(client)}
    return client.post("/admin/invitations", data=data)


def test_the_next_invitation_keeps_the_chosen_role_and_arm(client, make_user, login, csrf, outbox):
    login(make_user("admin"))
    page = _invite(client, csrf, "first.recruit@example.org", "control").get_data(as_text=True)
    assert "Invitation sent to first.recruit@example.org." in page
    assert _selected(page, "arm") == ["control"] and _selected(page, "role") == ["therapist"]
    assert re.search(r'<input[^>]*id="email"[^>]*value="[^"]+"', page) is None  # cleared
    page = _invite(client, csrf, "second.recruit@example.org", "control").get_data(as_text=True)
    assert "Invitation sent to second.recruit@example.org." in page
    assert [m["To"] for m in outbox] == ["first.recruit@example.org", "second.recruit@example.org"]
    assert _selected(client.get("/admin/invitations").get_data(as_text=True), "arm") == ["open"]


def test_an_invitation_cannot_change_an_existing_therapists_arm(
    app, client, make_user, login, csrf, outbox
):
    therapist = make_user("therapist", arm="open", email="already.here@example.org")
    login(make_user("admin"))
    response = _invite(client, csrf, "already.here@example.org", "workshop")
    assert "already.here@example.org already has an account." in response.get_data(as_text=True)
    assert _selected(response.get_data(as_text=True), "arm") == ["workshop"]  # kept to retry
    with app.app_context():
        assert db.session.get(User, therapist.id).arm == "open"
        assert db.session.scalar(db.select(db.func.count()).select_from(Allocation)) == 0
        assert db.session.scalar(db.select(db.func.count()).select_from(Invitation)) == 0
    assert outbox == []
