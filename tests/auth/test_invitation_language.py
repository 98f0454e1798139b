"""An invitation is e-mailed in the language the inviter chose; the account keeps the
language its holder registered in, so later mail follows it."""

from __future__ import annotations

import re

from course.auth.models import User
from course.extensions import db

LINK = re.compile(r"http://localhost(/auth/register/[\w-]+)")
FR = {"Accept-Language": "fr-CA"}


def _invite(client, login, make_user, csrf, **extra):
    login(make_user("admin"))
    data = {"email": "new.person@example.org", "role": "therapist", "arm": "open", **extra}
    response = client.post("/admin/invitations", data={**data, "csrf_token": csrf(client)})
    assert response.status_code == 200, response.get_data(as_text=True)
    client.post("/auth/logout", data={"csrf_token": csrf(client)})


def test_an_invitation_in_french_from_an_english_admin(app, client, login, make_user, csrf, outbox):
    _invite(client, login, make_user, csrf, language="fr_CA")
    (mail,) = outbox
    assert mail["Subject"] == "Votre invitation à la Plateforme de formation sur l'alliance"
    body = mail.get_body(("plain",)).get_content()
    assert "en tant que thérapeute" in body and "UTC" in body and "jusqu'au " in body
    path = LINK.search(body).group(1)
    registered = client.post(
        path,
        data={"name": "Nouvelle Personne", "password": "a long enough password",
              "confirm": "a long enough password", "timezone": "America/Toronto",
              "profession": "psychologist", "region": "QC", "csrf_token": csrf(client)},
        headers=FR,
    )  # fmt: skip
    assert registered.status_code == 302
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == "new.person@example.org"))
        assert user.locale == "fr_CA"  # registered on French pages


def test_an_invitation_is_english_unless_chosen(app, client, login, make_user, csrf, outbox):
    _invite(client, login, make_user, csrf)
    assert outbox[0]["Subject"] == "Your invitation to the Alliance Training Platform"
    assert "as a therapist" in outbox[0].get_body(("plain",)).get_content()


def test_an_unknown_invitation_language_is_refused(app, client, login, make_user, csrf, outbox):
    login(make_user("admin"))
    response = client.post(
        "/admin/invitations",
        data={"email": "x@example.org", "role": "therapist", "arm": "open",
              "language": "de", "csrf_token": csrf(client)},
    )  # fmt: skip
    assert response.status_code in (200, 400) and outbox == []


def test_the_invitation_form_offers_the_language(client, login, make_user):
    login(make_user("admin"))
    page = client.get("/admin/invitations").get_data(as_text=True)
    assert 'name="language"' in page and 'value="fr_CA"' in page
