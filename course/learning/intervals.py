"""Union of played intervals: seeking past a part never counts it as watched."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable

Interval = tuple[float, float]

#: Gaps shorter than this (player tick jitter) are closed when merging.
JOIN_GAP = 0.5


def merge(intervals: Iterable[Interval]) -> list[list[float]]:
    """Sort and merge overlapping (or nearly touching) intervals."""
    merged: list[list[float]] = []
    for start, end in sorted((float(a), float(b)) for a, b in intervals if b > a):
        if merged and start <= merged[-1][1] + JOIN_GAP:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged


def covered(intervals: Iterable[Iterable[float]], duration: float | None = None) -> float:
    """Seconds covered by already-merged intervals, clipped to the duration when known."""
    total = 0.0
    for start, end in intervals:
        if duration:
            start, end = min(start, duration), min(end, duration)
        total += max(0.0, end - start)
    return total


def add_interval(merged: list[list[float]], start: float, end: float) -> None:
    """Add one interval to a list ``merge`` made, in place: the list then equals
    ``merge([*merged, (start, end)])``, at the cost of a binary search and the few
    neighbours it joins, not a sort of the whole list (a long log adds one at a time)."""
    start, end = float(start), float(end)
    if not end > start:
        return
    at = bisect_left(merged, [start, end])
    if at > 0 and start <= merged[at - 1][1] + JOIN_GAP:
        at -= 1
        merged[at][1] = max(merged[at][1], end)
    else:
        merged.insert(at, [start, end])
    current = merged[at]
    while at + 1 < len(merged) and merged[at + 1][0] <= current[1] + JOIN_GAP:
        current[1] = max(current[1], merged[at + 1][1])
        del merged[at + 1]
