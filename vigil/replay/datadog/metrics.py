"""Datadog metric queries evaluated over the vendor data (monitors/types/metric, as-count-in-monitor-evaluations).

A metric query selects every series of its metric whose tags include its scope, and aggregates them per point
(space aggregation). Per series kind:

- count: the point is the step's count; `.as_count()` keeps it, `.as_rate()` divides it by the step (per second).
  A count needs one of the two (the default differs between metric types; the replay does not guess).
- gauge: the point is the mean of the step's submissions.
- distribution: `pNN:` is the percentile of the pooled values; avg, sum, min, max of the pooled values.

Over a monitor's window (time aggregation), two paths as Datadog documents them: with at least one `.as_count()`,
each query is summed over the window first and the formula applied to the sums (`sum` only); otherwise the formula
is applied point by point and the time aggregation to the result. `percentile(last_5m):p95:...` is the percentile of
every value the window holds. A formula with a query that has no point at a time stamp has no value there; on the
as_count path a count with no point in the window counts 0 beside the others' ("COUNT or RATE type metrics queried
as_count() or as_rate() are always aligned as 0", dashboards/functions/interpolation), and a window where no query has
a point has no value. A division by zero has no value.

`monotonic_diff(default_zero(query))` (a gauge's increases: messages arriving in a queue) fills the gaps of the query's
one series with 0, then takes each point less its preceding point when positive, else 0. The replay computes it over
the whole scenario, so a window's first point compares with the point before the window.

Late data: a series Datadog receives late (the AWS integration's, `DatadogSeries.delay`) holds at an evaluation only
the points it has by then; a window read at `now` is cut, for that query, at `now − delay`.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Mapping, Sequence
from typing import Optional

import numpy

from ..data import DatadogSeries, VendorData
from ..errors import ReplayError
from ..samples import Distribution, Sample
from ..windows import Aggregates
from .queries import Binary, Formula, MetricQuery, Negate, Number, Term, terms

_SPACE: dict[str, Callable[[Sequence[float]], float]] = {"avg": statistics.fmean, "sum": sum, "min": min, "max": max}


class DatadogData:
    """The Datadog side of the vendor data, with each metric query's points computed once."""

    def __init__(self, data: VendorData) -> None:
        self.data = data
        self._points: dict[MetricQuery, list[Optional[float]]] = {}
        self._distributions: dict[MetricQuery, list[Optional[Distribution]]] = {}
        self._aggregates: dict[object, Aggregates] = {}

    def matching(self, query: MetricQuery) -> list[DatadogSeries]:
        found = [s for s in self.data.datadog if s.metric == query.metric and query.scope <= s.tags]
        kinds = {s.kind for s in found}
        if len(kinds) > 1:
            raise ReplayError(f"{query.text}: the matching series mix kinds ({', '.join(sorted(kinds))})")
        if kinds:
            kind = kinds.pop()
            if kind == "count" and query.modifier is None:
                raise ReplayError(f"{query.text}: {query.metric} is a count: the query needs .as_count() or .as_rate()")
            if kind != "count" and query.modifier is not None:
                raise ReplayError(f"{query.text}: .{query.modifier}() applies to counts, and {query.metric} is a {kind}")
            if query.percentile is not None and kind != "distribution":
                raise ReplayError(f"{query.text}: {query.space} needs a distribution, and {query.metric} is a {kind}")
        return found

    def points(self, query: MetricQuery) -> list[Optional[float]]:
        """The query's value at each point of the grid (None where no series has a point)."""
        found = self._points.get(query)
        if found is None:
            found = self._compute(query)
            self._points[query] = found
        return found

    def distributions(self, query: MetricQuery) -> list[Optional[Distribution]]:
        """The pooled values of every matching distribution series at each point."""
        found = self._distributions.get(query)
        if found is None:
            series = self.matching(query)
            found = []
            if len(series) == 1:  # one series: its own values (merging one distribution is that distribution)
                for point in series[0].points:
                    values = point.values_known() if point is not None else None
                    if point is not None and values is None:
                        raise ReplayError(f"{query.text}: percentiles need the raw values of {query.metric}")
                    found.append(values)
                self._distributions[query] = found
                return found
            for i in range(self.data.length):
                known = [p.values_known() for p in (s.points[i] for s in series) if p is not None]
                if any(d is None for d in known):
                    raise ReplayError(f"{query.text}: percentiles need the raw values of {query.metric}")
                found.append(Distribution.merge(d for d in known if d is not None) if known else None)
            self._distributions[query] = found
        return found

    def _compute(self, query: MetricQuery) -> list[Optional[float]]:
        series = self.matching(query)
        if not series:
            return [None] * self.data.length
        kind, step = series[0].kind, self.data.step
        if query.percentile is not None:
            level = query.percentile
            return [d.percentile(level) if d is not None else None for d in self.distributions(query)]
        if query.functions:
            return self._functions(query, series)
        out: list[Optional[float]] = []
        for i in range(self.data.length):
            samples = [p for p in (s.points[i] for s in series) if p is not None]
            if not samples:
                out.append(None)
            elif kind == "count":
                values = [s.sum / step if query.modifier == "as_rate" else s.sum for s in samples]
                out.append(_SPACE[query.space](values))
            elif kind == "gauge":
                out.append(_SPACE[query.space]([s.mean for s in samples]))
            else:
                out.append(_pooled(query.space, samples))
        return out

    def _functions(self, query: MetricQuery, series: list[DatadogSeries]) -> list[Optional[float]]:
        """default_zero and monotonic_diff over the query's one series (several series are refused: the two functions
        apply at different stages of the aggregation, which one series makes moot)."""
        if len(series) > 1:
            raise ReplayError(f"{query.text}: the replay applies {', '.join(query.functions)} to one series, and {len(series)} match")
        if series[0].kind != "gauge":
            raise ReplayError(f"{query.text}: the replay applies {', '.join(query.functions)} to gauges, and {query.metric} is a {series[0].kind}")
        points: list[Optional[float]] = self.points(query.bare)
        for function in reversed(query.functions):  # innermost first
            points = _default_zero(points) if function == "default_zero" else _monotonic_diff(points)
        return points

    def delay(self, query: MetricQuery) -> int:
        """Seconds Datadog receives the query's points late: the latest of its matching series."""
        return max((s.delay for s in self.matching(query)), default=0)

    def aggregates(self, key: object, points: Sequence[Optional[float]]) -> Aggregates:
        """Window aggregates over a series of values (one sample per point), cached under `key`."""
        found = self._aggregates.get(key)
        if found is None:
            found = Aggregates.of_values(points)
            self._aggregates[key] = found
        return found


