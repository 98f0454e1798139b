"""feedback_reviews.csv: one row per faculty review of a participant's drill response.

Raters are faculty: they appear as codes (``F1``, ``F2``...) numbered in the order each
first reviewed anything on the platform, so a code means the same person in every export
and is never a name. The scores sit beside the therapist's own self-ratings, in the same
``criterion=score`` form as drill_responses.csv. The rater's comment is free text: it
leaves the database only when a researcher asks for free text.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

from sqlalchemy import func, null, select

from course.extensions import db
from course.feedback.models import FeedbackRequest, FeedbackReview
from course.practice.models import DrillResponse
from course.research.export.context import ExportContext, iso, number, stream, write_csv
from course.research.export.practice import mean, ordered_ratings, practice_content
from course.research.export.tables import REGISTRY

REVIEWS = REGISTRY.header("feedback_reviews.csv")


def rater_codes() -> dict[int, str]:
    """Faculty user id -> ``F<n>``, numbered by each rater's first review ever (stable)."""
    first = func.min(FeedbackReview.id)
    rows = db.session.execute(
        select(FeedbackReview.rater_id, first).group_by(FeedbackReview.rater_id).order_by(first)
    )
    return {rater_id: f"F{n}" for n, (rater_id, _) in enumerate(rows, start=1)}


def review_query(ctx: ExportContext, *, text: bool = False):
    """Reviews of the participants' responses, response by response; comments if asked."""
    f = ctx.filters
    query = (
        select(
            FeedbackRequest.user_id,
            FeedbackRequest.requested_at,
            DrillResponse.id.label("response_id"),
            DrillResponse.drill_set_id,
            DrillResponse.revision_id,
            DrillResponse.item_id,
            DrillResponse.level,
            DrillResponse.ratings,
            FeedbackReview.rater_id,
            FeedbackReview.rater_number,
            FeedbackReview.scores,
            FeedbackReview.created_at,
            (FeedbackReview.comment if text else null()).label("comment"),
        )
        .join(FeedbackRequest, FeedbackRequest.id == FeedbackReview.request_id)
        .join(DrillResponse, DrillResponse.id == FeedbackRequest.response_id)
        .where(*ctx.only_people(FeedbackRequest.user_id), *f.in_range(FeedbackReview.created_at))
        .order_by(DrillResponse.id, FeedbackReview.rater_number)
    )
    if f.since is not None:
        query = query.where(FeedbackReview.created_at >= f.since)  # a review never changes
    return query


def _pairs(ratings) -> str:
    return ";".join(f"{c}={score}" for c, score in ratings)


def feedback_reviews(ctx: ExportContext, out: TextIO) -> int:
    """One row per review: the rater's code and scores beside the therapist's self-ratings."""
    content = practice_content(ctx)
    codes = rater_codes()
    query = review_query(ctx, text=ctx.filters.include_free_text)

    def rows():
        for row in stream(query):
            person = ctx.people.get(row.user_id)
            if person is None:
                continue
            item = content.items.get((row.revision_id, row.item_id))
            criteria = item.criteria if item else ()
            scores = ordered_ratings(row.scores, criteria)
            own = ordered_ratings(row.ratings, criteria)
            yield (
                person.study_id, person.arm, content.drill_sets.get(row.drill_set_id, ("", ""))[0],
                row.item_id, row.level, row.response_id, row.rater_number,
                codes.get(row.rater_id, ""), _pairs(scores), number(mean(s for _, s in scores), 2),
                _pairs(own), number(mean(s for _, s in own), 2), iso(row.requested_at),
                iso(row.created_at), row.comment or "",
            )  # fmt: skip

    return write_csv(out, REVIEWS, rows())


# --- the REDCap summary ---------------------------------------------------------------


@dataclass
class FeedbackTotals:
    """One participant's requests, the reviews they received and every score in them."""

    requests: int = 0
    reviews: int = 0
    scores: list[int] = field(default_factory=list)

    @property
    def mean_score(self) -> float | None:
        """The mean of every criterion score of every review received; None without any."""
        return statistics.fmean(self.scores) if self.scores else None


def feedback_summary(scope: Callable) -> dict[int, FeedbackTotals]:
    """user -> feedback requests made, reviews received and the scores given."""
    out: dict[int, FeedbackTotals] = defaultdict(FeedbackTotals)
    for user_id, n in db.session.execute(
        select(FeedbackRequest.user_id, func.count(FeedbackRequest.id))
        .where(*scope(FeedbackRequest.user_id))
        .group_by(FeedbackRequest.user_id)
    ):
        out[user_id].requests = n
    for user_id, scores in stream(
        select(FeedbackRequest.user_id, FeedbackReview.scores)
        .join(FeedbackRequest, FeedbackRequest.id == FeedbackReview.request_id)
        .where(*scope(FeedbackRequest.user_id))
    ):
        totals = out[user_id]
        totals.reviews += 1
        totals.scores.extend((scores or {}).values())
    return dict(out)
