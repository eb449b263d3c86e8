"""Datadog SLOs as their alerts read them: the error rate over any window (service_level_objectives/metric,
time_slice, burn_rate).

- Metric SLO: error rate = 1 − Σgood / Σtotal over the window, numerator and denominator summed (`.as_count()`).
  No traffic in the window: no error rate.
- Time-slice SLO: the window is cut into slices of `queryIntervalSeconds` (1 or 5 minutes); a slice is down when
  its value fails the uptime condition (`comparator` `threshold`) and up otherwise — a slice without data is
  uptime. Error rate = down slices / slices. Derived (docs/replay.md): slices are aligned on the replay's start,
  a window counts the slices wholly inside it, and only slices since the replay's start (the SLO's data begins
  there) — unless the data is `settled`: a window reaching before the data then counts, before it, events (or slices)
  as at the first step.
- Late data (the AWS integration's): a window read at its end holds a late query's points only up to `end − delay`.

Each query of a slice is aggregated over the slice as its kind suggests: a `pNN:` query is the percentile of every
value of the slice, an `.as_count()` query its sum, any other the mean of its points.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Optional, Union

import numpy

from ...engine import PlannedResource
from ..errors import ReplayError
from ..plans import check_inputs, number
from ..samples import Distribution
from ..windows import running
from .metrics import DatadogData, WindowedFormula, apply
from .queries import Formula, MetricQuery, parse_formula, parse_metric, terms
from .thresholds import BREACH

TYPE = "datadog:index/serviceLevelObjective:ServiceLevelObjective"
_COMMON = ("name", "description", "tags", "type", "thresholds", "timeframe", "targetThreshold", "warningThreshold", "forceDelete")
TIMEFRAMES = {"7d": 7 * 86400, "30d": 30 * 86400, "90d": 90 * 86400}


@dataclass(frozen=True)
class MetricSli:
    good: Formula
    total: Formula


@dataclass(frozen=True)
class TimeSliceSli:
    formula: Formula
    comparator: str
    threshold: float
    slice: int


@dataclass(frozen=True)
class Slo:
    resource: PlannedResource
    target: float  # percent
    timeframe: str
    sli: Union[MetricSli, TimeSliceSli]

    @property
    def budget(self) -> float:
        """The error budget as a fraction: 1 − target."""
        return 1 - self.target / 100


def _count_formula(resource: PlannedResource, text: object, what: str) -> Formula:
    try:
        formula = parse_formula(str(text or ""))
    except ReplayError as exc:
        raise exc.about(resource.name) from None
    queries = terms(formula)
    if any(q.by for q in queries):
        raise ReplayError(f"{what}: a metric SLO query grouped by tags is not supported", resource.name)
    if not queries or any(q.modifier != "as_count" for q in queries):
        raise ReplayError(f"{what}: a metric SLO sums counts: every query needs .as_count()", resource.name)
    return formula


def _time_slice(resource: PlannedResource, spec: Mapping[str, Any]) -> TimeSliceSli:
    check_inputs(resource, ("comparator", "threshold", "queryIntervalSeconds", "query"), spec, "sliSpecification.timeSlice.")
    comparator = str(spec.get("comparator"))
    if comparator not in BREACH:
        raise ReplayError(f"time slice comparator {comparator!r} (known: {' '.join(BREACH)})", resource.name)
    interval = int(number(resource, spec.get("queryIntervalSeconds") or 300, "queryIntervalSeconds"))
    if interval not in (60, 300):
        raise ReplayError(f"queryIntervalSeconds {interval}: time slices are 60 or 300 s", resource.name)
    query = spec.get("query") or {}
    check_inputs(resource, ("formula", "queries"), query, "sliSpecification.timeSlice.query.")
    named: dict[str, MetricQuery] = {}
    for entry in query.get("queries") or []:
        metric = entry.get("metricQuery") if isinstance(entry, dict) else None
        if not metric or len(entry) != 1:
            raise ReplayError(f"time slice query {entry!r}: only metricQuery is supported", resource.name)
        check_inputs(resource, ("dataSource", "name", "query"), metric, "sliSpecification.timeSlice.query.queries[].metricQuery.")
        if metric.get("dataSource", "metrics") != "metrics":
            raise ReplayError(f"time slice data source {metric.get('dataSource')!r}: only metrics", resource.name)
        try:
            named[str(metric["name"])] = parse_metric(str(metric["query"]))
        except ReplayError as exc:
            raise exc.about(resource.name) from None
    formula_spec = query.get("formula") or {}
    check_inputs(resource, ("formulaExpression",), formula_spec, "sliSpecification.timeSlice.query.formula.")
    try:
        formula = parse_formula(str(formula_spec.get("formulaExpression") or ""), named)
    except ReplayError as exc:
        raise exc.about(resource.name) from None
    return TimeSliceSli(formula, comparator, number(resource, spec.get("threshold"), "threshold"), interval)


def compile_slo(resource: PlannedResource) -> Slo:
    inputs = resource.inputs
    kind = inputs.get("type")
    if kind == "metric":
        check_inputs(resource, (*_COMMON, "query"))
        query = inputs.get("query") or {}
        check_inputs(resource, ("numerator", "denominator"), query, "query.")
        sli: Union[MetricSli, TimeSliceSli] = MetricSli(
            _count_formula(resource, query.get("numerator"), "query.numerator"),
            _count_formula(resource, query.get("denominator"), "query.denominator"),
        )
    elif kind == "time_slice":
        check_inputs(resource, (*_COMMON, "sliSpecification"))
        spec = inputs.get("sliSpecification") or {}
        check_inputs(resource, ("timeSlice",), spec, "sliSpecification.")
        sli = _time_slice(resource, spec.get("timeSlice") or {})
    else:
        raise ReplayError(f"SLO type {kind!r}: the replay knows metric and time_slice SLOs", resource.name)
    timeframe = str(inputs.get("timeframe") or "")
    target = inputs.get("targetThreshold")
    thresholds = inputs.get("thresholds") or []
    if target is None or not timeframe:
        found = [t for t in thresholds if isinstance(t, dict)]
        if not found:
            raise ReplayError("an SLO needs a target and a timeframe", resource.name)
        target, timeframe = found[0].get("target"), str(found[0].get("timeframe"))
    if timeframe not in TIMEFRAMES:
        raise ReplayError(f"SLO timeframe {timeframe!r} (known: {', '.join(TIMEFRAMES)})", resource.name)
    target_value = number(resource, target, "targetThreshold")
    if not 0 < target_value < 100:
        raise ReplayError(f"SLO target {target_value:g} must be strictly between 0 and 100", resource.name)
    return Slo(resource, target_value, timeframe, sli)


class SloSeries:
    """An SLO's error rate over any window of the replay."""

    def __init__(self, slo: Slo, data: DatadogData) -> None:
        self.slo, self.data = slo, data
        sli = slo.sli
        if isinstance(sli, MetricSli):
            self.good = WindowedFormula(data, sli.good, "sum")
            self.total = WindowedFormula(data, sli.total, "sum")
        else:
            grid = data.data
            down: list[float] = []
            for begin in range(grid.start, grid.end - sli.slice + 1, sli.slice):
                value = _slice_value(data, sli.formula, grid.window(begin, begin + sli.slice))
                down.append(1.0 if value is not None and not BREACH[sli.comparator](value, sli.threshold) else 0.0)
            self.down = running(down)

    def error_rate(self, begin: int, end: int) -> Optional[float]:
        """Bad over all in `[begin, end)`; None when the window holds no event (no traffic, or no whole slice)."""
        sli = self.slo.sli
        grid = self.data.data
        before = max(0, (grid.start - begin) // grid.step) if grid.settled else 0
        if isinstance(sli, MetricSli):
            window = grid.window(begin, end)
            good, total = self.good.counts(window, end, before), self.total.counts(window, end, before)
            if total is None or total <= 0:
                return None
            return 1 - (good or 0.0) / total  # no good event where there are events: every one failed
        first = max(0, -((grid.start - begin) // sli.slice))
        last = min(len(self.down) - 1, (end - grid.start) // sli.slice)
        early = max(0, (grid.start - begin) // sli.slice) if grid.settled and len(self.down) > 1 else 0
        if last <= first and not early:
            return None
        down = self.down[last] - self.down[first] + early * (self.down[1] - self.down[0])
        return down / (last - first + early)


    def error_rates(self, ends: Sequence[int], span: int) -> list[Optional[float]]:
        """`error_rate(end − span, end)` for every end at once (a metric SLO's in one pass over its sums)."""
        sli = self.slo.sli
        if not isinstance(sli, MetricSli):
            grid = self.data.data
            end = numpy.asarray(ends)
            begin = end - span
            down = numpy.asarray(self.down)
            first = numpy.maximum(0, -((grid.start - begin) // sli.slice))
            last = numpy.minimum(len(self.down) - 1, (end - grid.start) // sli.slice)
            early = numpy.maximum(0, (grid.start - begin) // sli.slice) if grid.settled and len(self.down) > 1 else numpy.zeros(len(end), dtype=int)
            held = self.down[1] - self.down[0] if len(self.down) > 1 else 0.0
            slices = numpy.maximum(last - first, 0) + early
            bad = numpy.where(last > first, down[numpy.maximum(last, first)] - down[first], 0.0) + early * held
            rows = zip(bad.tolist(), slices.tolist(), last.tolist(), first.tolist(), early.tolist(), strict=True)
            return [float(b) / n if n > 0 and (hi > lo or e > 0) else None for b, n, hi, lo, e in rows]
        goods, totals = self.good.counts_over(ends, span), self.total.counts_over(ends, span)
        return [None if total is None or total <= 0 else 1 - (good or 0.0) / total for good, total in zip(goods, totals, strict=True)]


def _slice_value(data: DatadogData, formula: Formula, window: range) -> Optional[float]:
    values: dict[MetricQuery, Optional[float]] = {}
    for query in terms(formula):
        if query.percentile is not None:
            pooled = [d for d in (data.distributions(query)[i] for i in window) if d is not None]
            values[query] = Distribution.merged_percentile(pooled, query.percentile) if pooled else None
            continue
        points = [p for p in (data.points(query)[i] for i in window) if p is not None]
        if not points:
            values[query] = None
        else:
            values[query] = sum(points) if query.modifier == "as_count" else sum(points) / len(points)
    return apply(formula, values.get)
