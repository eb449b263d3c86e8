"""What each alert of a service reads, as the vendors store it: the series a back-test must fetch for it.

The replay's compiled plan says what every alert resource evaluates (`vigil.replay.CompiledPlan`): a CloudWatch
alarm's metrics with their statistics and period, a Datadog monitor's metric queries, an SLO's numerator and
denominator. Here each alert id of a service (the replay's: `error_rate`, `slo.availability`, `custom.<name>`...)
on each backend becomes an `AlertReads`: the resources judged, the series fetched for them, how far back its
windows look (the warm-up fetched before the report starts), and, when the back-test cannot read what it
evaluates, why not (a health check's id is known only once deployed; synthetic results and log counts are not
metric series; a Metrics Insights query reads only the latest three hours).

Series, as fetched:
- CloudWatch: a metric in one account and region (the provider's), with the statistics the alarms read. A
  statistic that pools (Average) is fetched as Sum and SampleCount, a percentile or trimmed statistic with its
  SampleCount (the weights the evaluator pools minutes by).
- Datadog: a metric, its scope and grouping (`DatadogKey`); a count is fetched `.as_count()` (the evaluator
  derives `.as_rate()` from it), a distribution once per percentile asked of it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Optional

from monitors.aws.limits import INSIGHTS_WINDOW
from signals import publications
from signals.model import DatadogPublication

from ..engine import Plan
from ..replay import CompiledPlan
from ..replay.alerts import AlertPart
from ..replay.cloudwatch import metric_alarms
from ..replay.cloudwatch.missing_data import evaluation_range
from ..replay.data import CloudWatchMetric
from ..replay.datadog import monitors, slo_alerts
from ..replay.datadog.queries import MetricQuery
from ..replay.stack import ServiceReplay
from ..replay.timeline import Backend

MINUTE = 60
PLACEHOLDER = "${"
LEVEL_OF = {"page": "critical", "ticket": "warning"}


@dataclass(frozen=True, order=True)
class Place:
    """An AWS account and region, as the program's provider for it reaches them: the stack's own credentials, or a
    role assumed in another account (`sources.aws.account`)."""

    region: str
    account: Optional[str] = None
    role_arn: Optional[str] = None
    external_id: Optional[str] = None
    session_name: Optional[str] = None


@dataclass(frozen=True)
class CloudWatchSeries:
    place: Place
    metric: CloudWatchMetric

    @property
    def label(self) -> str:
        return str(self.metric)

    def _key(self) -> tuple[object, ...]:
        return (self.place, self.metric.namespace, self.metric.name, self.metric.dimensions)

    def __lt__(self, other: CloudWatchSeries) -> bool:
        return self._key() < other._key()


@dataclass(frozen=True, order=True)
class DatadogKey:
    """One Datadog series as the evaluators select it: a metric, its scope tags and grouping keys, its kind."""

    metric: str
    scope: tuple[str, ...]
    by: tuple[str, ...]
    kind: str  # count, gauge or distribution
    space: str  # the space aggregation fetched (sum, avg, max, min); a distribution's is its percentiles'

    @property
    def label(self) -> str:
        by = f" by {{{','.join(self.by)}}}" if self.by else ""
        return f"{self.metric}{{{','.join(self.scope) or '*'}}}{by}"

    def query(self, percentile: Optional[str] = None) -> str:
        """The metrics-query the back-test sends: the alert's own query, one point a minute (`.rollup(…, 60)`)."""
        scope = ",".join(self.scope) or "*"
        by = f" by {{{','.join(self.by)}}}" if self.by else ""
        if self.kind == "count":
            return f"{self.space}:{self.metric}{{{scope}}}{by}.as_count().rollup(sum, 60)"
        if self.kind == "distribution":
            return f"{percentile}:{self.metric}{{{scope}}}{by}.rollup(60)"
        return f"{self.space}:{self.metric}{{{scope}}}{by}.rollup(avg, 60)"


