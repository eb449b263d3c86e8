"""What a vendor received in one time step for one metric: a sample summary, and optionally its distribution.

CloudWatch keeps, per metric and time stamp, a *statistic set* (SampleCount, Sum, Minimum, Maximum) and, for
metrics that publish raw values (ALB's `TargetResponseTime`), the values themselves, from which it computes
percentiles, trimmed means and counts, and percentile ranks. Datadog keeps a count or gauge value per point, or
a distribution (from which `p95:` is computed). One `Sample` per step serves both: `count`/`sum`/`min`/`max`
are the statistic set, `distribution` the weighted raw values when percentiles are asked for.

Percentiles here are exact over the weighted values (nearest rank); the vendors approximate (Datadog's
distributions use DDSketch, about 1 % relative accuracy). docs/replay.md says so.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Optional

from .errors import ReplayError


@dataclass(frozen=True, slots=True)
class Distribution:
    """Weighted sample values, sorted by value, each value once: `((0.12, 950.0), (0.9, 50.0))` is 950 requests
    at 120 ms and 50 at 900 ms."""

    points: tuple[tuple[float, float], ...]
    _cumulative: tuple[float, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        running, cumulative = 0.0, []
        for _, weight in self.points:
            running += weight
            cumulative.append(running)
        object.__setattr__(self, "_cumulative", tuple(cumulative))

    @staticmethod
    def of(values: Iterable[tuple[float, float]]) -> Distribution:
        """From (value, weight) pairs in any order; equal values merge, zero weights drop."""
        merged: dict[float, float] = {}
        for value, weight in values:
            if weight < 0 or not math.isfinite(value):
                raise ReplayError(f"a distribution needs finite values and non-negative weights, got ({value}, {weight})")
            if weight:
                merged[float(value)] = merged.get(float(value), 0.0) + float(weight)
        return Distribution(tuple(sorted(merged.items())))

    @staticmethod
    def merge(distributions: Iterable[Distribution]) -> Distribution:
        parts = list(distributions)
        if len(parts) == 1:
            return parts[0]
        return Distribution.of(point for d in parts for point in d.points)

    @staticmethod
    def merged_percentile(parts: Sequence[Distribution], p: float) -> Optional[float]:
        """`Distribution.merge(parts).percentile(p)` without making the merged distribution (a monitor asks it of
        every window): equal values merged in the same order, the same running weights, the same rank."""
        if len(parts) == 1:
            return parts[0].percentile(p)
        merged: dict[float, float] = {}
        for part in parts:
            for value, weight in part.points:
                if weight < 0 or not math.isfinite(value):
                    raise ReplayError(f"a distribution needs finite values and non-negative weights, got ({value}, {weight})")
                if weight:
                    merged[float(value)] = merged.get(float(value), 0.0) + float(weight)
        if not merged:
            return None
        values = sorted(merged)
        cumulative = list(itertools.accumulate(merged[v] for v in values))
        total = cumulative[-1]
        index = bisect.bisect_left(cumulative, total * p / 100 - 1e-9 * total)
        return values[min(index, len(values) - 1)]

    @property
    def weight(self) -> float:
        return self._cumulative[-1] if self._cumulative else 0.0

    def percentile(self, p: float) -> Optional[float]:
        """The smallest value with at least p % of the weight at or below it (nearest rank); None when empty."""
        if not self.points:
            return None
        target = self.weight * p / 100
        index = bisect.bisect_left(self._cumulative, target - 1e-9 * self.weight)
        return self.points[min(index, len(self.points) - 1)][0]

    def within_ranks(self, low: float, high: float) -> list[tuple[float, float]]:
        """The (value, weight) mass whose rank lies between low % and high % of the weight (fractions of a point kept)."""
        total = self.weight
        lo, hi = total * low / 100, total * high / 100
        out: list[tuple[float, float]] = []
        before = 0.0
        for (value, _), after in zip(self.points, self._cumulative, strict=True):
            inside = min(after, hi) - max(before, lo)
            if inside > 1e-12:
                out.append((value, inside))
            before = after
        return out

    def within_values(self, low: Optional[float], high: Optional[float]) -> list[tuple[float, float]]:
        """The (value, weight) pairs with low < value ≤ high (an absent bound is open), as CloudWatch bounds them."""
        return [(v, w) for v, w in self.points if (low is None or v > low) and (high is None or v <= high)]


@dataclass(frozen=True, slots=True)
class Sample:
    """One time step of one metric as a vendor received it: SampleCount, Sum, Minimum, Maximum, and the raw values
    when known. Build it with the constructors below; an absent point is no Sample at all (None in a series)."""

    count: float
    sum: float
    min: float
    max: float
    distribution: Optional[Distribution] = None

    def __post_init__(self) -> None:
        if self.count <= 0:
            raise ReplayError(f"a sample needs a positive count (an absent point is None, not an empty sample), got {self.count}")
        if self.min > self.max:
            raise ReplayError(f"a sample's minimum ({self.min}) exceeds its maximum ({self.max})")

    @staticmethod
    def value(value: float, count: float = 1) -> Sample:
        """`count` submissions of the same value (a gauge point; a CloudWatch statistic set with Min = Max)."""
        return Sample(count, value * count, value, value)

    @staticmethod
    def events(n: float) -> Sample:
        """n events counted in the step (ALB `RequestCount`, APM `hits`): Sum = n, each sample 1, as ALB publishes counts."""
        return Sample(n, float(n), 1.0, 1.0)

    @staticmethod
    def values(values: Iterable[tuple[float, float]]) -> Sample:
        """Raw values with weights, e.g. request latencies: every statistic, percentiles included, is computable."""
        return Sample.of(Distribution.of(values))

    @staticmethod
    def of(distribution: Distribution) -> Sample:
        if not distribution.points:
            raise ReplayError("an empty distribution is an absent point: use None")
        total = sum(v * w for v, w in distribution.points)
        return Sample(distribution.weight, total, distribution.points[0][0], distribution.points[-1][0], distribution)

    @property
    def mean(self) -> float:
        return self.sum / self.count

    def values_known(self) -> Optional[Distribution]:
        """The raw values: the distribution, or a statistic set that can only hold one value (CloudWatch computes
        percentiles from a statistic set only when SampleCount is 1 or Min = Max with Sum = Min × SampleCount)."""
        if self.distribution is not None:
            return self.distribution
        if self.min == self.max and math.isclose(self.sum, self.min * self.count, rel_tol=1e-9, abs_tol=1e-12):
            return Distribution(((self.min, self.count),))
        return None


def merge(samples: Sequence[Sample]) -> Optional[Sample]:
    """The samples of several steps (or series) as one: counts and sums add, extremes hold, values pool."""
    if not samples:
        return None
    if len(samples) == 1:
        return samples[0]
    known = [s.values_known() for s in samples]
    distribution = Distribution.merge(d for d in known if d is not None) if all(d is not None for d in known) else None
    return Sample(
        sum(s.count for s in samples),
        sum(s.sum for s in samples),
        min(s.min for s in samples),
        max(s.max for s in samples),
        distribution,
    )
