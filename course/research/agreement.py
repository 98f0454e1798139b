"""Inter-rater agreement per drill criterion: the intraclass correlation ICC(2,1).

Shrout and Fleiss's ICC(2,1): two-way random effects, absolute agreement, a single
rater, over the responses that two faculty raters scored (rating_pairs.py). The raters
are the first and the second review of each response; who they are varies between
responses. pingouin computes it (``intraclass_corr``, row "ICC(A,1)" in its notation),
with its 95% confidence interval.

pingouin, pandas and numpy take about 1.5 s to import, so nothing imports this module
but agreement_views.py, which the research blueprint loads on the first request for
the page (course/web/lazy.py): starting a worker or a ``flask`` command never pays it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pingouin

from course.research.filters import Filters
from course.research.rating_pairs import double_rated_criteria, rating_pairs

#: pingouin's two-way ANOVA needs five ratings or more: three responses rated twice.
MIN_PAIRS = 3
#: pingouin's name (after Liljequist et al. 2019) for Shrout and Fleiss's ICC(2,1).
ICC_2_1 = "ICC(A,1)"


@dataclass(frozen=True)
class Estimate:
    """An ICC and its 95% confidence interval; None where it is undefined."""

    icc: float | None
    low: float | None
    high: float | None


@dataclass(frozen=True)
class CriterionAgreement:
    """One criterion: how many double-rated responses, and the ICC once there are enough."""

    criterion: str
    pairs: int
    estimate: Estimate | None  # None below MIN_PAIRS


def _finite(value) -> float | None:
    number = float(value)
    return number if math.isfinite(number) else None


def icc(ratings: Sequence[Sequence[float]]) -> Estimate:
    """ICC(2,1) of targets (rows) each scored by the same raters (columns), with its 95% CI.

    Undefined values (all scores equal, or no disagreement to estimate the interval
    from) come back as None rather than NaN.
    """
    long = pd.DataFrame(
        [(target, rater, score) for target, row in enumerate(ratings)
         for rater, score in enumerate(row)],
        columns=["target", "rater", "score"],
    )  # fmt: skip
    with np.errstate(all="ignore"):  # degenerate data gives NaN or inf, not a warning
        table = pingouin.intraclass_corr(
            data=long, targets="target", raters="rater", ratings="score"
        )
    row = table.set_index("Type").loc[ICC_2_1]
    low, high = row["CI95"]
    return Estimate(_finite(row["ICC"]), _finite(low), _finite(high))


def agreement(filters: Filters) -> list[CriterionAgreement]:
    """Every criterion of the double-rated drill sets, and any other with pairs, by id."""
    pairs = rating_pairs(filters)
    criteria = sorted(set(double_rated_criteria()) | set(pairs))
    return [
        CriterionAgreement(
            criterion,
            len(pairs.get(criterion, ())),
            icc(pairs[criterion]) if len(pairs.get(criterion, ())) >= MIN_PAIRS else None,
        )
        for criterion in criteria
    ]
