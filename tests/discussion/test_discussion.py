"""The discussion with faculty: who takes part, posting, the privacy guard, answers, moderation."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from course import clock
from course.audit.models import AuditEntry
from course.discussion.models import Post
from course.extensions import db
from course.notices.models import Notice

from .conftest import DISCUSSION, post_ids


def _ask(post_to, client, title="How do I name a withdrawal?", body="When it is subtle."):
    return post_to(client, DISCUSSION, kind="question", title=title, body=body)


def _posts(app) -> list[Post]:
    with app.app_context():
        rows = db.session.scalars(sa.select(Post).order_by(Post.id)).all()
        db.session.expunge_all()
    return rows


def test_a_self_paced_therapist_asks_and_sees_their_question(app, client, learner, post_to):
    response = _ask(post_to, client)
    assert response.status_code == 302
    page = client.get(DISCUSSION).get_data(as_text=True)
    assert "How do I name a withdrawal?" in page and "Waiting for an answer" in page
    (post,) = _posts(app)
    assert (post.kind, post.author_id, post.body_html) == (
        "question",
        learner.id,
        "<p>When it is subtle.</p>",
    )


@pytest.mark.parametrize("arm", ["workshop", "control"])
def test_workshop_and_control_arms_get_a_403_and_store_nothing(
    app, client, make_user, login, course, post_to, arm
):
    login(make_user("therapist", arm=arm))
    assert client.get(DISCUSSION).status_code == 403
    assert _ask(post_to, client).status_code == 403
    assert _posts(app) == []


def test_a_locked_module_or_an_unknown_subject_is_refused(app, client, learner, post_to):
    locked = client.get("/discussion/module/next")  # needs "intro" first
    assert locked.status_code == 403
    assert "opens with the module" in locked.get_data(as_text=True)
    assert client.get("/discussion/module/nonesuch").status_code == 404
    assert client.get("/discussion/elsewhere/intro").status_code == 404
    assert (
        post_to(client, "/discussion/module/next", kind="question", title="T", body="B").status_code
        == 403
    )
    assert _posts(app) == []


def test_a_phone_number_is_found_and_nothing_is_stored_until_confirmed(
    app, client, learner, post_to
):
    body = "She asked me to call her at (613) 555-0199 before the group."
    warned = _ask(post_to, client, body=body)
    assert warned.status_code == 422
    page = warned.get_data(as_text=True)
    assert "Could this identify a client?" in page and "(613) 555-0199" in page
    assert body in page  # the text typed is kept for editing
    assert _posts(app) == []
    confirmed = post_to(
        client, DISCUSSION, kind="question", title="Calling", body=body, confirm="yes"
    )
    assert confirmed.status_code == 302 and len(_posts(app)) == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "", "body": "text"}, "Write the title first."),
        ({"title": "T", "body": "   "}, "Write the post first."),
        ({"title": "T", "body": "x" * 10_001}, "Keep the post under 10,000 characters."),
    ],
)
def test_empty_or_oversized_posts_are_refused(app, client, learner, post_to, fields, message):
    response = post_to(client, DISCUSSION, kind="question", **fields)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert _posts(app) == []


def test_a_reply_to_a_post_of_another_discussion_is_refused(
    app, client, learner, post_to, complete_modules
):
    _ask(post_to, client)
    question = _posts(app)[0]
    complete_modules(learner, "intro")
    forged = post_to(
        client, "/discussion/module/next", kind="reply", parent=str(question.id), body="Hi there"
    )
    assert forged.status_code == 404
    assert len(_posts(app)) == 1


def test_faculty_answer_and_the_asker_is_told_once(
    app, client, learner, trainer_client, post_to, outbox
):
    _ask(post_to, client)
    question = _posts(app)[0]
    post_to(
        trainer_client,
        DISCUSSION,
        kind="reply",
        parent=str(question.id),
        body="Name it tentatively.",
    )
    reply = _posts(app)[1]
    not_faculty = post_to(client, f"/discussion/posts/{question.id}/answer", reply=str(reply.id))
    assert not_faculty.status_code == 403
    outbox.clear()
    marked = post_to(trainer_client, f"/discussion/posts/{question.id}/answer", reply=str(reply.id))
    assert marked.status_code == 302
    assert [m["To"] for m in outbox] == [learner.email]
    assert "Faculty answered your question" in outbox[0]["Subject"]
    post_to(trainer_client, f"/discussion/posts/{question.id}/answer", reply=str(reply.id))
    assert len(outbox) == 1  # told once
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Notice.id))) == 1
    page = client.get(DISCUSSION).get_data(as_text=True)
    assert "The answer" in page and "Tara Trainer (faculty)" in page
    notices = client.get("/notices/").get_data(as_text=True)
    assert "Faculty answered your question “How do I name a withdrawal?”." in notices


def test_a_digest_reader_gets_one_e_mail_from_the_daily_job(
    app, client, learner, trainer_client, post_to, outbox, runner
):
    post_to(client, "/notices/", mode="digest")
    _ask(post_to, client)
    question = _posts(app)[0]
    post_to(trainer_client, DISCUSSION, kind="reply", parent=str(question.id), body="Try this.")
    outbox.clear()
    post_to(trainer_client, f"/discussion/posts/{question.id}/answer", reply=str(_posts(app)[1].id))
    assert outbox == []
    result = runner.invoke(args=["notices", "digest"])
    assert "1 queued" in result.output
    assert [m["To"] for m in outbox] == [learner.email]
    assert "Faculty answered your question" in outbox[0].get_content()


def test_edit_within_the_window_then_only_withdraw(app, client, learner, post_to):
    _ask(post_to, client)
    post = _posts(app)[0]
    edited = post_to(
        client, f"/discussion/posts/{post.id}/edit", title="Renamed", body="Clearer now."
    )
    assert edited.status_code == 302
    assert _posts(app)[0].title == "Renamed"
    with clock.frozen(clock.now_utc() + timedelta(minutes=31)):
        late = post_to(client, f"/discussion/posts/{post.id}/edit", title="Again", body="No.")
        assert late.status_code == 409
        assert post_to(client, f"/discussion/posts/{post.id}/withdraw").status_code == 302
    gone = _posts(app)[0]
    assert gone.withdrawn_at and (gone.title, gone.body) == (None, "")
    page = client.get(DISCUSSION).get_data(as_text=True)
    assert "Withdrawn by its author." in page and "Clearer now." not in page


def test_someone_elses_post_cannot_be_edited_or_withdrawn(
    app, client, learner, trainer_client, post_to
):
    _ask(post_to, client)
    post = _posts(app)[0]
    assert post_to(trainer_client, f"/discussion/posts/{post.id}/withdraw").status_code == 404
    assert _posts(app)[0].withdrawn_at is None


def test_faculty_hide_a_post_with_a_reason_the_author_sees(
    app, client, learner, trainer_client, make_user, login, post_to
):
    _ask(post_to, client, body="A post to hide.")
    post = _posts(app)[0]
    assert post_to(client, f"/discussion/posts/{post.id}/hide", reason="x").status_code == 403
    hidden = post_to(
        trainer_client, f"/discussion/posts/{post.id}/hide", reason="It named a client."
    )
    assert hidden.status_code == 302
    mine = client.get(DISCUSSION).get_data(as_text=True)
    assert "Hidden by faculty: It named a client." in mine and "A post to hide." not in mine
    other = app.test_client()
    login(make_user("therapist", arm="open"), on=other)
    theirs = other.get(DISCUSSION).get_data(as_text=True)
    assert "Hidden by faculty." in theirs and "It named a client." not in theirs
    with app.app_context():
        entry = db.session.scalar(
            sa.select(AuditEntry).where(AuditEntry.action == "discussion.post_hidden")
        )
        assert entry.details == {"reason": "It named a client."}


def test_post_before_you_see_the_others(
    app, client, learner, trainer_client, make_user, login, post_to
):
    post_to(trainer_client, "/discussion/module/intro/settings", post_first="on")
    post_to(
        trainer_client,
        DISCUSSION,
        kind="discussion",
        title="Faculty prompt",
        body="What would you say?",
    )
    other = app.test_client()
    login(make_user("therapist", arm="self_paced"), on=other)
    post_to(other, DISCUSSION, kind="discussion", title="Theirs", body="Their answer.")
    before = client.get(DISCUSSION).get_data(as_text=True)
    assert "Their answer." not in before and "once you have posted your own" in before
    post_to(client, DISCUSSION, kind="discussion", title="Mine", body="My answer.")
    after = client.get(DISCUSSION).get_data(as_text=True)
    assert "Their answer." in after and "My answer." in after


def test_the_queue_lists_unanswered_questions_oldest_first_and_flags_old_ones(
    app, client, learner, trainer_client, post_to
):
    monday = clock.now_utc().replace(hour=12)
    monday -= timedelta(days=monday.weekday())  # this week's Monday, at noon
    with clock.frozen(monday):
        _ask(post_to, client, title="First question")
    with clock.frozen(monday + timedelta(days=1)):
        _ask(post_to, client, title="Second question")
    with clock.frozen(monday + timedelta(days=3)):  # Thursday
        page = trainer_client.get("/discussion/queue").get_data(as_text=True)
    assert page.index("First question") < page.index("Second question")
    assert "3 working days" in page and "2 working days" in page
    assert page.count("Overdue") == 2
    assert client.get("/discussion/queue").status_code == 403


def test_markup_in_posts_is_inert(app, client, learner, post_to):
    body = "<img src=x onerror=alert(1)> [x](javascript:alert(1))"
    title = "<script>alert(1)</script>"
    post_to(client, DISCUSSION, kind="question", title=title, body=body, confirm="yes")
    page = client.get(DISCUSSION).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "onerror" not in page
    assert "javascript:" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert post_ids(page)
