"""CloudWatch statistics of a period, on hand-computed values (Statistics-definitions.html)."""

from typing import Optional

import numpy
import pytest

from vigil.replay import Distribution, ReplayError, Sample
from vigil.replay.cloudwatch.statistics import parse_statistic
from vigil.replay.windows import Aggregates

# 100 requests: 1, 2, ..., 100 ms (in seconds), one each
HUNDRED = Distribution.of((i / 1000, 1) for i in range(1, 101))


def stat(text: str, values: Distribution = HUNDRED) -> float:
    found = parse_statistic(text).of_values(values)
    assert found is not None
    return found


def test_percentiles_are_nearest_rank() -> None:
    assert stat("p95") == pytest.approx(0.095)
    assert stat("p50") == pytest.approx(0.050)
    assert stat("p99.9") == pytest.approx(0.100)
    assert stat("p0") == pytest.approx(0.001)


def test_trimmed_statistics_with_percent_bounds() -> None:
    assert stat("tc90") == pytest.approx(90)  # the lowest 90 %
    assert stat("tm90") == pytest.approx(0.0455)  # mean of 1..90 ms
    assert stat("ts90") == pytest.approx(4.095)  # sum of 1..90 ms
    assert stat("TC(10%:90%)") == pytest.approx(80)
    assert stat("IQM") == pytest.approx(0.0505)  # mean of 26..75 ms


def test_absolute_bounds_exclude_the_lower_and_include_the_upper() -> None:
    assert stat("TC(0.005:0.030)") == pytest.approx(25)  # 6..30 ms
    assert stat("TC(:0.05)") == pytest.approx(50)
    assert stat("PR(:0.03)") == pytest.approx(30)  # 30 % of requests within 30 ms
    assert stat("PR(0.01:0.02)") == pytest.approx(10)
    assert stat("TM(0.090:)") == pytest.approx(0.0955)  # 91..100 ms


def test_winsorized_mean_clamps_to_the_bounds() -> None:
    values = Distribution.of([(1, 1), (2, 1), (3, 1), (100, 1)])
    assert stat("WM(:75%)", values) == pytest.approx((1 + 2 + 3 + 3) / 4)


def test_basic_statistics_use_the_statistic_set_over_the_window() -> None:
    series = Aggregates([Sample.events(10), None, Sample.values([(1.0, 1), (5.0, 3)])])
    window = range(0, 3)
    assert parse_statistic("Sum").of(series, window) == 26
    assert parse_statistic("SampleCount").of(series, window) == 14
    assert parse_statistic("Average").of(series, window) == pytest.approx(26 / 14)
    assert parse_statistic("Minimum").of(series, window) == 1
    assert parse_statistic("Maximum").of(series, window) == 5
    assert parse_statistic("Sum").of(series, range(1, 2)) is None  # no point: missing, not 0


def test_percentiles_need_raw_values_unless_the_set_holds_one_value() -> None:
    assert parse_statistic("p95").of(Aggregates([Sample.value(0.2, count=7)]), range(0, 1)) == 0.2
    spread = Sample(count=2, sum=3.0, min=1.0, max=2.0)  # a statistic set of two different values
    with pytest.raises(ReplayError, match="raw values"):
        parse_statistic("p95").of(Aggregates([spread]), range(0, 1))


@pytest.mark.parametrize("text", ["p101", "Median", "TM(10%:0.5)", "PR(10%:)", "TC(:)", "tm"])
def test_unknown_or_malformed_statistics_are_errors(text: str) -> None:
    with pytest.raises(ReplayError):
        stat(text)


@pytest.mark.parametrize("text", ["TC(0.05:)", "TC(:0.05)", "TC(0.02:0.08)", "TS(0.05:)", "TM(0.02:0.08)", "PR(:0.05)", "PR(0.02:0.07)"])
def test_absolute_bounds_over_a_window_add_up_point_by_point(text: str) -> None:
    """Over a long period the trimmed statistics with absolute bounds come from running sums: the same numbers as
    pooling every value of the period."""
    points: list[Optional[Sample]] = [Sample.values((i / 1000 + j / 100, 1 + (i % 3)) for i in range(1, 30)) for j in range(10)]
    points[4] = None  # an absent minute
    series = Aggregates(points)
    statistic = parse_statistic(text)
    for window in (range(0, 10), range(2, 7), range(5, 6)):
        present = [known for i in window if (p := points[i]) is not None and (known := p.values_known()) is not None]
        pooled = statistic.of_values(Distribution.merge(present)) if present else None
        assert statistic.of(series, window) == pytest.approx(pooled)


@pytest.mark.parametrize("text", ["SampleCount", "Sum", "Average", "Minimum", "Maximum", "TC(0.05:)", "TS(0.02:0.08)", "TM(0.02:0.08)", "PR(:0.05)"])
def test_the_array_path_gives_what_each_window_gives(text: str) -> None:
    """`over_bounds` (what alarms read: every period at once, as arrays) against `of` window by window: the same
    values, exactly, and the same windows without one (empty, all absent, nothing within a TM's bounds)."""
    points: list[Optional[Sample]] = [Sample.values((i / 1000 + j / 100, 1 + (i % 3)) for i in range(1, 30)) for j in range(12)]
    points[4] = points[5] = None
    points[9] = Sample.values([(0.5, 2.0)])  # nothing within the TM's bounds
    series = Aggregates(points)
    statistic = parse_statistic(text)
    windows = [range(lo, hi) for lo in range(13) for hi in range(lo, 13)]
    found = statistic.over_bounds(series, numpy.array([w.start for w in windows]), numpy.array([w.stop for w in windows]))
    assert found is not None
    values, known = found
    assert [v if k else None for v, k in zip(values.tolist(), known.tolist(), strict=True)] == [statistic.of(series, w) for w in windows]
