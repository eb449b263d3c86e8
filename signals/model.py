"""A signal, defined once: what it watches, where its graph sits on the dashboards, what the docs say, and how
each backend measures it — or why that backend cannot.

Realisations are data plus one function each (the Datadog expression, the CloudWatch metric or metric math), so
monitors, alarms, dashboards, vendor rules and docs all read the same definition and cannot drift apart.
A signal's `drive`, and the series at the end of this module, are what the alert replay (vigil/replay) reads: the
measurements a scenario sets, and what each vendor receives for them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Optional, Union

from spec import Duration, Rate, Service
from spec.alerts import Alerts, Direction, Quantity, canonical
from spec.dashboards import Section

from .cloudwatch import AwsScope, Convert, Evaluation, Insights, Metric, Source, metrics_of
from .datadog import Expression

if TYPE_CHECKING:
    import pulumi

Backend = Literal["datadog", "aws"]
BACKEND_NAMES: dict[Backend, str] = {"datadog": "Datadog", "aws": "CloudWatch"}


@dataclass(frozen=True)
class Need:
    """Something a realisation needs of the service's spec, named as the spec writes it."""

    what: str  # the spec path, e.g. "sources.aws.elasticache"
    holds: Callable[[Service], bool]
    how: str = ""  # what about it, when more than being there: "written as a name (...)"

    def __str__(self) -> str:
        return f"{self.what} {self.how}" if self.how else self.what


@dataclass(frozen=True)
class Unmeasurable:
    """A backend that cannot measure the signal at all, and why (said wherever the signal is asked of it)."""

    reason: str

    def missing(self, service: Service) -> list[str]:
        return [self.reason]


@dataclass(frozen=True, kw_only=True)
class _Realisation:
    needs: tuple[Need, ...]

    def missing(self, service: Service) -> list[str]:
        """What the service's spec lacks for this backend to measure the signal (empty: it can)."""
        return [str(need) for need in self.needs if not need.holds(service)]


@dataclass(frozen=True)
class DatadogGraph:
    """A line on the Datadog dashboard: signals of a section sharing a title share one graph."""

    title: str
    label: str


@dataclass(frozen=True, kw_only=True)
class DatadogMetric(_Realisation):
    """A `query alert`: `<aggregation>(last_<window>):<expression> <comparator> <threshold>`."""

    query: Callable[[Service, str], Expression]  # (service, env filter) -> expression
    aggregation: Literal["avg", "sum", "percentile", "max", "min"]  # over the window
    window: Duration
    unit: str  # of the number in the query, as messages show it: "%", " s"
    graph: DatadogGraph
    notify_no_data: bool = False  # sparse signals (APM counts) have gaps that are not outages
    require_full_window: bool = False
    evaluation_delay: Optional[int] = None  # seconds Datadog waits for late data (AWS integration metrics)
    # A rate is compared as the events counted over the window (a `sum(...)` of an `.as_count()` query) rather than
    # per second: sparse counts (throttles, errors) publish nothing while nothing happens, which a per-second
    # average over the window's points would not see.
    counts_window: bool = False
    # Low traffic: the query counting the requests a share is taken of (`.as_count()`, summed over the window), where
    # the alert stays quiet below the service's `min_requests` (a composite with a monitor of it: monitors/datadog).
    # Default: what the expression's share of counts is taken of (`Expression.counted`), so every rate alert is guarded;
    # `guard=False` for a share of something else than the service's requests (a cache's lookups).
    requests: Optional[Callable[[Service, str], str]] = None
    guard: bool = True

    def counted(self, service: Service, env: str) -> Optional[str]:
        """The query counting what the alert's share is taken of: `requests` when given, else the expression's own
        denominator when it is a share of counts (a percentage); None: not a rate alert, never guarded."""
        if not self.guard:
            return None
        if self.requests is not None:
            return self.requests(service, env)
        return self.query(service, env).counted() if self.unit == "%" else None

    def value(self, quantity: Quantity, window: Duration) -> float:
        """The number Datadog compares: percent, seconds, a count, events per second (or per window)."""
        if isinstance(quantity, Rate) and self.counts_window:
            return quantity.per(window.seconds)
        return canonical(quantity)

    def metric_names(self, service: Service, env: str) -> tuple[str, ...]:
        return self.query(service, env).metric_names()


