"""What the vendors returned, as the replay's vendor data (`vigil.replay.VendorData`): one point a minute per series.

The vendors return statistics, not raw values. Each minute becomes one `Sample` that gives back exactly the
statistics fetched for it:
- CloudWatch: Sum, SampleCount, Minimum and Maximum are the sample's statistic set; percentiles (`p95`) and
  one-sided counts and ranks (`TC(0.5:)`, `PR(:0.3)`) become a distribution of a few values weighted so that each
  fetched statistic comes out as fetched (the weights are the minute's SampleCount). Over a period of one minute an
  alarm then computes what CloudWatch computed; over longer periods counts and sums add up exactly, and a
  percentile is the percentile of the minutes' values (docs/backtest.md says so).
- Datadog: a count's point is its count (`.as_rate()` is the count over the step, as the evaluators derive it), a
  gauge's its value, a distribution's percentiles become such a distribution (each minute weighing the same).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Optional

from ..replay import Distribution, Sample
from ..replay.cloudwatch.statistics import BASIC, parse_statistic

_PERCENTILES: dict[str, float] = {}


class Unsupported(ValueError):
    """A statistic the back-test cannot turn back into values (a two-sided trimmed mean, say)."""


def _constraint(stat: str, value: float, count: float) -> tuple[float, float]:
    """(value, share of the samples at or below it) that the statistic states."""
    share = _PERCENTILES.get(stat)
    if share is None and stat.startswith("p") and stat[1:].replace(".", "", 1).isdigit():
        share = _PERCENTILES[stat] = float(stat[1:]) / 100
    if share is not None:
        return value, share
    parsed = parse_statistic(stat)
    low, high = parsed.low, parsed.high
    one_sided = (low is None) != (high is None) and not ((low and low.percent) or (high and high.percent))
    if parsed.kind in ("TC", "PR") and one_sided:
        share = value / count if parsed.kind == "TC" else value / 100
        if low is not None:  # TC(x:) counts the values above x
            return low.value, 1 - share
        assert high is not None
        return high.value, share
    raise Unsupported(f"{stat}: the back-test reads percentiles and one-sided TC/PR from CloudWatch, not this statistic")


def distribution(stats: Mapping[str, float], count: float, top: Optional[float]) -> Distribution:
    """A few weighted values whose percentiles and shares below thresholds are the given statistics."""
    points = sorted(_constraint(stat, value, count) for stat, value in stats.items())
    return _atoms(tuple(points), count, top)


@functools.lru_cache(maxsize=4096)
def _atoms(points: tuple[tuple[float, float], ...], count: float, top: Optional[float]) -> Distribution:
    atoms: list[tuple[float, float]] = []
    reached = 0.0
    for value, share in points:
        share = min(1.0, max(share, reached))
        if share > reached:
            atoms.append((value, (share - reached) * count))
        reached = share
    if reached < 1.0:
        last = points[-1][0]
        high = top if top is not None and top > last else last + max(abs(last) * 1e-9, 1e-9)
        atoms.append((high, (1.0 - reached) * count))
    merged: dict[float, float] = {}
    for value, weight in atoms:
        merged[value] = merged.get(value, 0.0) + weight
    return Distribution(tuple(sorted(merged.items())))


def cloudwatch_sample(values: Mapping[str, float]) -> Optional[Sample]:
    """One minute of a CloudWatch metric from the statistics fetched for it (None: no samples)."""
    count = values.get("SampleCount", 1.0)
    if count <= 0:
        return None
    total, low, high = values.get("Sum"), values.get("Minimum"), values.get("Maximum")
    extra = {k: v for k, v in values.items() if k not in BASIC}
    spread = distribution(extra, count, high) if extra else None
    mean = total / count if total is not None else (spread.percentile(50) if spread else None)
    known = [v for v in (low, high, mean) if v is not None]
    if not known:
        return None
    low = low if low is not None else min(known)
    high = high if high is not None else max(known)
    if low > high:
        low, high = high, low
    return Sample(count, total if total is not None else (mean if mean is not None else low) * count, low, high, spread)


_VALUES: dict[float, Sample] = {}
_EVENTS: dict[float, Sample] = {}


def gauge(value: float) -> Sample:
    found = _VALUES.get(value)
    if found is None:
        found = _VALUES[value] = Sample.value(value)
    return found


def events(n: float) -> Sample:
    """A Datadog count's point (a zero count is one zero, as the replay publishes it)."""
    if n <= 0:
        return gauge(0.0)
    found = _EVENTS.get(n)
    if found is None:
        found = _EVENTS[n] = Sample.events(n)
    return found


def percentiles(values: Mapping[str, float]) -> Sample:
    """One minute of a Datadog distribution from its percentiles (`p95` -> value)."""
    spread = distribution(values, 1.0, None)
    points = spread.points
    return Sample(spread.weight, sum(v * w for v, w in points), points[0][0], points[-1][0], spread)
