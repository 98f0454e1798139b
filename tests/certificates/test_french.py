"""The certificate pages in Canadian French: the therapist's, the public and the admin's."""

from __future__ import annotations

from course.certificates.models import Certificate
from course.extensions import db

FR = {"Accept-Language": "fr-CA,fr;q=0.9"}


def test_a_therapist_reads_what_is_missing_and_claims_the_certificate_in_french(
    app, client, make_user, login, cert_course, finish, csrf
):
    therapist = make_user("therapist")
    login(therapist)
    page = client.get("/certificates/", headers=FR).get_data(as_text=True)
    assert '<html lang="fr-CA">' in page and "<h1>Mon attestation</h1>" in page
    assert "Il reste à faire" in page
    assert "Terminez le module «\u00a0Introduction to tensions\u00a0»." in page
    assert "lorsque vous aurez terminé la formation" in page
    home = client.get("/learning/", headers=FR).get_data(as_text=True)
    assert "Pour votre attestation" in home

    finish(therapist)
    page = client.get("/certificates/", headers=FR).get_data(as_text=True)
    assert "Confirmez votre nom pour recevoir votre attestation" in page
    unticked = client.post(
        "/certificates/", data={"csrf_token": csrf(client), "name": "Dana Smith"}, headers=FR
    )
    assert unticked.status_code == 400
    assert "Cochez la case pour confirmer que votre nom est bien orthographié." in (
        unticked.get_data(as_text=True)
    )
    claimed = client.post(
        "/certificates/",
        data={"csrf_token": csrf(client), "name": "Dana Smith", "confirm": "y"},
        headers=FR,
    )
    assert claimed.status_code == 302
    page = client.get("/certificates/", headers=FR).get_data(as_text=True)
    assert "Votre attestation a été délivrée. Vous pouvez la télécharger ci-dessous." in page
    assert "Télécharger votre attestation (PDF)" in page


def test_the_public_and_admin_pages_are_in_french(
    app, client, make_user, login, cert_course, finish, claim
):
    therapist = make_user("therapist")
    finish(therapist)
    login(therapist)
    assert claim(client).status_code == 302
    with app.app_context():
        code = db.session.scalar(db.select(Certificate.code))
    visitor = app.test_client()
    page = visitor.get(f"/verify/{code}", headers=FR).get_data(as_text=True)
    assert '<html lang="fr-CA">' in page and "Statut\u00a0: valide." in page
    assert "Code de vérification" in page and "Status: valid." not in page
    assert "1,5 heures de formation continue" in page and "CE hours" not in page
    unknown = visitor.get("/verify/ZZZZ-ZZZZ-ZZZZ", headers=FR)
    assert unknown.status_code == 404
    assert "Aucune attestation ne porte le code ZZZZ-ZZZZ-ZZZZ." in unknown.get_data(as_text=True)

    admin = app.test_client()
    login(make_user("admin"), on=admin)
    listing = admin.get("/certificates/admin/", headers=FR).get_data(as_text=True)
    assert "1 attestation, de la plus récente à la plus ancienne" in listing
    assert "Rechercher par nom, courriel ou code" in listing