def _default_zero(points: Sequence[Optional[float]]) -> list[Optional[float]]:
    """"fills empty time intervals using the value 0" (dashboards/functions/interpolation); a series without any point
    stays empty ("If there are no data points in the evaluation window, default_zero() has no effect"). Interpolation
    (gauges, up to 5 minutes) is not replayed: the queues it is used on publish every minute while active."""
    if all(p is None for p in points):
        return list(points)
    return [0.0 if p is None else p for p in points]


def _monotonic_diff(points: Sequence[Optional[float]]) -> list[Optional[float]]:
    """"like diff() but only if the delta is positive" (dashboards/functions/rate): each point less the preceding one
    when positive, else 0; none at the first point or where there is none."""
    out: list[Optional[float]] = []
    previous: Optional[float] = None
    for point in points:
        if point is None:
            out.append(None)
            continue
        out.append(None if previous is None else max(0.0, point - previous))
        previous = point
    return out


def _pooled(space: str, samples: Sequence[Sample]) -> float:
    if space == "avg":
        return sum(s.sum for s in samples) / sum(s.count for s in samples)
    if space == "sum":
        return sum(s.sum for s in samples)
    if space == "min":
        return min(s.min for s in samples)
    return max(s.max for s in samples)


def apply(formula: Formula, value: Callable[[MetricQuery], Optional[float]]) -> Optional[float]:
    """The formula with each query's value; None when a query has none or a division is by zero."""
    queries, function = compile_formula(formula)
    return function([value(q) for q in queries])


Row = Sequence[Optional[float]]


def compile_formula(formula: Formula) -> tuple[list[MetricQuery], Callable[[Row], Optional[float]]]:
    """The formula's distinct queries, and the formula as a function of their values in that order."""
    queries = list(dict.fromkeys(terms(formula)))
    return queries, _compiled(formula, {q: i for i, q in enumerate(queries)})


