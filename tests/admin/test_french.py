"""The admin pages (users, invitations, audit log, outbox) in Canadian French."""

from __future__ import annotations

from html import unescape

FR = {"Accept-Language": "fr-CA"}


def test_the_admin_pages_are_in_french(client, make_user, login):
    admin = make_user("admin")
    make_user("therapist")
    login(admin)
    users = unescape(client.get("/admin/users", headers=FR).get_data(as_text=True))
    assert '<html lang="fr-CA">' in users
    assert "Rechercher un nom, un courriel ou un identifiant d'étude" in users
    assert "2 comptes" in users and "Dernière connexion" in users
    assert ">thérapeute<" in users and "formation autonome" in users  # a role, an arm
    person = unescape(client.get(f"/admin/users/{admin.id}", headers=FR).get_data(as_text=True))
    assert "Rôle, groupe et accès" in person and "Compte actif (peut se connecter)" in person
    invitations = unescape(client.get("/admin/invitations", headers=FR).get_data(as_text=True))
    assert "Inviter une personne" in invitations and "Groupe de l'essai (thérapeutes" in invitations
    audit = unescape(client.get("/admin/audit", headers=FR).get_data(as_text=True))
    assert "Journal d'audit" in audit and "Toute action" in audit and "entrées" in audit
    outbox = unescape(client.get("/admin/outbox", headers=FR).get_data(as_text=True))
    assert "Boîte d'envoi" in outbox and "Tous (" in outbox and "En file (" in outbox


def test_admin_refusals_and_confirmations_are_in_french(client, csrf, make_user, login):
    admin = make_user("admin")
    taken = make_user("trainer")
    login(admin)
    page = unescape(
        client.post(
            "/admin/invitations",
            headers=FR,
            data={"email": taken.email, "role": "trainer", "arm": "", "csrf_token": csrf(client)},
        ).get_data(as_text=True)
    )
    assert f"{taken.email} a déjà un compte." in page
    bad_dates = unescape(
        client.get("/admin/audit?since=2026-02-01&until=2026-01-01", headers=FR).get_data(
            as_text=True
        )
    )
    assert "La date de fin précède la date de début." in bad_dates
    saved = unescape(
        client.post(
            f"/admin/users/{taken.id}",
            headers=FR,
            data={"role": "trainer", "arm": "", "reason": "none", "csrf_token": csrf(client)},
            follow_redirects=True,
        ).get_data(as_text=True)
    )
    assert "Enregistré\u00a0: accès." in saved  # the account was deactivated
