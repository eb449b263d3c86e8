"""CloudWatch statistics of one period: SampleCount, Sum, Average, Minimum, Maximum, percentiles (`p95`), and the
trimmed ones — `TM`/`tm`, `WM`/`wm`, `TC`/`tc`, `TS`/`ts`, `IQM`, `PR` — with percent or absolute bounds
(absolute: lower excluded, upper included). Statistics-definitions.html is the source for every rule here."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Optional

import numpy

from ..errors import ReplayError
from ..samples import Distribution, Sample
from ..windows import Aggregates

BASIC = ("SampleCount", "Sum", "Average", "Minimum", "Maximum")
_NUMBER = r"\d+(?:\.\d+)?"
_PERCENTILE = re.compile(rf"^p({_NUMBER})$")
_SHORT = re.compile(rf"^(tm|wm|tc|ts)({_NUMBER})$")
_RANGE = re.compile(rf"^(TM|WM|TC|TS|PR)\(({_NUMBER}%?)?:({_NUMBER}%?)?\)$")


@dataclass(frozen=True)
class Bound:
    value: float
    percent: bool


@dataclass(frozen=True)
class Statistic:
    """A parsed statistic: `kind` is a basic name, 'p', 'TM', 'WM', 'TC', 'TS' or 'PR'."""

    text: str
    kind: str
    percentile: float = 0.0
    low: Optional[Bound] = None
    high: Optional[Bound] = None

    @property
    def needs_values(self) -> bool:
        """Computed from raw values, not from the statistic set."""
        return self.kind not in BASIC

    @property
    def percentile_level(self) -> Optional[float]:
        """p for `pNN` (for the low-sample rule), else None."""
        return self.percentile if self.kind == "p" else None

    def of(self, series: Aggregates, window: range) -> Optional[float]:
        """The statistic of the window's points; None when the window has no point (or nothing in range for a mean)."""
        if series.present(window) == 0:
            return None
        if self.kind == "SampleCount":
            return series.count(window)
        if self.kind == "Sum":
            return series.sum(window)
        if self.kind == "Average":
            return series.sum(window) / series.count(window)
        if self.kind == "Minimum":
            return series.minimum(window)
        if self.kind == "Maximum":
            return series.maximum(window)
        if self.kind in ("TC", "TS", "TM", "PR") and self._additive:
            return self._of_sums(series, window)
        merged = series.merged(window)
        values = merged.values_known() if merged else None
        if values is None:
            raise ReplayError(f"{self.text} needs raw values, and the data has only statistic sets for this metric")
        return self.of_values(values)

    @property
    def _additive(self) -> bool:
        """With absolute bounds (or none), what lies within them adds up point by point: long periods cost no more."""
        return all(b is None or not b.percent for b in (self.low, self.high))

    def over(self, series: Aggregates, windows: Sequence[range]) -> list[Optional[float]]:
        """`of` each window: for the statistics `over_bounds` does not compute from running sums or tables."""
        return [self.of(series, w) for w in windows]

    def over_bounds(self, series: Aggregates, lo: numpy.ndarray, hi: numpy.ndarray) -> Optional[tuple[numpy.ndarray, numpy.ndarray]]:
        """`over` the windows [lo[k], hi[k]) for every k at once, as arrays (the same values: differences of the same
        running sums, the same table entries): each window's value, and whether it has one (0.0 where not). None for
        a statistic of raw values, computed window by window."""
        extreme = self.kind in ("Minimum", "Maximum")
        if not extreme and self.kind not in ("SampleCount", "Sum", "Average") and not (self.kind in ("TC", "TS", "TM", "PR") and self._additive):
            return None
        present, count, total = (numpy.frombuffer(a, dtype=numpy.float64) for a in series.prefixes)
        keep = (hi > lo) & (present[hi] != present[lo])
        lo, hi = lo[keep], hi[keep]
        with numpy.errstate(divide="ignore", invalid="ignore"):
            if extreme:
                values = series.extremes(self.kind == "Minimum", lo, hi)
            elif self.kind == "Sum":
                values = total[hi] - total[lo]
            elif self.kind == "SampleCount":
                values = count[hi] - count[lo]
            elif self.kind == "Average":
                values = (total[hi] - total[lo]) / (count[hi] - count[lo])
            else:
                within = self._within(self._absolute(self.low), self._absolute(self.high))
                inside = numpy.frombuffer(series.running((self.text, "count"), lambda p: sum(w for _, w in within(p))), dtype=numpy.float64)
                weighted = numpy.frombuffer(series.running((self.text, "total"), lambda p: sum(v * w for v, w in within(p))), dtype=numpy.float64)
                if self.kind == "TC":
                    values = inside[hi] - inside[lo]
                elif self.kind == "TS":
                    values = weighted[hi] - weighted[lo]
                elif self.kind == "PR":
                    values = 100 * (inside[hi] - inside[lo]) / (count[hi] - count[lo])
                else:  # TM: none where nothing lies within the bounds
                    n = inside[hi] - inside[lo]
                    values = (weighted[hi] - weighted[lo]) / n
                    keep[keep] = n != 0
                    values = values[n != 0]
        out = numpy.zeros(len(keep), dtype=numpy.float64)
        out[keep] = values
        return out, keep

    def _within(self, low: Optional[float], high: Optional[float]) -> Callable[[Sample], list[tuple[float, float]]]:
        def within(sample: Sample) -> list[tuple[float, float]]:
            values = sample.values_known()
            if values is None:
                raise ReplayError(f"{self.text} needs raw values, and the data has only statistic sets for this metric")
            return values.within_values(low, high)

        return within

    def _of_sums(self, series: Aggregates, window: range) -> Optional[float]:
        """TC, TS, TM and PR with absolute bounds, from running sums of each point's values within the bounds."""
        within = self._within(self._absolute(self.low), self._absolute(self.high))
        count = series.additive((self.text, "count"), lambda p: sum(w for _, w in within(p)), window)
        total = series.additive((self.text, "total"), lambda p: sum(v * w for v, w in within(p)), window)
        if self.kind == "TC":
            return count
        if self.kind == "TS":
            return total
        if self.kind == "PR":
            return 100 * count / series.count(window)
        return total / count if count else None  # TM

    def of_values(self, values: Distribution) -> Optional[float]:
        if self.kind == "p":
            return values.percentile(self.percentile)
        if self.kind == "PR":
            inside = values.within_values(self._absolute(self.low), self._absolute(self.high))
            return 100 * sum(w for _, w in inside) / values.weight
        if self.kind == "WM":
            low = self._edge(values, self.low, 0.0)
            high = self._edge(values, self.high, 100.0)
            clamped = [(min(max(v, low), high), w) for v, w in values.points]
            return sum(v * w for v, w in clamped) / values.weight
        inside = self._inside(values)
        count = sum(w for _, w in inside)
        total = sum(v * w for v, w in inside)
        if self.kind == "TC":
            return count
        if self.kind == "TS":
            return total
        return total / count if count else None  # TM

    def _inside(self, values: Distribution) -> list[tuple[float, float]]:
        low, high = self.low, self.high
        if (low is None or low.percent) and (high is None or high.percent):
            return values.within_ranks(low.value if low else 0.0, high.value if high else 100.0)
        if (low is None or not low.percent) and (high is None or not high.percent):
            return values.within_values(self._absolute(low), self._absolute(high))
        raise ReplayError(f"{self.text}: one bound in percent and one absolute is not a CloudWatch statistic")

    @staticmethod
    def _absolute(bound: Optional[Bound]) -> Optional[float]:
        return bound.value if bound else None

    @staticmethod
    def _edge(values: Distribution, bound: Optional[Bound], default_percent: float) -> float:
        if bound is None:
            found = values.percentile(default_percent)
        elif bound.percent:
            found = values.percentile(bound.value)
        else:
            found = bound.value
        assert found is not None  # a distribution here is never empty
        return found


