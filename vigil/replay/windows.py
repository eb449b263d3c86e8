"""Aggregates of one series over any window of its grid in constant time: running sums for counts and sums,
sparse tables for extremes. A replay asks for the same long windows (a day, for slow burn tiers) every minute;
recomputing each from its points would be quadratic.

Running sums and tables are arrays of doubles (8 bytes a point, not a float object's 32: a back-test holds a month
of minutes per series), summed in order as Python adds floats, so every window's value is the same."""

from __future__ import annotations

import functools
import itertools
import math
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Optional, overload

import numpy

from .samples import Sample, merge


def running(values: Iterable[float]) -> array[float]:
    """Prefix sums: out[i] is the sum of the first i values (added one by one, left to right)."""
    return array("d", itertools.accumulate(values, initial=0.0))


class SparseTable:
    """Range minimum (or maximum) over [lo, hi) in O(1) after O(n log n) preparation."""

    def __init__(self, values: Sequence[float], pick: Callable[[float, float], float]) -> None:
        self.pick = pick
        level = numpy.array(values, dtype=numpy.float64)
        self.levels: list[array[float]] = [array("d", level.tobytes())]
        width = 1
        while 2 * width <= len(values):
            a, b = level[: len(level) - width], level[width:]
            # as `pick` chooses between two floats: the second only when strictly smaller (larger)
            level = numpy.where(b < a, b, a) if pick is min else numpy.where(b > a, b, a) if pick is max else numpy.array(list(map(pick, a.tolist(), b.tolist())))
            self.levels.append(array("d", level.tobytes()))
            width *= 2

    def query(self, lo: int, hi: int) -> float:
        level = (hi - lo).bit_length() - 1
        row = self.levels[level]
        return self.pick(row[lo], row[hi - (1 << level)])


class Aggregates:
    """One series of samples (None where absent) with its window aggregates."""

    def __init__(self, points: Sequence[Optional[Sample]]) -> None:
        self.points = points
        self._present = running([1.0 if p is not None else 0.0 for p in points])
        self._count = running([p.count if p is not None else 0.0 for p in points])
        self._sum = running([p.sum if p is not None else 0.0 for p in points])
        self._additive: dict[object, array[float]] = {}

    @staticmethod
    def of_values(values: Sequence[Optional[float]]) -> Aggregates:
        """A series of plain values, each one sample of that value (`Sample.value`), with no Sample made until one is
        asked for: the same aggregates as `Aggregates([Sample.value(v) ...])`, at a fraction of the memory."""
        found = Aggregates.__new__(Aggregates)
        found.points = _ValuePoints(values)
        found._present = found._count = running([1.0 if v is not None else 0.0 for v in values])
        found._sum = running([v if v is not None else 0.0 for v in values])
        found._additive = {}
        return found

    def present(self, window: range) -> int:
        """How many points the window holds."""
        return int(self._present[window.stop] - self._present[window.start]) if window else 0

    def count(self, window: range) -> float:
        return self._count[window.stop] - self._count[window.start] if window else 0.0

    def sum(self, window: range) -> float:
        return self._sum[window.stop] - self._sum[window.start] if window else 0.0

    @functools.cached_property
    def _mins(self) -> SparseTable:
        if isinstance(self.points, _ValuePoints):
            return SparseTable([v if v is not None else math.inf for v in self.points.values], min)
        return SparseTable([p.min if p is not None else math.inf for p in self.points], min)

    @functools.cached_property
    def _maxes(self) -> SparseTable:
        if isinstance(self.points, _ValuePoints):
            return SparseTable([v if v is not None else -math.inf for v in self.points.values], max)
        return SparseTable([p.max if p is not None else -math.inf for p in self.points], max)

    def minimum(self, window: range) -> float:
        return self._mins.query(window.start, window.stop)

    def maximum(self, window: range) -> float:
        return self._maxes.query(window.start, window.stop)

    def extremes(self, lowest: bool, lo: numpy.ndarray, hi: numpy.ndarray) -> numpy.ndarray:
        """`minimum` (or `maximum`) of every window [lo[k], hi[k]) at once, each non-empty: the same two entries of
        the same sparse-table rows chosen as `query` chooses them, each row built as the table builds it and
        dropped after use (a month of minutes makes a table of ~6 MiB)."""
        if isinstance(self.points, _ValuePoints):
            found = [v if v is not None else (math.inf if lowest else -math.inf) for v in self.points.values]
        else:
            found = [(p.min if lowest else p.max) if p is not None else (math.inf if lowest else -math.inf) for p in self.points]
        row = numpy.array(found, dtype=numpy.float64)
        out = numpy.empty(len(lo), dtype=numpy.float64)
        level = numpy.frexp((hi - lo).astype(numpy.float64))[1] - 1  # floor(log2(width)), exact for widths below 2**53
        built, width = 0, 1
        for one in numpy.unique(level).tolist():
            while built < one:  # the next row of the table, from this one
                a, b = row[: len(row) - width], row[width:]
                row = numpy.where(b < a, b, a) if lowest else numpy.where(b > a, b, a)
                built, width = built + 1, width * 2
            at = numpy.flatnonzero(level == one)
            a, b = row[lo[at]], row[hi[at] - (1 << one)]
            out[at] = numpy.where(b < a, b, a) if lowest else numpy.where(b > a, b, a)
        return out

    def additive(self, key: object, of: Callable[[Sample], float], window: range) -> float:
        """The sum over the window of a quantity that adds up point by point (`of` each present point), from running
        sums computed once per `key`."""
        sums = self.running(key, of)
        return sums[window.stop] - sums[window.start] if window else 0.0

    def running(self, key: object, of: Callable[[Sample], float]) -> array[float]:
        """The running sums of `of` each present point (0 where absent), computed once per `key`."""
        sums = self._additive.get(key)
        if sums is None:
            sums = running([of(p) if p is not None else 0.0 for p in self.points])
            self._additive[key] = sums
        return sums

    @property
    def prefixes(self) -> tuple[array[float], array[float], array[float]]:
        """The running sums of presence, SampleCount and Sum: what window aggregates read."""
        return self._present, self._count, self._sum

    def samples(self, window: range) -> list[Sample]:
        return [p for p in (self.points[i] for i in window) if p is not None]

    def merged(self, window: range) -> Optional[Sample]:
        """The window's points as one sample (its raw values pooled when every point has them)."""
        return merge(self.samples(window))


class _ValuePoints(Sequence[Optional[Sample]]):
    """Plain values read as samples (`Sample.value`), made when asked for."""

    def __init__(self, values: Sequence[Optional[float]]) -> None:
        self.values = values

    def __len__(self) -> int:
        return len(self.values)

    @overload
    def __getitem__(self, index: int) -> Optional[Sample]: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Optional[Sample]]: ...

    def __getitem__(self, index: int | slice) -> Optional[Sample] | Sequence[Optional[Sample]]:
        if isinstance(index, slice):
            return [None if v is None else Sample.value(v) for v in self.values[index]]
        value = self.values[index]
        return None if value is None else Sample.value(value)

    def __iter__(self) -> Iterator[Optional[Sample]]:
        return (None if v is None else Sample.value(v) for v in self.values)
