"""Double-rated drill responses: per criterion, the two faculty raters' pairs of scores.

A response is double-rated when its feedback request has a first and a second review
(drill sets that ask for a second rater). Only the included participants' responses
count, as everywhere in the research data. No statistics library is needed here: the
rater agreement page (agreement.py) turns these pairs into intraclass correlations.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import and_, select
from sqlalchemy.orm import aliased

from course.catalog import published_practice
from course.extensions import db
from course.feedback.models import FeedbackRequest, FeedbackReview
from course.research.filters import Filters
from course.research.participants import participants

#: (first rater's score, second rater's score) on one criterion of one response.
Pair = tuple[int, int]


def rating_pairs(filters: Filters) -> dict[str, list[Pair]]:
    """Criterion id -> the score pairs of every response both raters scored on it.

    The arm filter picks the therapists; the date range applies to the second review,
    when the pair became complete. Criteria come sorted by id.
    """
    people = participants(filters.arm)
    first, second = aliased(FeedbackReview, name="first"), aliased(FeedbackReview, name="second")
    rows = db.session.execute(
        select(FeedbackRequest.user_id, first.scores, second.scores)
        .join(first, and_(first.request_id == FeedbackRequest.id, first.rater_number == 1))
        .join(second, and_(second.request_id == FeedbackRequest.id, second.rater_number == 2))
        .where(*filters.in_range(second.created_at))
        .order_by(FeedbackRequest.id)
    )
    out: dict[str, list[Pair]] = defaultdict(list)
    for user_id, one, two in rows:
        if user_id not in people:
            continue
        for criterion in sorted((one or {}).keys() & (two or {}).keys()):
            out[criterion].append((one[criterion], two[criterion]))
    return dict(sorted(out.items()))


def double_rated_criteria() -> list[str]:
    """Criterion ids of the published drill sets that ask for a second rater, sorted."""
    _, drill_sets = published_practice()
    return sorted(
        {
            criterion["id"]
            for _, revision in drill_sets
            if revision.second_rater
            for item in revision.items
            for criterion in item.get("criteria", ())
        }
    )