@dataclass
class AlertReads:
    """One alert id of a service on one backend, and what back-testing it takes."""

    service: str
    alert: str
    backend: Backend
    parts: tuple[AlertPart, ...]
    resources: frozenset[str]  # every alert resource evaluated for it (its silent windows and inputs included)
    period: int  # seconds: the alert's own period (an alarm's; a Datadog monitor's evaluation, every minute)
    lookback: int  # seconds its windows reach back before an evaluation
    cloudwatch: dict[CloudWatchSeries, set[str]] = field(default_factory=dict)  # series -> statistics fetched
    datadog: dict[DatadogKey, set[str]] = field(default_factory=dict)  # key -> percentiles ('' for others)
    refused: Optional[str] = None  # why it cannot be back-tested
    custom: bool = False  # a custom alert (`custom_alerts.<name>`)

    @property
    def id(self) -> str:
        """The alert as the report names it: the replay's id, a custom alert as `custom.<name>` (its series' name)."""
        return f"custom.{self.alert}" if self.custom else self.alert

    warned: frozenset[str] = frozenset()  # its Datadog monitors that have a warning threshold

    @property
    def levels(self) -> list[str]:
        """Its routes (page, ticket), in that order: a monitor's Warn is a level only where it has a warning threshold."""
        found: set[str] = set()
        for part in self.parts:
            if part.by_state:
                found.add(part.by_state)
                continue
            found |= {route for level, route in part.routes.items() if level != "warning" or part.resource in self.warned}
        return [r for r in ("page", "ticket") if r in found]

    @property
    def series(self) -> list[str]:
        return sorted({s.label for s in self.cloudwatch} | {k.label for k in self.datadog})


def fetched_statistics(statistic: str) -> set[str]:
    """The statistics fetched per minute for one an alarm computes over its period: what adds up exactly, or the
    statistic itself with the sample counts that weigh it."""
    if statistic == "Average":
        return {"Sum", "SampleCount"}
    if statistic in ("Sum", "SampleCount", "Minimum", "Maximum"):
        return {statistic}
    return {statistic, "SampleCount"}


def plan_places(plan: Plan) -> dict[str, Place]:
    """Every AWS provider of the plan (`aws-eu-west-1`, `aws-123456789012-eu-west-1`) as the place it reaches."""
    out: dict[str, Place] = {}
    for resource in plan.resources:
        if resource.type != "pulumi:providers:aws":
            continue
        inputs = resource.inputs
        roles = inputs.get("assumeRoles") or []
        role = roles[0] if isinstance(roles, list) and roles and isinstance(roles[0], dict) else {}
        arn = role.get("roleArn")
        out[resource.name] = Place(
            region=str(inputs.get("region") or "us-east-1"),
            account=str(arn).split(":")[4] if arn else None,
            role_arn=str(arn) if arn else None,
            external_id=role.get("externalId"),
            session_name=role.get("sessionName"),
        )
    return out


def _datadog_key(query: MetricQuery) -> DatadogKey:
    if query.percentile is not None:
        kind = "distribution"
    elif query.modifier is not None:
        kind = "count"
    else:
        kind = "gauge"
    space = "" if kind == "distribution" else query.space
    return DatadogKey(query.metric, tuple(sorted(query.scope)), query.by, kind, space)


def _lookback(compiled: CompiledPlan) -> int:
    """How far before an evaluation the alerts' windows reach: CloudWatch's evaluation range of periods, a monitor's
    window with its delay and no-data timeframe, an SLO alert's long window (an error budget's whole timeframe)."""
    found = [MINUTE]
    for alarm in compiled.metric_alarms:
        found.append(evaluation_range(alarm.periods) * alarm.period)
    for monitor in compiled.monitors:
        if isinstance(monitor, monitors.ThresholdMonitor):
            found.append(max(monitor.window, monitor.no_data or 0, monitor.timeout or 0) + monitor.delay)
        elif isinstance(monitor, slo_alerts.SloAlert):
            found.append(monitor.long)
    return max(found)


def _period(compiled: CompiledPlan) -> int:
    periods = [a.period for a in compiled.metric_alarms]
    return min(periods) if periods else MINUTE


def _stats(alarm: metric_alarms.MetricAlarm) -> list[metric_alarms.MetricStat]:
    source = alarm.source
    return [source] if isinstance(source, metric_alarms.MetricStat) else list(source.metrics.values())


