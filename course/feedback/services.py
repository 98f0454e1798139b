"""Feedback on practice: asking faculty, the review queue, scoring, telling the therapist.

Services flush, never commit. A therapist sees only their own requests; faculty see the
queue. A second rater (when the drill set asks for one) reviews independently: the
second review form does not show the first one's scores.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import format_number
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from course import clock
from course.auth.models import User
from course.catalog import DrillSet, DrillSetRevision
from course.errors import DomainError
from course.extensions import db
from course.feedback.models import FeedbackRequest, FeedbackReview
from course.notices.services import notify
from course.practice.drills import own_response
from course.practice.models import DrillResponse

FACULTY = ("trainer", "admin")
MAX_COMMENT = 5000


class FeedbackError(DomainError):
    """The feedback action is refused; the message says why."""

    status = 409


def request_feedback(user, slug: str, response_id: int) -> FeedbackRequest:
    """Ask faculty to score one of one's own drill responses (once); flushes."""
    response, _item = own_response(user, slug, response_id)
    if db.session.scalar(
        select(FeedbackRequest.id).where(FeedbackRequest.response_id == response.id)
    ):
        raise FeedbackError(_("You already asked for feedback on this response."))
    revision = db.session.get(DrillSetRevision, response.revision_id)
    request = FeedbackRequest(
        response_id=response.id,
        user_id=user.id,
        raters_needed=2 if revision.second_rater else 1,
        requested_at=clock.now_utc(),
    )
    db.session.add(request)
    db.session.flush()
    return request


@dataclass(frozen=True)
class Status:
    """A therapist's request and the reviews that came back (none until complete)."""

    request: FeedbackRequest | None
    reviews: tuple[FeedbackReview, ...]


def status_of(user_id: int, response_id: int) -> Status:
    """The request on a response of this therapist, and its reviews once complete."""
    request = db.session.scalar(
        select(FeedbackRequest).where(
            FeedbackRequest.response_id == response_id, FeedbackRequest.user_id == user_id
        )
    )
    if request is None or request.completed_at is None:
        return Status(request, ())
    reviews = db.session.scalars(
        select(FeedbackReview)
        .where(FeedbackReview.request_id == request.id)
        .order_by(FeedbackReview.rater_number)
    ).all()
    return Status(request, tuple(reviews))


@dataclass(frozen=True)
class Waiting:
    """A request in the review queue."""

    request: FeedbackRequest
    drill_set: str
    item_id: str
    reviews: int


def _faculty(user) -> None:
    if getattr(user, "role", None) not in FACULTY:
        raise FeedbackError(_("Only faculty review practice responses."), 403)


def queue(user) -> list[Waiting]:
    """Requests still needing a review this rater has not given, oldest first."""
    _faculty(user)
    counts = (
        select(FeedbackReview.request_id, func.count(FeedbackReview.id).label("n"))
        .group_by(FeedbackReview.request_id)
        .subquery()
    )
    mine = select(FeedbackReview.request_id).where(FeedbackReview.rater_id == user.id)
    rows = db.session.execute(
        select(FeedbackRequest, DrillSet.slug, DrillResponse.item_id, counts.c.n)
        .join(DrillResponse, DrillResponse.id == FeedbackRequest.response_id)
        .join(DrillSet, DrillSet.id == DrillResponse.drill_set_id)
        .outerjoin(counts, counts.c.request_id == FeedbackRequest.id)
        .where(FeedbackRequest.completed_at.is_(None), FeedbackRequest.id.not_in(mine))
        .order_by(FeedbackRequest.requested_at, FeedbackRequest.id)
    ).all()
    return [Waiting(request, slug, item, n or 0) for request, slug, item, n in rows]


@dataclass(frozen=True)
class ToReview:
    """What a rater reads: the statement, the response, the models and the criteria."""

    request: FeedbackRequest
    response: DrillResponse
    item: dict[str, Any]
    drill_title: str


def to_review(user, request_id: int) -> ToReview:
    """A request this rater may review now."""
    _faculty(user)
    request = db.session.get(FeedbackRequest, request_id)
    if request is None:
        raise FeedbackError(_("There is no such feedback request."), 404)
    if request.completed_at is not None:
        raise FeedbackError(_("This request has all its reviews."))
    if db.session.scalar(
        select(FeedbackReview.id).where(
            FeedbackReview.request_id == request.id, FeedbackReview.rater_id == user.id
        )
    ):
        raise FeedbackError(_("You have already reviewed this response."))
    response = db.session.get(DrillResponse, request.response_id)
    if response.user_id == user.id:
        raise FeedbackError(_("You cannot review your own response."), 403)
    revision = db.session.get(DrillSetRevision, response.revision_id)
    return ToReview(request, response, revision.item(response.item_id) or {}, revision.title)


def submit_review(user, request_id: int, scores: dict[str, str], comment: str) -> FeedbackReview:
    """Score each criterion 1-5 and comment; the last review needed completes the request
    and the therapist is told once; flushes."""
    review = to_review(user, request_id)
    values: dict[str, int] = {}
    for criterion in review.item.get("criteria", ()):
        raw = (scores.get(criterion["id"]) or "").strip()
        if raw not in ("1", "2", "3", "4", "5"):
            raise FeedbackError(
                _("Score from 1 to 5: %(criterion)s.", criterion=criterion["text"]), 422
            )
        values[criterion["id"]] = int(raw)
    comment = (comment or "").replace("\r\n", "\n").strip()
    if "\x00" in comment or not comment or len(comment) > MAX_COMMENT:
        raise FeedbackError(
            _(
                "Write a comment for the therapist (at most %(limit)s characters).",
                limit=format_number(MAX_COMMENT),
            ),
            422,
        )
    done = db.session.scalar(
        select(func.count(FeedbackReview.id)).where(FeedbackReview.request_id == request_id)
    )
    row = FeedbackReview(
        request_id=request_id,
        rater_id=user.id,
        rater_number=done + 1,
        scores=values,
        comment=comment,
        created_at=clock.now_utc(),
    )
    db.session.add(row)
    db.session.flush()
    if done + 1 >= review.request.raters_needed:
        _complete(review)
    return row


def _complete(review: ToReview) -> None:
    now = clock.now_utc()
    claimed = db.session.execute(
        update(FeedbackRequest)
        .where(FeedbackRequest.id == review.request.id, FeedbackRequest.told_at.is_(None))
        .values(completed_at=now, told_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed:
        slug = db.session.scalar(
            select(DrillSet.slug).where(DrillSet.id == review.response.drill_set_id)
        )
        notify(
            db.session.get(User, review.response.user_id),
            "feedback.ready",
            _l(
                "Faculty feedback on your response in “%(title)s” is ready.",
                title=review.drill_title,
            ),
            "practice.feedback",
            slug=slug,
            response_id=review.response.id,
        )
