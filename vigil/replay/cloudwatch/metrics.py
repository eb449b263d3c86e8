"""The CloudWatch metrics an alarm reads: those in the vendor data, plus those CloudWatch itself derives during
the replay (Route 53's `HealthCheckStatus`, from the probes). A metric the data lacks is absent throughout."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Optional

import numpy

from ..data import CloudWatchMetric, VendorData
from ..errors import ReplayError
from ..samples import Sample
from ..windows import Aggregates
from .statistics import Statistic


class CloudWatchData:
    def __init__(self, data: VendorData, derived: Mapping[CloudWatchMetric, Sequence[Optional[Sample]]]) -> None:
        self.data = data
        clash = sorted(str(m) for m in derived if m in data.cloudwatch)
        if clash:
            raise ReplayError(f"{', '.join(clash)}: CloudWatch derives this metric from the probes; the data must not give it too")
        self._points: dict[CloudWatchMetric, Sequence[Optional[Sample]]] = {**data.cloudwatch, **derived}
        self._aggregates: dict[CloudWatchMetric, Aggregates] = {}
        self._absent = Aggregates([None] * data.length)
        self._statistics: dict[tuple[object, ...], tuple[numpy.ndarray, numpy.ndarray]] = {}
        self._windows: dict[tuple[int, ...], list[range]] = {}

    def statistic(self, metric: CloudWatchMetric, statistic: Statistic, period: int, ends: range) -> list[Optional[float]]:
        """The statistic of each period `[end - period, end)` for each end (alarms sharing a metric share the work)."""
        key = (metric, statistic, period, ends.start, ends.stop, ends.step)
        found = self._statistics.get(key)
        if found is None:
            try:
                found = statistic.over_bounds(self.series(metric), *self.bounds(period, ends))
                if found is None:
                    found = _packed(statistic.over(self.series(metric), self.windows(period, ends)))
            except ReplayError as exc:
                raise ReplayError(f"{metric}: {exc.detail}") from None
            self._statistics[key] = found  # kept as arrays: 9 bytes a period, not a float object's 40
        values, known = found
        out: list[Optional[float]] = values.tolist()
        for index in numpy.flatnonzero(~known).tolist():
            out[index] = None
        return out

    def windows(self, period: int, ends: range) -> list[range]:
        """The grid's points of each period `[end - period, end)`, once per period and ends."""
        key = (period, ends.start, ends.stop, ends.step)
        found = self._windows.get(key)
        if found is None:  # VendorData.window for each end, in one comprehension
            start, step, length = self.data.start, self.data.step, self.data.length
            found = [range(lo, hi if hi > lo else lo) for e in ends
                     for lo, hi in ((max(0, -((start - e + period) // step)), min(length, (e - start) // step)),)]  # fmt: skip
            self._windows[key] = found
        return found

    def metrics(self) -> list[CloudWatchMetric]:
        """Every metric the data holds or CloudWatch derives (what a Metrics Insights query searches)."""
        return list(self._points)

    def bounds(self, period: int, ends: range) -> tuple[numpy.ndarray, numpy.ndarray]:
        """`windows` as two arrays of indices: each period's first point and the point after its last."""
        start, step, length = self.data.start, self.data.step, self.data.length
        at = numpy.arange(ends.start, ends.stop, ends.step, dtype=numpy.int64)
        lo = numpy.maximum(0, -((start - at + period) // step))
        hi = numpy.minimum(length, (at - start) // step)
        return lo, numpy.maximum(hi, lo)

    def series(self, metric: CloudWatchMetric) -> Aggregates:
        found = self._aggregates.get(metric)
        if found is None:
            points = self._points.get(metric)
            found = self._absent if points is None else Aggregates(points)
            self._aggregates[metric] = found
        return found


def _packed(values: Sequence[Optional[float]]) -> tuple[numpy.ndarray, numpy.ndarray]:
    """Values or None as two arrays: the values (0.0 for None) and which are known."""
    known = numpy.fromiter((v is not None for v in values), dtype=bool, count=len(values))
    return numpy.array([0.0 if v is None else v for v in values], dtype=numpy.float64), known
