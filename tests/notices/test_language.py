"""A notice is written, stored and e-mailed in its reader's language, not the actor's."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from course.auth.models import User
from course.extensions import db
from course.notices.models import Notice
from course.notices.services import notify, send_digests, set_mode


def test_a_french_reader_gets_a_french_notice_from_an_english_page(app, make_user, outbox):
    french, english = make_user("therapist"), make_user("therapist")
    with app.test_request_context(headers={"Accept-Language": "en"}):
        db.session.get(User, french.id).locale = "fr_CA"
        for person in (french, english):
            notify(db.session.get(User, person.id), "quiz.attempt_granted",
                   _l("A trainer has given you another attempt at the %(quiz)s quiz.",
                      quiz="foundations"), "notices.index")  # fmt: skip
        db.session.commit()
    with app.app_context():
        texts = dict(db.session.execute(db.select(Notice.user_id, Notice.text)).all())
    expected = "Une personne formatrice vous a accordé une autre tentative au questionnaire "
    assert texts[french.id] == expected + "foundations."
    assert texts[english.id] == "A trainer has given you another attempt at the foundations quiz."
    mails = {m["To"]: m for m in outbox}
    assert mails[french.email]["Subject"] == expected + "foundations."
    assert "Bonjour" in mails[french.email].get_content()
    assert "Hello" in mails[english.email].get_content()


def test_a_digest_is_in_its_readers_language(app, make_user, outbox):
    reader = make_user("therapist")
    with app.app_context():
        db.session.get(User, reader.id).locale = "fr_CA"
        set_mode(reader.id, "digest")
        for _ in range(2):
            notify(db.session.get(User, reader.id), "x", _l("Hello,"), "notices.index")
        db.session.commit()
    assert outbox == []
    with app.app_context():
        assert send_digests() == 1
        db.session.commit()
    (mail,) = outbox
    assert mail["Subject"] == "Vos 2 avis de la Plateforme de formation sur l'alliance"
    assert "- Bonjour," in mail.get_content()
