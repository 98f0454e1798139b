"""Faculty feedback on practice responses: asking, the queue, scoring, telling, second raters."""

from __future__ import annotations

import shutil
from html import unescape

import pytest
import sqlalchemy as sa

from course.extensions import db
from course.feedback.models import FeedbackRequest, FeedbackReview

SET = "/practice/drills/withdrawal"


@pytest.fixture
def drill_course(tmp_path, fixture_root, import_course):
    """The test course with the withdrawal drill set (a second rater is asked for)."""
    root = tmp_path / "course"
    shutil.copytree(fixture_root, root)
    shutil.copytree(fixture_root.parent / "practice" / "drills", root / "drills")
    drills = root / "drills" / "withdrawal.yaml"
    drills.write_text(
        drills.read_text().replace(
            "min_response_chars: 20", "min_response_chars: 20\nsecond_rater: true"
        )
    )
    import_course(root)


@pytest.fixture
def therapist(client, make_user, login, drill_course):
    user = make_user("therapist", arm="self_paced", name="Pat Practice")
    login(user)
    return user


@pytest.fixture
def form(csrf):
    def post(browser, path, **fields):
        return browser.post(path, data={**fields, "csrf_token": csrf(browser)})

    return post


def _respond(client, form) -> int:
    response = form(client, SET, item="fine-b1", response="I notice you answered quickly just now.")
    return int(response.headers["Location"].rsplit("/", 1)[1])


def _faculty(app, make_user, login, name):
    browser = app.test_client()
    login(make_user("trainer", name=name), on=browser)
    return browser


def _score(form, browser, request_id, **extra):
    fields = {
        "score-observe": "4",
        "score-invite": "2",
        "comment": "Good noticing; invite more.",
        **extra,
    }
    return form(browser, f"/feedback/reviews/{request_id}", **fields)


def test_ask_review_twice_and_the_therapist_sees_both_raters_beside_their_own(
    app, client, form, therapist, make_user, login, outbox
):
    response_id = _respond(client, form)
    form(
        client,
        f"{SET}/responses/{response_id}",
        **{"rate-observe": "5", "rate-invite": "4", "difficulty": "about_right"},
    )
    assert form(client, f"/feedback/ask/withdrawal/{response_id}").status_code == 302
    assert form(client, f"/feedback/ask/withdrawal/{response_id}").status_code == 409  # once
    with app.app_context():
        request = db.session.scalar(sa.select(FeedbackRequest))
        assert request.raters_needed == 2
    first = _faculty(app, make_user, login, "Fay First")
    queue = first.get("/feedback/queue").get_data(as_text=True)
    assert "withdrawal: item fine-b1" in queue and "second rater wanted (0 of 2 reviews)" in queue
    page = first.get(f"/feedback/reviews/{request.id}").get_data(as_text=True)
    assert (
        "I notice you answered quickly just now." in page and "What was it like to answer?" in page
    )
    outbox.clear()
    assert _score(form, first, request.id).status_code == 302
    assert outbox == []  # one of two reviews: not ready yet
    assert "Nothing waits for your review." in first.get("/feedback/queue").get_data(as_text=True)
    assert form(first, f"/feedback/reviews/{request.id}").status_code == 409  # reviewed already
    second = _faculty(app, make_user, login, "Sam Second")
    assert _score(form, second, request.id, **{"score-invite": "3"}).status_code == 302
    assert [m["To"] for m in outbox] == [therapist.email]
    mine = client.get(f"{SET}/responses/{response_id}").get_data(as_text=True)
    assert "Faculty 1" in mine and "Faculty 2" in mine and "Good noticing; invite more." in mine
    with app.app_context():
        scores = db.session.scalars(
            sa.select(FeedbackReview.scores).order_by(FeedbackReview.rater_number)
        ).all()
    assert scores == [{"observe": 4, "invite": 2}, {"observe": 4, "invite": 3}]


def test_a_review_needs_every_score_and_a_comment(app, client, form, therapist, make_user, login):
    response_id = _respond(client, form)
    form(client, f"/feedback/ask/withdrawal/{response_id}")
    rater = _faculty(app, make_user, login, "Fay First")
    with app.app_context():
        request_id = db.session.scalar(sa.select(FeedbackRequest.id))
    missing = form(
        rater, f"/feedback/reviews/{request_id}", **{"score-observe": "4", "comment": "ok"}
    )
    assert (
        missing.status_code == 422
        and "Score from 1 to 5: Invites the client" in missing.get_data(as_text=True)
    )
    silent = _score(form, rater, request_id, comment="  ")
    assert silent.status_code == 422
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(FeedbackReview.id))) == 0


def test_no_one_else_reads_or_asks_about_a_therapists_response(
    app, client, form, therapist, make_user, login, complete_modules, csrf
):
    response_id = _respond(client, form)
    other = app.test_client()
    login(make_user("therapist", arm="self_paced"), on=other)
    assert form(other, f"/feedback/ask/withdrawal/{response_id}").status_code == 404
    assert other.get(f"{SET}/responses/{response_id}").status_code == 404
    assert client.get("/feedback/queue").status_code == 403
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(FeedbackRequest.id))) == 0


FR = {"Accept-Language": "fr-CA"}


def test_asking_and_reviewing_in_french(app, client, form, therapist, make_user, login, csrf):
    response_id = _respond(client, form)
    mine = unescape(client.get(f"{SET}/responses/{response_id}", headers=FR).get_data(as_text=True))
    assert '<html lang="fr-CA">' in mine
    assert "Demander une rétroaction à l'équipe de formation" in mine
    asked = client.post(
        f"/feedback/ask/withdrawal/{response_id}",
        data={"csrf_token": csrf(client)},
        headers=FR,
        follow_redirects=True,
    )
    assert "Vous recevrez un avis quand la rétroaction sera prête." in unescape(
        asked.get_data(as_text=True)
    )
    rater = _faculty(app, make_user, login, "Fay First")
    queue = unescape(rater.get("/feedback/queue", headers=FR).get_data(as_text=True))
    assert "Réponses d'exercice à réviser" in queue and "withdrawal\u00a0: élément fine-b1" in queue
    with app.app_context():
        request_id = db.session.scalar(sa.select(FeedbackRequest.id))
    refused = rater.post(
        f"/feedback/reviews/{request_id}",
        data={"csrf_token": csrf(rater), "score-observe": "4", "comment": "ok"},
        headers=FR,
    )
    assert refused.status_code == 422
    page = unescape(refused.get_data(as_text=True))
    assert "Notez de 1 à 5\u00a0: Invites the client" in page
    assert "Réviser une réponse d'exercice" in page and "Enregistrer la révision" in page