@dataclass(frozen=True, kw_only=True)
class DatadogLogs(_Realisation):
    """A `log alert`: the count of matching log lines over the window."""

    search: Callable[[Service, str], str]  # (service, env filter) -> log search
    window: Duration
    unit: str = " lines"
    notify_no_data: bool = False
    evaluation_delay: Optional[int] = None

    def value(self, quantity: Quantity, window: Duration) -> float:
        """Log lines per window."""
        assert isinstance(quantity, Rate)
        return quantity.per(window.seconds)


@dataclass(frozen=True)
class CloudWatchGraph:
    """How the CloudWatch dashboard draws the signal. Signals of a section sharing a `title` share one graph,
    each line labelled `label`; `per_second` draws a per-period count as a rate; `rows` draws other series than
    the alarm's own (e.g. every log level counted), whether or not the alarm can be built."""

    title: Optional[str] = None  # default: the realisation's title, a graph of its own
    label: Optional[str] = None
    per_second: bool = False
    rows: Optional[Callable[[AwsScope], list[tuple[Metric, str]]]] = None


@dataclass(frozen=True, kw_only=True)
class CloudWatchAlarm(_Realisation):
    """A metric alarm per threshold level: on `source`, compared in `unit`, evaluated as `evaluation`."""

    title: str
    source: Callable[[AwsScope], Source]
    unit: str  # the unit thresholds are compared in: s, %, connections, per period
    evaluation: Evaluation
    convert: Convert  # (spec value, period seconds) -> threshold
    graph: CloudWatchGraph = field(default_factory=CloudWatchGraph)

    def metric_names(self, scope: AwsScope) -> tuple[str, ...]:
        source = self.source(scope)
        if isinstance(source, Insights):
            return (f"{source.namespace}/{source.metric}",)
        return tuple(f"{m.namespace}/{m.name}" for m in metrics_of(source))


DatadogRealisation = Union[DatadogMetric, DatadogLogs, Unmeasurable]
CloudWatchRealisation = Union[CloudWatchAlarm, Unmeasurable]


@dataclass(frozen=True)
class Drive:
    """How a scenario makes the alert signal take a value: `series` takes it (in the alert's own units: percent,
    seconds, per second, a count), with `steady` series held beside it (the traffic an error share is a share of).
    The standard replay's breaches and healthy runs are made of these."""

    series: str
    steady: Mapping[str, float] = field(default_factory=dict)
    # series written for the same measurement another way (a p95 duration, and the same p95 of the timeout): a breach of
    # this one replays without them, which would otherwise hold the measurement at their healthy value
    same: tuple[str, ...] = ()

    def values(self, value: float) -> dict[str, float]:
        return {**self.steady, self.series: value}


@dataclass(frozen=True, kw_only=True)
class Signal:
    """One alert signal. Its spec field (name, quantity, direction) is `spec.alerts.Alerts.<name>`."""

    name: str
    title: str  # as people read it: monitor names, docs headings ("p95 latency")
    section: Section  # the dashboards' section its graph sits in
    watches: str  # one sentence for the docs: what it measures and why it matters
    steps: tuple[str, ...]  # what to do when it fires (the generated runbook section)
    datadog: DatadogRealisation
    cloudwatch: CloudWatchRealisation
    drive: Optional[Drive] = None  # the series that move it (the replay); every signal has one (tests/signals)
    fires: Optional[Direction] = None  # a custom alert's own direction; a registry signal's is its spec field's
    # Counted from a metric the vendor publishes only while something happens (throttles, failures, dead letters): a
    # period without data is healthy, and the alert must come back to OK between bursts by itself, or a second burst
    # would notify nobody. Datadog: `on_missing_data: resolve` ("If data is missing Show OK", Datadog's On Missing Data
    # guide), where its default keeps the last status; CloudWatch: notBreaching, or FILL where AWS ignores
    # TreatMissingData (AWS/DynamoDB). The spec's `no_data` cannot make such an alert keep or alert (the rules say so).
    sparse: bool = False

    @property
    def direction(self) -> Direction:
        return self.fires if self.fires is not None else Alerts.direction(self.name)

    def on(self, backend: Backend) -> Union[DatadogRealisation, CloudWatchRealisation]:
        return self.datadog if backend == "datadog" else self.cloudwatch

    def missing(self, backend: Backend, service: Service) -> list[str]:
        """What `service` lacks for `backend` to measure this signal; empty when it can."""
        return self.on(backend).missing(service)


