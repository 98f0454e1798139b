"""Consultation e-mail and calendar invites in the recipient's language, whoever acts."""

from __future__ import annotations

from icalendar import Calendar

from course.auth.models import User
from course.extensions import db

FR = {"Accept-Language": "fr-CA"}


def _speaks(app, user, locale: str) -> None:
    with app.app_context():
        db.session.get(User, user.id).locale = locale
        db.session.commit()


def _event(message_or_bytes):
    if isinstance(message_or_bytes, bytes):
        data = message_or_bytes
    else:
        (part,) = message_or_bytes.iter_attachments()
        data = part.get_payload(decode=True)
    (event,) = Calendar.from_ical(data).walk("VEVENT")
    return event


def test_an_english_trainer_cancels_and_each_therapist_hears_in_their_own_language(
    app, signed_in, make_series, series_sessions, post, csrf, login, trainer, outbox
):
    series = make_series(count=2)
    first = series_sessions(series)[0]
    french, french_client = signed_in(name="Fanny", timezone="America/Montreal")
    english, english_client = signed_in(name="Emma", timezone="America/Vancouver")
    _speaks(app, french, "fr_CA")
    _speaks(app, english, "en")
    post(french_client, f"/consultations/series/{series}/join")
    english_client.post(f"/consultations/series/{series}/join",
                        data={"csrf_token": csrf(english_client)}, headers=FR)  # fmt: skip
    booked = {m["To"]: m for m in outbox}
    assert booked[french.email]["Subject"] == "Réservation confirmée\u00a0: Tuesday group"
    assert booked[english.email]["Subject"] == "Booked: Tuesday group"

    outbox.clear()
    staff = app.test_client()
    login(trainer, on=staff)  # an English-speaking trainer, on English pages
    response = post(staff, f"/consultations/sessions/{first}/cancel", scope="one",
                    message="Sorry.")  # fmt: skip
    assert response.status_code == 302
    mails = {m["To"]: m for m in outbox}
    fr = mails[french.email]
    assert fr["Subject"] == "Annulation\u00a0: Tuesday group"
    body = fr.get_body(("plain",)).get_content()
    assert "Bonjour Fanny," in body and "L'équipe de formation a annulé" in body
    assert "Message de l'équipe de formation\u00a0:" in body and "Sorry." in body
    assert "(annulée)" in body and "HNE" in body  # the time in Montreal, in French
    assert "Rejoindre la séance sur la plateforme vidéo sécurisée" in str(_event(fr)["description"])
    en = mails[english.email]
    assert en["Subject"] == "Cancelled: Tuesday group"
    body = en.get_body(("plain",)).get_content()
    assert "Hello Emma," in body and "The trainers cancelled" in body and "PST" in body
    assert "for the trainer, America/Toronto" in body
    assert "Join on the secure video platform" in str(_event(en)["description"])


def test_a_french_page_does_not_make_an_english_recipients_mail_french(
    app, signed_in, make_slot, csrf, outbox
):
    """The therapist reads French pages, but their account says English: mail in English."""
    slot = make_slot()
    person, client = signed_in()
    _speaks(app, person, "en")
    client.post(f"/consultations/sessions/{slot}/book", data={"csrf_token": csrf(client)},
                headers=FR)  # fmt: skip
    (message,) = outbox
    assert message["Subject"] == "Booked: Individual consultation"
    assert "You are booked for" in message.get_body(("plain",)).get_content()
    assert "Join on the secure video platform" in str(_event(message)["description"])


def test_a_downloaded_invite_is_in_the_downloaders_language(
    app, signed_in, make_slot, post, outbox
):
    slot = make_slot()
    _, client = signed_in()
    post(client, f"/consultations/sessions/{slot}/book")
    french = client.get(f"/consultations/sessions/{slot}/invite.ics", headers=FR)
    assert french.status_code == 200
    description = str(_event(french.data)["description"])
    assert description.startswith("Rejoindre la séance sur la plateforme vidéo sécurisée\u00a0:")
    english = client.get(f"/consultations/sessions/{slot}/invite.ics")
    assert str(_event(english.data)["description"]).startswith("Join on the secure video")