def _compiled(formula: Formula, position: Mapping[MetricQuery, int]) -> Callable[[Row], Optional[float]]:
    if isinstance(formula, Number):
        constant = formula.value
        return lambda row: constant
    if isinstance(formula, Term):
        index = position[formula.query]
        return lambda row: row[index]
    if isinstance(formula, Negate):
        inner = _compiled(formula.operand, position)
        return lambda row: _negate(inner(row))
    assert isinstance(formula, Binary)
    left, right, operation = _compiled(formula.left, position), _compiled(formula.right, position), _OPERATIONS[formula.op]
    return lambda row: _combine(operation, left(row), right(row))


def _negate(x: Optional[float]) -> Optional[float]:
    return None if x is None else -x


def _combine(operation: Callable[[float, float], Optional[float]], left: Optional[float], right: Optional[float]) -> Optional[float]:
    return None if left is None or right is None else operation(left, right)


_OPERATIONS: dict[str, Callable[[float, float], Optional[float]]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: None if b == 0 else a / b,
}


def _columns(formula: Formula, columns: Mapping[MetricQuery, numpy.ndarray], n: int) -> numpy.ndarray:
    """The formula over whole columns of values (NaN where a division by zero leaves no value)."""
    if isinstance(formula, Number):
        return numpy.full(n, formula.value)
    if isinstance(formula, Term):
        return columns[formula.query].astype(float)
    if isinstance(formula, Negate):
        return -_columns(formula.operand, columns, n)
    left, right = _columns(formula.left, columns, n), _columns(formula.right, columns, n)
    if formula.op == "+":
        return left + right
    if formula.op == "-":
        return left - right
    if formula.op == "*":
        return left * right
    return numpy.where(right == 0, numpy.nan, left / numpy.where(right == 0, 1.0, right))


