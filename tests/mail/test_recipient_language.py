"""Mail is written in its recipient's language, never in the language of whoever caused it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from course.auth.models import User
from course.extensions import db
from course.mail import queue_mail
from course.web.i18n import locale_of, writing_to

FR = {"Accept-Language": "fr-CA"}


def _speaks(app, user, locale: str | None) -> None:
    with app.app_context():
        db.session.get(User, user.id).locale = locale
        db.session.commit()
    user.locale = locale


def test_the_recipients_account_language_decides_else_english():
    class Person:
        locale = "fr_CA"

    assert locale_of(Person()) == "fr_CA"
    Person.locale = None
    assert locale_of(Person()) == "en"
    assert locale_of("someone@example.org") == "en" and locale_of(None) == "en"


def test_queue_mail_writes_subject_and_body_in_the_recipients_language(app, make_user, outbox):
    french, english = make_user("therapist"), make_user("therapist")
    _speaks(app, french, "fr_CA")
    with app.app_context(), app.test_request_context(headers=FR):  # an actor reading French
        for person in (french, english):
            queue_mail(person, _l("Reset your password"), "password_reset", link="L", minutes=30)
        # an address alone is written in English unless a language is given
        queue_mail("nobody@example.org", _l("Reset your password"), "password_reset", link="L",
                   minutes=1)  # fmt: skip
        queue_mail("someone@example.org", _l("Reset your password"), "password_reset",
                   locale="fr_CA", link="L", minutes=1)  # fmt: skip
        db.session.commit()
    mails = {m["To"]: m for m in outbox}
    fr = mails[french.email]
    assert fr["Subject"] == "Réinitialiser votre mot de passe"
    assert "Bonjour," in fr.get_content() and "pendant 30 minutes" in fr.get_content()
    en = mails[english.email]
    assert en["Subject"] == "Reset your password"
    assert "Hello," in en.get_content() and "for 30 minutes" in en.get_content()
    assert "for 1 minute:" in mails["nobody@example.org"].get_content()
    assert "pendant 1 minute\u00a0:" in mails["someone@example.org"].get_content()


def test_a_password_reset_asked_on_a_french_page_follows_the_account(
    app, client, make_user, csrf, outbox
):
    """The page is French, the account says English: the mail is English (and back)."""
    person = make_user("therapist")
    _speaks(app, person, "en")
    client.post("/auth/forgot", data={"csrf_token": csrf(client), "email": person.email},
                headers=FR)  # fmt: skip
    assert outbox[-1]["Subject"] == "Reset your password"
    _speaks(app, person, "fr_CA")
    client.post("/auth/forgot", data={"csrf_token": csrf(client), "email": person.email})
    body = outbox[-1].get_content()
    assert "Quelqu'un a demandé la réinitialisation du mot de passe" in body
    assert "\n" not in outbox[-1]["Subject"] and "mot de passe" in outbox[-1]["Subject"]


def test_writing_to_nests_and_restores_the_page_language(app):
    from flask_babel import gettext

    with app.test_request_context(headers=FR):
        assert gettext("Hello,") == "Bonjour,"
        with writing_to("en"):
            assert gettext("Hello,") == "Hello,"
            with writing_to("fr_CA"):
                assert gettext("Hello,") == "Bonjour,"
            assert gettext("Hello,") == "Hello,"
        assert gettext("Hello,") == "Bonjour,"
