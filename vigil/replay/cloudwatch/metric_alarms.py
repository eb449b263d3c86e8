"""CloudWatch metric alarms over time (AlarmThatSendsEmail.html, alarm-evaluation-window.html, PutMetricAlarm).

Every minute the alarm takes its evaluation range of periods ending now (a sliding window: a 5-minute alarm run
at 12:16 reads 12:01-12:06, 12:06-12:11, 12:11-12:16), computes each period's statistic — or the metric-math
expression over its queries — compares it with the threshold and decides its state by M of N with its
missing-data setting (missing_data.py). It starts in INSUFFICIENT_DATA and runs its actions on each change of
state only (SNS actions are not repeated while the state holds).

"Alarms that evaluate metrics in the AWS/DynamoDB namespace always ignore missing data even if you choose a different
option for TreatMissingData. When an AWS/DynamoDB metric has missing data, alarms that evaluate that metric remain in
their current state." (PutMetricAlarm, TreatMissingData): an alarm reading an AWS/DynamoDB metric — alone, in metric
math, or through a Metrics Insights query — decides as `ignore` whatever it sets. For an alarm on a math expression
"the data point is considered missing if the math expression doesn't return a value for that data point"
(alarm-data-queries.html): an expression that always returns one (FILL) never meets the rule.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Optional, Union

from ...engine import PlannedResource
from ..clock import MINUTE, Clock
from ..data import CloudWatchMetric
from ..errors import ReplayError
from ..plans import check_inputs, number, region_of
from ..timeline import ALARM, INSUFFICIENT_DATA, OK, Timeline
from . import expressions
from .actions import action_targets, notify
from .insights import InsightsQuery, insights_column, is_insights, parse_insights
from .metrics import CloudWatchData
from .missing_data import TREATMENTS, decide, evaluation_range
from .statistics import Statistic, parse_statistic

TYPE = "aws:cloudwatch/metricAlarm:MetricAlarm"
DYNAMODB = "AWS/DynamoDB"
COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    "GreaterThanThreshold": operator.gt,
    "GreaterThanOrEqualToThreshold": operator.ge,
    "LessThanThreshold": operator.lt,
    "LessThanOrEqualToThreshold": operator.le,
}
# Inputs that say nothing about when the alarm changes state or whom it tells.
_DESCRIPTIVE = ("name", "alarmDescription", "tags", "tagsAll", "region")
_UNDERSTOOD = (
    *_DESCRIPTIVE, "alarmActions", "okActions", "insufficientDataActions", "actionsEnabled", "comparisonOperator",
    "datapointsToAlarm", "evaluationPeriods", "threshold", "treatMissingData", "evaluateLowSampleCountPercentiles",
    "namespace", "metricName", "dimensions", "period", "statistic", "extendedStatistic", "metricQueries",
)


@dataclass(frozen=True)
class MetricStat:
    metric: CloudWatchMetric
    statistic: Statistic
    period: int


@dataclass(frozen=True)
class MetricMath:
    metrics: Mapping[str, MetricStat]
    expressions: Mapping[str, expressions.Node]
    returned: str
    period: int
    insights: Mapping[str, InsightsQuery] = field(default_factory=dict)  # Metrics Insights queries, by id

    @property
    def namespaces(self) -> set[str]:
        return {m.metric.namespace for m in self.metrics.values()} | {q.namespace for q in self.insights.values()}


@dataclass(frozen=True)
class MetricAlarm:
    resource: PlannedResource
    name: str
    region: str
    source: Union[MetricStat, MetricMath]
    periods: int
    datapoints: int
    treat: str  # as AWS applies it: `ignore` for an alarm on AWS/DynamoDB metrics, whatever it sets
    compare: Callable[[float, float], bool]
    threshold: float
    low_sample_ignore: bool
    actions: Mapping[str, tuple[str, ...]]  # state -> targets

    @property
    def period(self) -> int:
        return self.source.period


def _period(resource: PlannedResource, value: object) -> int:
    period = int(number(resource, value, "period"))
    if period < MINUTE or period % MINUTE:
        raise ReplayError(f"period {period} s: the replay evaluates periods of whole minutes (sub-minute, high-resolution alarms are not supported)", resource.name)
    return period


def _statistic(resource: PlannedResource, text: object) -> Statistic:
    try:
        return parse_statistic(str(text))
    except ReplayError as exc:
        raise exc.about(resource.name) from None


def _metric_stat(resource: PlannedResource, inputs: Mapping[str, Any], statistic: object, period: object) -> MetricStat:
    dims = inputs.get("dimensions") or {}
    if not isinstance(dims, dict):
        raise ReplayError(f"dimensions must be a map, got {dims!r}", resource.name)
    return MetricStat(
        CloudWatchMetric.of(str(inputs.get("namespace")), str(inputs.get("metricName")), dims),
        _statistic(resource, statistic),
        _period(resource, period),
    )


def _metric_math(resource: PlannedResource, queries: list[Any]) -> MetricMath:
    metrics: dict[str, MetricStat] = {}
    insights: dict[str, InsightsQuery] = {}
    nodes: dict[str, expressions.Node] = {}
    returned: list[str] = []
    for query in queries:
        if not isinstance(query, dict) or "id" not in query:
            raise ReplayError(f"a metric query needs an id: {query!r}", resource.name)
        check_inputs(resource, ("id", "label", "returnData", "metric", "expression", "period"), query, f"metricQueries[{query['id']}].")
        qid = str(query["id"])
        if query.get("returnData"):
            returned.append(qid)
        if query.get("period") is not None and not (query.get("expression") and is_insights(str(query["expression"]))):
            raise ReplayError(f"metric query {qid}: a period of its own is read for a Metrics Insights query only", resource.name)
        if query.get("metric"):
            metric = query["metric"]
            check_inputs(resource, ("namespace", "metricName", "dimensions", "stat", "period"), metric, f"metricQueries[{qid}].metric.")
            metrics[qid] = _metric_stat(resource, metric, metric.get("stat"), metric.get("period"))
        elif query.get("expression") and is_insights(str(query["expression"])):
            if query.get("period") is None:
                raise ReplayError(f"Metrics Insights query {qid} needs its period", resource.name)
            try:
                insights[qid] = parse_insights(str(query["expression"]), _period(resource, query.get("period")))
            except ReplayError as exc:
                raise exc.about(resource.name) from None
        elif query.get("expression"):
            try:
                nodes[qid] = expressions.parse(str(query["expression"]))
            except ReplayError as exc:
                raise exc.about(resource.name) from None
        else:
            raise ReplayError(f"metric query {qid} has neither a metric nor an expression", resource.name)
    if len(returned) != 1:
        raise ReplayError(f"exactly one metric query must return data, got {len(returned)}", resource.name)
    periods = {m.period for m in metrics.values()} | {q.period for q in insights.values()}
    if len(periods) != 1:
        raise ReplayError(f"an alarm's metrics must share one period, got {sorted(periods)}", resource.name)
    known = set(metrics) | set(nodes) | set(insights)
    for qid, node in nodes.items():
        missing = expressions.references(node) - known
        if missing:
            raise ReplayError(f"expression {qid} uses unknown ids {', '.join(sorted(missing))}", resource.name)
    _order(resource, nodes)
    return MetricMath(metrics, nodes, returned[0], periods.pop(), insights)


def _order(resource: PlannedResource, nodes: Mapping[str, expressions.Node]) -> list[str]:
    """Expressions in an order where each comes after those it uses; a cycle is an error."""
    done: list[str] = []
    visiting: set[str] = set()

    def visit(qid: str) -> None:
        if qid in done:
            return
        if qid in visiting:
            raise ReplayError(f"expression {qid} depends on itself", resource.name)
        visiting.add(qid)
        for used in sorted(expressions.references(nodes[qid]) & set(nodes)):
            visit(used)
        visiting.discard(qid)
        done.append(qid)

    for qid in sorted(nodes):
        visit(qid)
    return done


def compile_metric_alarm(resource: PlannedResource) -> MetricAlarm:
    inputs = resource.inputs
    check_inputs(resource, _UNDERSTOOD)
    comparison = str(inputs.get("comparisonOperator"))
    if comparison not in COMPARISONS:
        raise ReplayError(f"comparisonOperator {comparison!r} is not supported (known: {', '.join(COMPARISONS)})", resource.name)
    treat = str(inputs.get("treatMissingData") or "missing")
    if treat not in TREATMENTS:
        raise ReplayError(f"treatMissingData {treat!r} is not one of {', '.join(TREATMENTS)}", resource.name)
    source: Union[MetricStat, MetricMath]
    if inputs.get("metricQueries"):
        for key in ("namespace", "metricName", "dimensions", "period", "statistic", "extendedStatistic"):
            if inputs.get(key) not in (None, {}, ""):
                raise ReplayError(f"{key} and metricQueries together", resource.name)
        source = _metric_math(resource, inputs["metricQueries"])
    else:
        stats = [inputs.get("statistic"), inputs.get("extendedStatistic")]
        if sum(s is not None for s in stats) != 1:
            raise ReplayError("exactly one of statistic and extendedStatistic is needed", resource.name)
        source = _metric_stat(resource, inputs, stats[0] or stats[1], inputs.get("period"))
    periods = int(number(resource, inputs.get("evaluationPeriods"), "evaluationPeriods"))
    datapoints = int(number(resource, inputs.get("datapointsToAlarm") or periods, "datapointsToAlarm"))
    if not 1 <= datapoints <= periods:
        raise ReplayError(f"datapointsToAlarm {datapoints} must be between 1 and evaluationPeriods {periods}", resource.name)
    enabled = inputs.get("actionsEnabled", True) is not False
    low_samples = str(inputs.get("evaluateLowSampleCountPercentiles") or "evaluate")
    if low_samples not in ("evaluate", "ignore"):
        raise ReplayError(f"evaluateLowSampleCountPercentiles {low_samples!r} is not evaluate or ignore", resource.name)
    namespaces = {source.metric.namespace} if isinstance(source, MetricStat) else source.namespaces
    return MetricAlarm(
        resource=resource,
        name=str(inputs.get("name") or resource.name),
        region=region_of(resource),
        source=source,
        periods=periods,
        datapoints=datapoints,
        treat="ignore" if DYNAMODB in namespaces else treat,  # AWS ignores the setting on AWS/DynamoDB metrics
        compare=COMPARISONS[comparison],
        threshold=number(resource, inputs.get("threshold"), "threshold"),
        low_sample_ignore=low_samples == "ignore",
        actions={
            ALARM: action_targets(inputs.get("alarmActions")) if enabled else (),
            OK: action_targets(inputs.get("okActions")) if enabled else (),
            INSUFFICIENT_DATA: action_targets(inputs.get("insufficientDataActions")) if enabled else (),
        },
    )


def _low_sample_limit(percentile: float) -> float:
    """Samples below which `evaluateLowSampleCountPercentiles: ignore` holds the state (percentiles-with-low-samples)."""
    p = percentile / 100
    if p >= 0.5:
        return 10 / (1 - p) if p < 1 else float("inf")
    return 10 / p if p > 0 else float("inf")


class _Values:
    """The alarm's value for the period ending at each minute of the grid (before the replay too, for the range)."""

    def __init__(self, alarm: MetricAlarm, data: CloudWatchData, clock: Clock, first: int) -> None:
        self.alarm, self.data, self.clock, self.first = alarm, data, clock, first
        ends = range(first, clock.end + 1, MINUTE)
        # a period ending at or before the data's start holds no point: no value, nothing to compute (but FILL gives one)
        before = max(0, min(len(ends), (data.data.start - first) // MINUTE + 1)) if not _fills(alarm.source) else 0
        nothing: list[Optional[float]] = [None] * before
        self.values = nothing + self._compute(ends[before:])
        # with evaluateLowSampleCountPercentiles: ignore, each period's sample count and the count it needs
        self.counts: Optional[list[float]] = None
        self.needed = 0.0
        source = alarm.source
        if alarm.low_sample_ignore and isinstance(source, MetricStat) and source.statistic.percentile_level is not None:
            series = data.series(source.metric)
            self.counts = [series.count(data.data.window(e - source.period, e)) for e in ends]
            self.needed = _low_sample_limit(source.statistic.percentile_level)

    def _stat(self, stat: MetricStat, ends: range) -> list[Optional[float]]:
        try:
            return self.data.statistic(stat.metric, stat.statistic, stat.period, ends)
        except ReplayError as exc:
            raise exc.about(self.alarm.resource.name) from None

    def _compute(self, ends: range) -> list[Optional[float]]:
        source = self.alarm.source
        if isinstance(source, MetricStat):
            return self._stat(source, ends)
        columns: dict[str, list[Optional[float]]] = {qid: self._stat(stat, ends) for qid, stat in source.metrics.items()}
        for qid, query in source.insights.items():
            try:
                columns[qid] = insights_column(query, self.data, ends)
            except ReplayError as exc:
                raise exc.about(self.alarm.resource.name) from None
        for qid in _order(self.alarm.resource, source.expressions):
            columns[qid] = expressions.evaluate_columns(source.expressions[qid], columns, len(ends))
        return columns[source.returned]


def _fills(source: Union[MetricStat, MetricMath]) -> bool:
    return isinstance(source, MetricMath) and any(expressions.fills(node) for node in source.expressions.values())


def run_metric_alarm(alarm: MetricAlarm, data: CloudWatchData, clock: Clock) -> Timeline:
    timeline = Timeline(alarm.resource.name, alarm.resource.type, "aws", INSUFFICIENT_DATA)
    span = evaluation_range(alarm.periods)
    first = clock.start + MINUTE - (span - 1) * alarm.period
    values = _Values(alarm, data, clock, first)
    classes: list[Optional[bool]] = [None if v is None else alarm.compare(v, alarm.threshold) for v in values.values]
    step = alarm.period // MINUTE
    state = timeline.initial
    decided: dict[tuple[tuple[Optional[bool], ...], str], str] = {}  # the same range in the same state decides the same
    back = (span - 1) * step
    for t in clock.ticks():
        newest = (t - first) // MINUTE
        if values.counts is not None and values.counts[newest] < values.needed:
            continue  # too few samples for this percentile: the state holds
        points = tuple(classes[newest - back : newest + 1 : step])  # the evaluation range, oldest first
        new = decided.get((points, state))
        if new is None:
            new = decided[(points, state)] = decide(points, alarm.periods, alarm.datapoints, alarm.treat, state)
        if new != state:
            timeline.enter(t, new)
            notify(timeline, alarm.actions, t, state, new)
            state = new
    return timeline