class WindowedFormula:
    """A formula under a time aggregation, valued over any window of the grid."""

    def __init__(self, data: DatadogData, formula: Formula, time_aggregation: str) -> None:
        self.data, self.formula, self.aggregation = data, formula, time_aggregation
        self.queries, self.function = compile_formula(formula)
        self.as_count = any(q.modifier == "as_count" for q in self.queries)
        if self.as_count:
            plain = [q.text for q in self.queries if q.modifier != "as_count"]
            if plain:
                raise ReplayError(f"{', '.join(plain)}: mixed with .as_count() queries in one formula (not supported)")
            if time_aggregation != "sum":
                raise ReplayError(f"{time_aggregation}(...) with .as_count(): only sum is evaluated by Datadog")
            self.term_windows = [data.aggregates(q, data.points(q)) for q in self.queries]
            self.delays = [data.delay(q) for q in self.queries]
            points = [data.points(q) for q in self.queries]
            if len(points) == 1:
                present = [v is not None for v in points[0]]
            else:
                present = [any(v is not None for v in row) for row in zip(*points, strict=True)]
            self.presence = data.aggregates(("present", formula), [1.0 if p else None for p in present])
        elif time_aggregation == "percentile":
            (self.query,) = self.queries
            self.percentile = self.query.percentile
            self.pooled = data.distributions(self.query)
            self.presence = data.aggregates(("present", formula), [1.0 if d is not None else None for d in self.pooled])
        else:
            columns = {q: data.points(q) for q in self.queries}
            if isinstance(formula, Term):  # the query's own points
                values = columns[formula.query]
            else:
                values = [self.function(row) for row in zip(*(columns[q] for q in self.queries), strict=True)]
            self.series = data.aggregates(("formula", formula), values)
            self.presence = self.series

    def has_data(self, window: range) -> bool:
        return self.presence.present(window) > 0

    def counts(self, window: range, now: int, before: int = 0) -> Optional[float]:
        """The formula over its queries' sums (the as_count path) in `window` as Datadog has them at `now` (a late
        query cut at `now − delay`), plus `before` steps held at each query's first point (VendorData.settled)."""
        assert self.as_count, "counts() reads .as_count() formulas"
        grid = self.data.data
        sums: list[Optional[float]] = []
        for terms_window, delay in zip(self.term_windows, self.delays, strict=True):
            cut = window
            if delay:
                stop = min(window.stop, max(window.start, (now - delay - grid.start) // grid.step))
                cut = range(window.start, stop)
            first = terms_window.points[0] if before and terms_window.points else None
            extra = before * first.sum if first is not None else 0.0
            present = terms_window.present(cut) > 0 or first is not None
            sums.append((terms_window.sum(cut) if cut else 0.0) + extra if present else None)
        if all(s is None for s in sums):
            return None
        return self.function([0.0 if s is None else s for s in sums])  # counts are aligned as 0

    def counts_over(self, ends: Sequence[int], span: int) -> list[Optional[float]]:
        """`counts` of the window `[end − span, end)` read at `end`, for every end at once (the settled history
        before the data counting when the data is settled)."""
        assert self.as_count, "counts_over() reads .as_count() formulas"
        grid = self.data.data
        start, step, length, settled = grid.start, grid.step, grid.length, grid.settled
        if isinstance(ends, range) and ends.step == step and span % step == 0 and all(d % step == 0 for d in self.delays) and len(ends):
            return self._counts_stepped(ends, span)
        columns: list[list[Optional[float]]] = []
        for aggregates, delay in zip(self.term_windows, self.delays, strict=True):
            present, _, sums = aggregates.prefixes
            first = aggregates.points[0] if aggregates.points else None
            held = first.sum if first is not None else None
            column: list[Optional[float]] = []
            for end in ends:
                begin = end - span
                lo = max(0, -((start - begin) // step))
                hi = min(length, (end - start) // step)
                if delay:
                    hi = min(hi, (end - delay - start) // step)
                hi = max(lo, hi)
                before = max(0, (start - begin) // step) if settled and held is not None else 0
                if present[hi] - present[lo] > 0 or before:
                    column.append(sums[hi] - sums[lo] + (before * held if before and held is not None else 0.0))
                else:
                    column.append(None)
            columns.append(column)
        out: list[Optional[float]] = []
        function = self.function
        for row in zip(*columns, strict=True):
            out.append(None if all(v is None for v in row) else function([0.0 if v is None else v for v in row]))
        return out

    def _counts_stepped(self, ends: range, span: int) -> list[Optional[float]]:
        """`counts_over` when the ends move one point at a time: every window's bounds move with them, so each query's
        sums are differences of its running sums at two index arrays, and the formula is applied to whole columns (the
        same values as window by window; a long error-budget window over days of data in one pass)."""
        grid = self.data.data
        start, step, length, settled = grid.start, grid.step, grid.length, grid.settled
        k = numpy.arange(len(ends))
        first_lo = -((start - (ends[0] - span)) // step)  # the first window's first point (negative: before the data)
        lo = numpy.clip(first_lo + k, 0, length)
        before = numpy.maximum(0, -(first_lo + k)) if settled else numpy.zeros(len(ends), dtype=int)
        columns: dict[MetricQuery, numpy.ndarray] = {}
        present_any = numpy.zeros(len(ends), dtype=bool)
        for query, aggregates, delay in zip(self.queries, self.term_windows, self.delays, strict=True):
            present, _, sums = (numpy.asarray(a) for a in aggregates.prefixes)
            first_hi = (ends[0] - delay - start) // step
            hi = numpy.maximum(lo, numpy.minimum(length, first_hi + k))
            first = aggregates.points[0] if aggregates.points else None
            held = float(first.sum) if first is not None and settled else 0.0
            extra = before * held if first is not None and settled else numpy.zeros(len(ends))
            present_any |= (present[hi] - present[lo] > 0) | ((before > 0) & (first is not None and settled))
            columns[query] = sums[hi] - sums[lo] + extra  # a count with no point is aligned as 0
        with numpy.errstate(divide="ignore", invalid="ignore"):
            values = _columns(self.formula, columns, len(ends))
        return [v if keep and math.isfinite(v) else None for v, keep in zip(values.tolist(), present_any.tolist(), strict=True)]

    def value(self, window: range) -> Optional[float]:
        if not self.has_data(window):
            return None
        if self.as_count:  # a count with no point in the window is aligned as 0 beside the others' (interpolation)
            return self.function([a.sum(window) for a in self.term_windows])
        if self.aggregation == "percentile":
            assert self.percentile is not None
            pooled = [d for d in (self.pooled[i] for i in window) if d is not None]
            return Distribution.merged_percentile(pooled, self.percentile)
        series = self.series
        if self.aggregation == "avg":
            return series.sum(window) / series.count(window)
        if self.aggregation == "sum":
            return series.sum(window)
        if self.aggregation == "min":
            return series.minimum(window)
        if self.aggregation == "max":
            return series.maximum(window)
        last = next(i for i in reversed(window) if series.points[i] is not None)  # "last"
        point = series.points[last]
        assert point is not None
        return point.sum