def _bound(text: Optional[str]) -> Optional[Bound]:
    if not text:
        return None
    if text.endswith("%"):
        return Bound(float(text[:-1]), True)
    return Bound(float(text), False)


def parse_statistic(text: str) -> Statistic:
    """A statistic as PutMetricAlarm takes it (`Statistic` or `ExtendedStatistic`, or a metric query's `Stat`)."""
    if text in BASIC:
        return Statistic(text, text)
    if text in ("IQM", "iqm"):
        return Statistic(text, "TM", low=Bound(25, True), high=Bound(75, True))
    if match := _PERCENTILE.match(text):
        level = float(match.group(1))
        if not 0 <= level <= 100:
            raise ReplayError(f"percentile {text} is outside 0-100")
        return Statistic(text, "p", percentile=level)
    if match := _SHORT.match(text):
        return Statistic(text, match.group(1).upper(), high=Bound(float(match.group(2)), True))
    if match := _RANGE.match(text):
        kind, low, high = match.group(1), _bound(match.group(2)), _bound(match.group(3))
        if kind == "PR" and ((low and low.percent) or (high and high.percent)):
            raise ReplayError(f"{text}: percentile rank takes values, not percentages")
        if low is None and high is None:
            raise ReplayError(f"{text}: give at least one bound")
        return Statistic(text, kind, low=low, high=high)
    raise ReplayError(f"unknown statistic {text!r} (known: {', '.join(BASIC)}, pNN, TM/WM/TC/TS(a:b), tmNN..., IQM, PR(a:b))")