# ---- Series: what an alert replay scenario sets, and what each vendor receives for it ----------------------------
#
# A scenario (docs/replay.md) gives each series a value per step: `requests: 20/s`, `errors: 2%`, `latency_p95: 120ms`,
# `health.live: down`. A family module lists its `SERIES` (name, unit, meaning) and `published(scope)`: every metric,
# log stream and probed URL the vendors receive for one service, each a function of the step's values. The replay
# builds its vendor data from those alone, so no metric name is written outside the registry.

SeriesUnit = Literal["rate", "percent", "duration", "count", "up", "any"]  # any: a custom alert's, its thresholds' unit
# A step's values by series name, in canonical units: rate per second, percent (0-100), seconds, a number, up as 1.0
# and down as 0.0. A series the scenario leaves out (or marks absent at that step) is missing from the mapping.
Values = Mapping[str, float]


@dataclass(frozen=True, kw_only=True)
class Series:
    """One measurement a scenario sets. `per_check`: one series per health check, named `<name>.<check>`;
    `per_alert`: one per custom alert, `<name>.<alert>`."""

    name: str
    unit: SeriesUnit
    means: str  # one sentence for docs/replay.md
    per_check: bool = False
    per_alert: bool = False


@dataclass(frozen=True)
class Events:
    """Events counted in the step (a count metric's point; for CloudWatch a statistic set of ones, as ALB counts)."""

    n: float


@dataclass(frozen=True)
class Gauge:
    """One value for the step (a gauge's point; a CloudWatch statistic set holding one value)."""

    value: float


@dataclass(frozen=True)
class Spread:
    """Raw values with weights, e.g. request latencies: what percentiles and trimmed counts are computed from."""

    values: tuple[tuple[float, float], ...]


Point = Union[Events, Gauge, Spread]
PointOf = Callable[[Values, int], Optional[Point]]  # (the step's values, its length in seconds) -> None: nothing received


@dataclass(frozen=True)
class CloudWatchPublication:
    """A CloudWatch metric the service's resources publish, one point per step (ALB, ECS, RDS, ElastiCache and the
    log metric filters publish every minute)."""

    namespace: str
    name: str
    dimensions: Mapping[str, pulumi.Input[str]]
    point: PointOf
    shows: tuple[str, ...]  # the series it carries (docs); it may read others (requests weigh latencies)


@dataclass(frozen=True)
class DatadogPublication:
    """A Datadog metric series: its tags (`key:value`, the env tag for the service's own metrics), its kind, its points."""

    metric: str
    tags: tuple[str, ...]
    kind: Literal["count", "gauge", "distribution"]
    point: PointOf
    shows: tuple[str, ...]
    delay: int = 0  # seconds after its minute before Datadog has a point (the AWS integration's crawler: AWS_DELAY)


@dataclass(frozen=True)
class LogPublication:
    """Log lines Datadog indexes per step, with the attributes a log search matches (as `key:value` tags)."""

    tags: tuple[str, ...]
    lines: Callable[[Values, int], Optional[float]]
    shows: tuple[str, ...]


@dataclass(frozen=True)
class ProbePublication:
    """What a request to a URL gets, per step (Route 53 checkers and Datadog synthetic tests request it); None: no
    outcome is known, which a probe cannot be (scenarios give every step of a health series)."""

    url: str
    up: Callable[[Values], Optional[bool]]
    shows: tuple[str, ...]


Publication = Union[CloudWatchPublication, DatadogPublication, LogPublication, ProbePublication]
