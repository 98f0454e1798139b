"""Faculty contact seeded with the models: discussion posts, feedback requests and reviews."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from course import clock
from course.discussion.models import Discussion, Post
from course.extensions import db
from course.feedback.models import FeedbackRequest, FeedbackReview
from course.practice.models import DrillResponse

#: A comment that names the therapist: free text, so exported only when asked for.
COMMENT = "Good noticing, Alice; invite more."
#: A post that names a client: faculty hid it, so its text never leaves.
CLIENT = "My client Zed Zebra went quiet."


@dataclass
class Seeded:
    """Who took part and when it began."""

    people: dict
    start: datetime
    posts: dict


@pytest.fixture
def post(app):
    """``post(author, subject, slug, kind, at, parent=None, **fields)``: a stored post's id."""

    def write(author, subject, slug, kind, at, parent=None, title="A title", **fields):
        with app.app_context():
            discussion = db.session.scalar(
                db.select(Discussion).where(Discussion.subject == subject, Discussion.slug == slug)
            )
            if discussion is None:
                discussion = Discussion(subject=subject, slug=slug, created_at=at)
                db.session.add(discussion)
                db.session.flush()
            body = fields.pop("body", f"Some words from {kind} at {at:%H:%M}.")
            row = Post(
                discussion_id=discussion.id, parent_id=parent, author_id=author.id, kind=kind,
                title=None if kind == "reply" else title, body=body, body_html=f"<p>{body}</p>",
                created_at=at, **fields,
            )  # fmt: skip
            db.session.add(row)
            db.session.commit()
            return row.id

    return write


@pytest.fixture
def answer(app):
    """``answer(question_id, reply_id, at, by)``: faculty mark the reply as the answer."""

    def mark(question_id, reply_id, at, by):
        with app.app_context():
            question = db.session.get(Post, question_id)
            question.answer_id, question.answered_at, question.answered_by_id = reply_id, at, by.id
            db.session.commit()

    return mark


@pytest.fixture
def review(app):
    """``review(response_id, raters=[(rater, scores, comment)], at)``: a request and reviews."""

    def score(response_id, raters, at, needed=2):
        with app.app_context():
            response = db.session.get(DrillResponse, response_id)
            request = FeedbackRequest(
                response_id=response_id, user_id=response.user_id, raters_needed=needed,
                requested_at=at,
            )  # fmt: skip
            db.session.add(request)
            db.session.flush()
            for number, (rater, scores, comment) in enumerate(raters, start=1):
                db.session.add(
                    FeedbackReview(
                        request_id=request.id, rater_id=rater.id, rater_number=number,
                        scores=scores, comment=comment,
                        created_at=at + timedelta(hours=number),
                    )
                )  # fmt: skip
                db.session.flush()  # ids in rater order: F1 is the first to review
            if len(raters) >= needed:
                request.completed_at = at + timedelta(hours=len(raters))
            db.session.commit()
            return request.id

    return score


@pytest.fixture
def faculty_activity(make_user, practice_course, post, answer, respond, review, withdraw):
    """Two participants who asked, posted and replied, one who withdrew, one outside the
    trial, and two trainers who replied, answered, hid a post and reviewed responses."""
    people = {
        "alice": make_user("therapist", arm="self_paced", name="Alice Ashdown",
                           email="alice@example.org"),
        "bob": make_user("therapist", arm="self_paced", name="Bob Birchwood",
                         email="bob@example.org"),
        "gone": make_user("therapist", arm="self_paced", name="Wendy Withdrawn",
                          email="wendy@example.org"),
        "open": make_user("therapist", arm="open", name="Olive Open", email="olive@example.org"),
        "idle": make_user("therapist", arm="workshop", name="Ivan Idle"),
        "tara": make_user("trainer", name="Tara Trainer", email="tara@example.org"),
        "sam": make_user("trainer", name="Sam Second", email="sam@example.org"),
    }  # fmt: skip
    alice, bob, tara, sam = people["alice"], people["bob"], people["tara"], people["sam"]
    t0 = clock.now_utc().replace(microsecond=0) - timedelta(days=10)
    hour = timedelta(hours=1)
    ids = {}
    # Alice: three questions (two answered, after 3 and 5 hours; one withdrawn), a
    # discussion post faculty hid, and a reply to a question from outside the research.
    ids["q1"] = post(alice, "module", "intro", "question", t0, body="How do I name it?")
    ids["r1"] = post(tara, "module", "intro", "reply", t0 + 2 * hour, ids["q1"], body="Say so.")
    ids["r1b"] = post(sam, "module", "intro", "reply", t0 + 150 * timedelta(minutes=1),
                      ids["q1"], body="Or ask.")  # fmt: skip
    answer(ids["q1"], ids["r1"], t0 + 3 * hour, tara)
    ids["q2"] = post(alice, "scenario", "small", "question", t0 + 24 * hour)
    ids["r2"] = post(tara, "scenario", "small", "reply", t0 + 28 * hour, ids["q2"])
    answer(ids["q2"], ids["r2"], t0 + 29 * hour, tara)
    ids["q3"] = post(alice, "module", "intro", "question", t0 + 48 * hour, title=None, body="",
                     withdrawn_at=t0 + 49 * hour)  # fmt: skip
    hidden = {"hidden_at": t0 + 73 * hour, "hidden_by_id": tara.id, "hidden_reason": "A name"}
    ids["d1"] = post(alice, "scenario", "small", "discussion", t0 + 72 * hour,
                     title="About my client", body=CLIENT, **hidden)  # fmt: skip
    ids["o1"] = post(people["open"], "module", "intro", "question", t0 + 90 * hour)
    ids["ro"] = post(tara, "module", "intro", "reply", t0 + 91 * hour, ids["o1"])
    ids["ra"] = post(alice, "module", "intro", "reply", t0 + 96 * hour, ids["o1"],
                     body="Same here.")  # fmt: skip
    # Bob: one discussion post. Faculty's own post and the withdrawn therapist's stay out.
    ids["d2"] = post(bob, "module", "intro", "discussion", t0 + 100 * hour, body="Helpful.")
    ids["fd"] = post(tara, "module", "intro", "discussion", t0 + 101 * hour)
    ids["w1"] = post(people["gone"], "module", "intro", "question", t0 + 102 * hour)
    ids["rw"] = post(tara, "module", "intro", "reply", t0 + 103 * hour, ids["w1"])
    # Feedback: Alice's response reviewed twice (Tara first, so F1), Bob's once by Sam.
    ratings = {"observe": 5, "invite": 4}
    mine = respond(alice, "withdrawal", "fine-b1", "I notice you went quiet, Zed.", ratings,
                   at=t0 + 110 * hour)  # fmt: skip
    review(mine, [(tara, {"observe": 4, "invite": 2}, COMMENT),
                  (sam, {"invite": 3, "observe": 4}, "Warm.")], t0 + 111 * hour)  # fmt: skip
    his = respond(bob, "withdrawal", "storm-i1", "I hear that you are annoyed with me.",
                  {"observe": 3, "own": 2}, at=t0 + 112 * hour)  # fmt: skip
    review(his, [(sam, {"observe": 2, "own": 4}, "Own it more.")], t0 + 113 * hour)
    theirs = respond(people["gone"], "withdrawal", "fine-b2", "Withdrawn words here.", ratings,
                     at=t0 + 114 * hour)  # fmt: skip
    review(theirs, [(tara, {"observe": 1, "invite": 1}, "Wendy, try again.")], t0 + 115 * hour)
    withdraw(people["gone"])
    ids.update(mine=mine, his=his)
    return Seeded(people, t0, ids)
