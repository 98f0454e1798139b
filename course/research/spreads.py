"""A median, quartiles and range the database helps compute: it ranks each group's values
(a window) and returns only the few ranks a spread reads, so the dashboard never loads
every value of a large group."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_


@dataclass(frozen=True)
class Spread:
    """Median and spread of one set of numbers."""

    n: int
    median: float
    q1: float
    q3: float
    low: float
    high: float


def ranked_by(base, *keys: str):
    """The group columns of ``base`` (a subquery with columns ``keys`` and ``v``) and each
    row's 0-based rank by ``v`` within its group: the database sorts and numbers each group
    (a window), so only a handful of rows per group need come back (``picked``)."""
    group = [base.c[k] for k in keys]
    return group, func.row_number().over(partition_by=group, order_by=base.c.v) - 1


def picked(ranked):
    """Only the ranks a spread reads: ends, median and quartile neighbours."""
    m = ranked.c.n - 1
    wanted = (0, m, m // 2, m // 2 + 1, m // 4, m // 4 + 1, (3 * m) // 4, (3 * m) // 4 + 1)
    return or_(*(ranked.c.rn == rank for rank in wanted))


def spread_at(n: int, at) -> Spread | None:
    """Median, quartiles (``statistics.quantiles(n=4, method="inclusive")``) and range of n
    sorted values of which ``at(i)`` gives the i-th (0-based), without holding every value."""
    if not n:
        return None
    if n == 1:
        return Spread(1, at(0), at(0), at(0), at(0), at(0))
    m = n - 1
    quartiles = []
    for i in (1, 3):
        j, delta = divmod(i * m, 4)
        quartiles.append((at(j) * (4 - delta) + at(j + 1) * delta) / 4)
    middle = n // 2
    median = at(middle) if n % 2 else (at(middle - 1) + at(middle)) / 2
    return Spread(n, median, quartiles[0], quartiles[1], at(0), at(m))
