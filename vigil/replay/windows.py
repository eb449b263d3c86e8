"""Aggregates of one series over any window of its grid in constant time: running sums for counts and sums,
sparse tables for extremes. A replay asks for the same long windows (a day, for slow burn tiers) every minute;
recomputing each from its points would be quadratic."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from typing import Optional

from .samples import Sample, merge


def running(values: Sequence[float]) -> list[float]:
    """Prefix sums: out[i] is the sum of values[:i]."""
    out = [0.0]
    total = 0.0
    for v in values:
        total += v
        out.append(total)
    return out


class SparseTable:
    """Range minimum (or maximum) over [lo, hi) in O(1) after O(n log n) preparation."""

    def __init__(self, values: Sequence[float], pick: Callable[[float, float], float]) -> None:
        self.pick = pick
        self.levels: list[list[float]] = [list(values)]
        width = 1
        while 2 * width <= len(values):
            previous = self.levels[-1]
            self.levels.append([pick(previous[i], previous[i + width]) for i in range(len(values) - 2 * width + 1)])
            width *= 2

    def query(self, lo: int, hi: int) -> float:
        level = int(math.log2(hi - lo))
        row = self.levels[level]
        return self.pick(row[lo], row[hi - (1 << level)])


class Aggregates:
    """One series of samples (None where absent) with its window aggregates."""

    def __init__(self, points: Sequence[Optional[Sample]]) -> None:
        self.points = points
        self._present = running([1.0 if p is not None else 0.0 for p in points])
        self._count = running([p.count if p is not None else 0.0 for p in points])
        self._sum = running([p.sum if p is not None else 0.0 for p in points])
        self._additive: dict[object, list[float]] = {}

    def present(self, window: range) -> int:
        """How many points the window holds."""
        return int(self._present[window.stop] - self._present[window.start]) if window else 0

    def count(self, window: range) -> float:
        return self._count[window.stop] - self._count[window.start] if window else 0.0

    def sum(self, window: range) -> float:
        return self._sum[window.stop] - self._sum[window.start] if window else 0.0

    @functools.cached_property
    def _mins(self) -> SparseTable:
        return SparseTable([p.min if p is not None else math.inf for p in self.points], min)

    @functools.cached_property
    def _maxes(self) -> SparseTable:
        return SparseTable([p.max if p is not None else -math.inf for p in self.points], max)

    def minimum(self, window: range) -> float:
        return self._mins.query(window.start, window.stop)

    def maximum(self, window: range) -> float:
        return self._maxes.query(window.start, window.stop)

    def additive(self, key: object, of: Callable[[Sample], float], window: range) -> float:
        """The sum over the window of a quantity that adds up point by point (`of` each present point), from running
        sums computed once per `key`."""
        sums = self.running(key, of)
        return sums[window.stop] - sums[window.start] if window else 0.0

    def running(self, key: object, of: Callable[[Sample], float]) -> list[float]:
        """The running sums of `of` each present point (0 where absent), computed once per `key`."""
        sums = self._additive.get(key)
        if sums is None:
            sums = running([of(p) if p is not None else 0.0 for p in self.points])
            self._additive[key] = sums
        return sums

    @property
    def prefixes(self) -> tuple[list[float], list[float], list[float]]:
        """The running sums of presence, SampleCount and Sum: what window aggregates read."""
        return self._present, self._count, self._sum

    def samples(self, window: range) -> list[Sample]:
        return [p for p in (self.points[i] for i in window) if p is not None]

    def merged(self, window: range) -> Optional[Sample]:
        """The window's points as one sample (its raw values pooled when every point has them)."""
        return merge(self.samples(window))
