"""Every progress event records the language of the page it happened on; switching
language keeps the learner's progress (the same rows, the same module ids)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from course.extensions import db
from course.learning.events import BatchError, parse_batch
from course.learning.models import ModuleProgress, ProgressEvent
from course.web.i18n import CONTENT_LANGUAGES, content_language

FR = {"Accept-Language": "fr-CA,fr;q=0.9"}
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def learner(client, make_user, login, course):
    user = make_user("therapist")
    login(user)
    return user


def _post(client, csrf, revision, events, headers=None, **extra):
    body = {"module": "intro", "revision": revision, "events": events, **extra}
    return client.post(
        "/learning/events", json=body, headers={"X-CSRFToken": csrf(client), **(headers or {})}
    )


def _languages(app) -> list[str]:
    with app.app_context():
        query = db.select(ProgressEvent.language).order_by(ProgressEvent.id)
        return list(db.session.scalars(query))


def test_the_interface_locale_maps_to_one_content_language():
    assert CONTENT_LANGUAGES == ("en", "fr")
    assert [content_language(x) for x in ("fr_CA", "fr-CA", "fr", "en", "en_US", None, "de")] == [
        "fr",
        "fr",
        "fr",
        "en",
        "en",
        "en",
        "en",
    ]


def test_a_batch_states_its_language_and_an_unknown_one_is_refused():
    payload = {
        "module": "intro",
        "revision": 1,
        "events": [{"id": "abcdefgh", "type": "active", "at": NOW.isoformat(), "seconds": 5}],
    }
    videos = lambda module, revision: set()  # noqa: E731
    assert parse_batch({**payload, "language": "fr"}, videos_of=videos, now=NOW).language == "fr"
    assert parse_batch(payload, videos_of=videos, now=NOW, language="fr").language == "fr"
    assert parse_batch(payload, videos_of=videos, now=NOW).language == "en"
    for bad in ("de", "fr-CA", "", 3, None):
        with pytest.raises(BatchError, match="'language' must be one of en, fr"):
            parse_batch({**payload, "language": bad}, videos_of=videos, now=NOW)


def test_the_module_page_states_its_language(client, learner):
    english = client.get("/learning/modules/intro").get_data(as_text=True)
    french = client.get("/learning/modules/intro", headers=FR).get_data(as_text=True)
    # The test course has no French version: a French page shows it, and records it, in
    # English (tests/learning/test_french_content.py has the translated case).
    assert 'data-language="en"' in english and 'data-language="en"' in french
    assert '<html lang="fr-CA"' in french


def test_a_french_batch_is_stored_in_french_and_switching_keeps_the_progress(
    app, client, csrf, learner, ev, revision_of
):
    revision, _ = revision_of("intro")
    french = _post(client, csrf, revision, [ev("active", seconds=10)], FR, language="fr")
    assert french.status_code == 200 and french.json["stored"] == 1
    with app.app_context():
        first = db.session.scalar(db.select(ModuleProgress))
        progress_id, seconds = first.id, first.active_seconds
    # The same learner on the English page: the same module progress goes on.
    english = _post(client, csrf, revision, [ev("active", seconds=10)], language="en")
    assert english.status_code == 200 and english.json["stored"] == 1
    # A batch queued before pages stated their language takes the request's.
    older = _post(client, csrf, revision, [ev("active", seconds=10)], FR)
    assert older.status_code == 200
    assert _languages(app) == ["fr", "en", "fr"]
    with app.app_context():
        rows = db.session.scalars(db.select(ModuleProgress)).all()
        assert [r.id for r in rows] == [progress_id]
        assert rows[0].active_seconds > seconds


def test_an_unknown_language_is_a_clear_400_and_stores_nothing(app, client, csrf, learner, ev,
                                                                revision_of):  # fmt: skip
    revision, _ = revision_of("intro")
    response = _post(client, csrf, revision, [ev("active", seconds=10)], language="de")
    assert response.status_code == 400
    assert "'language' must be one of en, fr, not 'de'" in response.get_data(as_text=True)
    assert _languages(app) == []


def test_the_database_refuses_an_unknown_language(app, learner, revision_of):
    revision, _ = revision_of("intro")
    with app.app_context():
        db.session.add(
            ProgressEvent(
                user_id=learner.id, client_id="abcdefgh", module_revision_id=revision,
                type="active", seconds=1.0, occurred_at=NOW, received_at=NOW, language="de",
            )
        )  # fmt: skip
        with pytest.raises(Exception, match=r"(?i)check"):
            db.session.flush()
        db.session.rollback()
