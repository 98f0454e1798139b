"""Permuted blocks of random size, one concealed sequence per stratum (pure, no database).

Each block holds every arm equally often (size 3: once each; size 6: twice each) in an
order drawn from the operating system's cryptographic source, so nobody can seed or
replay it. Sizes vary at random so that the end of a block cannot be counted out.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from random import Random

from course.research.models import BLOCK_SIZES, TRIAL_ARMS

UNSPECIFIED = "unspecified"


class PermutedBlockSequence:
    """An endless sequence of permuted blocks for one stratum."""

    def __init__(
        self,
        arms: Sequence[str] = TRIAL_ARMS,
        sizes: Sequence[int] = BLOCK_SIZES,
        rng: Random | None = None,
    ) -> None:
        if not arms or len(set(arms)) != len(arms):
            raise ValueError("arms must be distinct and at least one")
        if not sizes or any(size <= 0 or size % len(arms) for size in sizes):
            raise ValueError(f"every block size must be a positive multiple of {len(arms)}")
        self.arms = tuple(arms)
        self.sizes = tuple(sizes)
        # SystemRandom reads os.urandom; seed() is a no-op on it, so nothing can replay it.
        self.rng = rng if rng is not None else secrets.SystemRandom()

    def next_block(self) -> list[str]:
        """Draw one block: a random size, each arm size/len(arms) times, shuffled."""
        size = self.rng.choice(self.sizes)
        block = list(self.arms) * (size // len(self.arms))
        self.rng.shuffle(block)
        return block

    def __iter__(self) -> Iterator[str]:
        while True:
            yield from self.next_block()


def possible_next(arms: Sequence[str], size: int, seen: Sequence[str]) -> set[str]:
    """Arms that can still fill the next slot of a block of ``size`` after ``seen``."""
    left = Counter({arm: size // len(arms) for arm in arms})
    left.subtract(seen)
    if any(count < 0 for count in left.values()) or len(seen) >= size:
        raise ValueError("these allocations cannot come from one block of that size")
    return {arm for arm, count in left.items() if count > 0}


def is_balanced(block: Sequence[str], arms: Sequence[str] = TRIAL_ARMS) -> bool:
    """True when every arm appears equally often in a completed block."""
    counts = Counter(block)
    return set(counts) <= set(arms) and len({counts[arm] for arm in arms}) == 1


def stratum_key(values: Mapping[str, str | None], fields: Sequence[str]) -> str:
    """The stratum of a person, e.g. ``profession=psychologist;region=ON``."""
    if not fields:
        return "all"
    parts = []
    for name in fields:
        value = (values.get(name) or "").strip()
        parts.append(f"{name}={value or UNSPECIFIED}")
    return ";".join(parts)
