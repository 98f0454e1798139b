"""Union of played intervals: seeking past a part never counts it as watched."""

from __future__ import annotations

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