def _refusal(compiled: CompiledPlan) -> Optional[str]:
    """Why the back-test cannot read what these resources evaluate, or None. What they read is the replay's word
    (`CompiledPlan.reads`); a metric alarm's statistics are read from its own metrics (a Route 53 health check's metric
    is derived by the replay, so it is looked for there)."""
    for alarm in compiled.metric_alarms:
        for stat in _stats(alarm):
            held = [f"{k}={v}" for k, v in stat.metric.dimensions if PLACEHOLDER in v]
            if held:
                return f"{stat.metric.namespace} {stat.metric.name}: its {', '.join(held)} is known only to the deployed stack (a Route 53 health check's id, another stack's output)"
    reads = compiled.reads()
    if reads.insights:
        # "You can query only the most recent three hours of data" (Metrics Insights): no history to fetch
        insights = reads.insights[0]
        return f"its Metrics Insights query ({insights.namespace} {insights.metric}) reads only the latest 3 hours, never history ({INSIGHTS_WINDOW.url})"
    for query in sorted(reads.datadog, key=lambda q: q.text):
        held = sorted(tag for tag in query.scope if PLACEHOLDER in tag)
        if held:
            return f"{query.metric}: its {', '.join(held)} is known only to the deployed stack (another stack's output)"
    if compiled.synthetics:
        return "synthetic test results are not metric series the back-test reads"
    if reads.logs:
        return "log counts are not metric series the back-test reads (Datadog log monitors)"
    return None


def _assumed_refusal(service: ServiceReplay, compiled: CompiledPlan) -> Optional[str]:
    """An expression computing with another stack's output (a Lambda timeout): the replay assumes a nominal value for it,
    which real history must not be judged by."""
    held = sorted({p for name in compiled.alerts for p in service.assuming.get(name, ())})
    if held:
        return f"its expression reads {', '.join(held)}, known only to the deployed stack (another stack's output)"
    return None


def alert_reads(service: ServiceReplay, places: Mapping[str, Place]) -> list[AlertReads]:
    """Every alert id of the service on each backend that deploys it, with what it reads."""
    index = service.index
    delays = delays_of(service)
    out: list[AlertReads] = []
    for alert in index.ids():
        if alert.startswith("slo.") and alert.endswith((".page", ".ticket")):
            continue  # the SLO's levels are reported under slo.<name>
        for backend in index.backends(alert):
            names = index.resources([alert], backend)
            compiled = service.compiled.only(names)
            reads = AlertReads(
                service=service.service.service,
                alert=alert,
                backend=backend,
                parts=tuple(index.select(alert, backend)),
                resources=frozenset(compiled.alerts),
                period=_period(compiled),
                lookback=_lookback(compiled),
                refused=_refusal(compiled) or _assumed_refusal(service, compiled),
                custom=alert in service.service.custom_alerts,
                warned=frozenset(m.resource.name for m in compiled.monitors if (m.resource.inputs.get("monitorThresholds") or {}).get("warning") is not None),
            )
            if reads.refused is None:
                _collect(reads, compiled, places, delays)
            out.append(reads)
    return out


def _collect(reads: AlertReads, compiled: CompiledPlan, places: Mapping[str, Place], delays: Mapping[str, int]) -> None:
    for alarm in compiled.metric_alarms:
        place = places.get(alarm.region) or Place(region=alarm.region.removeprefix("aws-") or "us-east-1")
        for stat in _stats(alarm):
            reads.cloudwatch.setdefault(CloudWatchSeries(place, stat.metric), set()).update(fetched_statistics(stat.statistic.text))
    for query in compiled.reads().datadog:
        key = _datadog_key(query)
        reads.datadog.setdefault(key, set()).add(query.space if key.kind == "distribution" else "")
    reads.lookback = max(reads.lookback, *(delays.get(k.metric, 0) for k in reads.datadog), 0)


def delays_of(service: ServiceReplay) -> dict[str, int]:
    """Seconds Datadog receives each metric late (the AWS integration's crawler): the registry's publications."""
    return {p.metric: p.delay for p in publications(service.scope) if isinstance(p, DatadogPublication)}


def conflicts(keys: Sequence[DatadogKey]) -> dict[DatadogKey, str]:
    """Keys the evaluators could not tell apart once fetched: the same metric and scope with another space
    aggregation or kind, or a scope inside another's (its series would be counted in the wider query too)."""
    out: dict[DatadogKey, str] = {}
    ordered = sorted(set(keys))
    for i, a in enumerate(ordered):
        for b in ordered[i + 1:]:
            if a.metric != b.metric:
                continue
            same = a.scope == b.scope and a.by == b.by
            inside = set(a.scope) < set(b.scope) or set(b.scope) < set(a.scope)
            if same or inside:
                reason = f"{a.label} and {b.label} are read with different aggregations, or one scope holds the other: the fetched series would be confused"
                out[a] = out[b] = reason
    return out

