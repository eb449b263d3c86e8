"""A signal, defined once: what it watches, where its graph sits on the dashboards, what the docs say, and how
each backend measures it — or why that backend cannot.

Realisations are data plus one function each (the Datadog expression, the CloudWatch metric or metric math), so
monitors, alarms, dashboards, vendor rules and docs all read the same definition and cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, Optional, Union

from spec import Duration, Percent, Rate, Service
from spec.alerts import Alerts, Direction, Quantity
from spec.dashboards import Section

from .cloudwatch import AwsScope, Convert, Evaluation, Metric, Source, metrics_of
from .datadog import Expression

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

    def value(self, quantity: Quantity, window: Duration) -> float:
        """The number Datadog compares: percent, seconds, a count, or requests per second."""
        if isinstance(quantity, Percent):
            return quantity.value
        if isinstance(quantity, Duration):
            return quantity.seconds
        if isinstance(quantity, Rate):
            return quantity.per_second
        return float(quantity)

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
        return tuple(f"{m.namespace}/{m.name}" for m in metrics_of(self.source(scope)))


DatadogRealisation = Union[DatadogMetric, DatadogLogs, Unmeasurable]
CloudWatchRealisation = Union[CloudWatchAlarm, Unmeasurable]


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

    @property
    def direction(self) -> Direction:
        return Alerts.direction(self.name)

    def on(self, backend: Backend) -> Union[DatadogRealisation, CloudWatchRealisation]:
        return self.datadog if backend == "datadog" else self.cloudwatch

    def missing(self, backend: Backend, service: Service) -> list[str]:
        """What `service` lacks for `backend` to measure this signal; empty when it can."""
        return self.on(backend).missing(service)
