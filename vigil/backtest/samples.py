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

`vendor_data` lays them on the replay's grid of minutes. Minutes with equal values share one `Sample` (a count is
often the same number for hours), and nothing is kept between back-tests.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Optional

from ..replay import CloudWatchMetric, Distribution, Sample, VendorData
from ..replay.cloudwatch.statistics import BASIC, Statistic, parse_statistic
from ..replay.stack import ServiceReplay
from .reads import AlertReads, delays_of
from .requests import MINUTE, Window
from .responses import Points, Received

HOUR = 3600

_PARSED: dict[str, Statistic] = {}  # each statistic's text parsed once, by the replay's grammar


class Unsupported(ValueError):
    """A statistic the back-test cannot turn back into values (a two-sided trimmed mean, say)."""


def _constraint(stat: str, value: float, count: float) -> tuple[float, float]:
    """(value, share of the samples at or below it) that the statistic states."""
    parsed = _PARSED.get(stat) or _PARSED.setdefault(stat, parse_statistic(stat))
    if parsed.kind == "p":
        return value, parsed.percentile / 100
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
    return _atoms(points, count, top)


def _atoms(points: Sequence[tuple[float, float]], count: float, top: Optional[float]) -> Distribution:
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


def events(n: float) -> Sample:
    """A Datadog count's point (a zero count is one zero, as the replay publishes it)."""
    return Sample.events(n) if n > 0 else Sample.value(0.0)


def percentiles(values: Mapping[str, float]) -> Sample:
    """One minute of a Datadog distribution from its percentiles (`p95` -> value)."""
    spread = distribution(values, 1.0, None)
    points = spread.points
    return Sample(spread.weight, sum(v * w for v, w in points), points[0][0], points[-1][0], spread)


def _on_grid(points: Points, start: int, length: int) -> tuple[list[int], list[float]]:
    """The points' indices on a grid of minutes from `start`, and their values (those on the grid)."""
    index = (points.stamps - start) // MINUTE
    kept = (index >= 0) & (index < length)
    return index[kept].tolist(), points.values[kept].tolist()


def _single(points: Points, start: int, length: int, make: Callable[[float], Sample], made: dict[float, Sample]) -> list[Optional[Sample]]:
    """One sample a minute from one statistic: `make` of its value; minutes with the same value share their sample
    (`made`: those made so far; a count is often the same number for hours)."""
    column: list[Optional[Sample]] = [None] * length
    indices, values = _on_grid(points, start, length)
    for index, value in zip(indices, values, strict=True):
        found = made.get(value)
        if found is None:
            found = made[value] = make(value)
        column[index] = found
    return column


def _combined(columns: Mapping[str, tuple[list[int], list[float]]], make: Callable[[Mapping[str, float]], Optional[Sample]], length: int) -> list[Optional[Sample]]:
    """One sample a minute from several statistics (or percentiles) of it: `make` of the values each minute has;
    minutes with the same values share their sample."""
    names = sorted(columns)
    column: list[Optional[Sample]] = [None] * length
    made: dict[tuple[float, ...], Optional[Sample]] = {}
    indices = columns[names[0]][0] if names else []
    if all(columns[name][0] == indices for name in names[1:]):  # every statistic has every minute: zipped as they come
        for index, values in zip(indices, zip(*(columns[n][1] for n in names), strict=True), strict=True):
            if values not in made:
                made[values] = make(dict(zip(names, values, strict=True)))
            column[index] = made[values]
        return column
    by_index: dict[int, dict[str, float]] = {}
    for name in names:
        for index, value in zip(*columns[name], strict=True):
            by_index.setdefault(index, {})[name] = value
    shared: dict[tuple[tuple[str, float], ...], Optional[Sample]] = {}
    for index, found in by_index.items():
        key = tuple(sorted(found.items()))
        if key not in shared:
            shared[key] = make(found)
        column[index] = shared[key]
    return column


def vendor_data(service: ServiceReplay, alerts: Sequence[AlertReads], received: Mapping[object, Received], window: Window, lookback: int) -> VendorData:
    """What the vendors returned for the alerts' series, on one grid of minutes from the warm-up to the window's end
    (aligned on the hour: Datadog's time slices are aligned on the data's start)."""
    start = window.start - lookback
    start -= start % HOUR
    length = (window.end - start) // MINUTE
    data = VendorData(step=MINUTE, length=length, start=start)
    delays = delays_of(service)
    values: dict[float, Sample] = {}  # shared by every gauge-like series of the grid
    counts: dict[float, Sample] = {}
    seen: set[CloudWatchMetric] = set()
    for series in sorted({s for a in alerts for s in a.cloudwatch}):
        if series.metric in seen:  # the same metric in two accounts or regions is not one series: keep the first
            continue
        seen.add(series.metric)
        fetched = received[series].points
        column: list[Optional[Sample]]
        if len(fetched) == 1 and next(iter(fetched))[0] in ("Sum", "Minimum", "Maximum"):  # one statistic that adds up or holds
            column = _single(next(iter(fetched.values())), start, length, Sample.value, values)
        else:
            column = _combined({stat: _on_grid(points, start, length) for (stat,), points in fetched.items()}, cloudwatch_sample, length)
        if any(p is not None for p in column):
            data.add_cloudwatch(series.metric.namespace, series.metric.name, dict(series.metric.dimensions), column)
    for key in sorted({k for a in alerts for k in a.datadog}):
        groups: dict[tuple[str, ...], dict[str, Points]] = {}
        for labels, points in received[key].points.items():
            groups.setdefault(labels[1:], {})[labels[0]] = points
        for tags, by_percentile in sorted(groups.items()):
            if key.kind == "distribution":
                column = _combined({p: _on_grid(points, start, length) for p, points in by_percentile.items()}, percentiles, length)
            elif key.kind == "count":
                column = _single(by_percentile[""], start, length, events, counts)
            else:
                column = _single(by_percentile[""], start, length, Sample.value, values)
            if any(p is not None for p in column):
                data.add_datadog(key.metric, [*key.scope, *tags], key.kind, column, delays.get(key.metric, 0))  # type: ignore[arg-type]
    return data
