"""Custom metric alerts: any metric, in the thresholds' grammar every alert uses.

    custom_alerts:
      orders_backlog:
        description: Orders accepted but not yet fulfilled
        fires: above
        critical: 500                 # a number; or 5%, 800ms, 20/m: the unit says what kind of value it is
        warning: 200
        window: 10m
        datadog: {metric: shop.orders.pending, aggregation: max, tags: {queue: orders}}
        aws: {namespace: Shop, metric: PendingOrders, dimensions: {Queue: orders}, statistic: Maximum}

The metric's values are compared in the thresholds' unit: a duration in seconds (or `unit: milliseconds`), a percentage
in percent (or `unit: fraction`), a rate as events counted (a count metric: Datadog sums it over the window, CloudWatch
per period). Each backend's block says where the metric lives there; a backend monitoring the service without its
block cannot measure the alert, which is an error at the alert's line (program/checks.py), as for every alert.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any, Literal, Optional, Union

from pydantic import Field, PlainValidator, Strict, StringConstraints, WithJsonSchema, model_validator

from .alerts import Direction, Threshold
from .base import SpecModel
from .grammar import (
    CLOUDWATCH_DIMENSION_PATTERN,
    CLOUDWATCH_METRIC_PATTERN,
    CLOUDWATCH_NAMESPACE_PATTERN,
    DATADOG_METRIC_PATTERN,
    TagKey,
    TagValue,
)
from .units import MAX_NUMBER, Duration, Percent, Rate

Kind = Literal["number", "percent", "duration", "rate"]
CustomQuantity = Union[Percent, Duration, Rate, float]
SPACE_AGGREGATIONS = ("avg", "sum", "min", "max", "p50", "p75", "p90", "p95", "p99")
TIME_AGGREGATIONS = ("avg", "sum", "min", "max")
MetricUnit = Literal["seconds", "milliseconds", "microseconds", "percent", "fraction"]
UNITS_OF: dict[Kind, tuple[str, ...]] = {
    "duration": ("seconds", "milliseconds", "microseconds"),
    "percent": ("percent", "fraction"),
    "number": (),
    "rate": (),
}
# How much of the metric's unit is one of the threshold's canonical unit (seconds, percent).
SCALE: dict[str, float] = {"seconds": 1, "milliseconds": 1000, "microseconds": 1_000_000, "percent": 1, "fraction": 0.01}
DEFAULT_WINDOW = Duration(300_000)
EXPECTED = "a number (500), a percentage (5%), a duration (800ms) or a rate of events (20/m)"


def kind_of(value: CustomQuantity) -> Kind:
    if isinstance(value, Percent):
        return "percent"
    if isinstance(value, Duration):
        return "duration"
    if isinstance(value, Rate):
        return "rate"
    return "number"


def _custom_value(value: Any) -> CustomQuantity:
    """A threshold as written: its unit says its kind; a bare number is a plain number."""
    if isinstance(value, (Percent, Duration, Rate)):
        return value
    if isinstance(value, bool):
        raise ValueError(f"expected {EXPECTED}, got {value!r}")
    if isinstance(value, (int, float)):
        if not math.isfinite(value) or abs(value) > MAX_NUMBER:
            raise ValueError(f"{value!r} is not a finite number within ±2^53")
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        for quantity in (Percent, Rate, Duration):
            if re.fullmatch(quantity.pattern, text):
                parsed: CustomQuantity = quantity.parse(text)
                return parsed
    raise ValueError(f"expected {EXPECTED}, got {value!r}")


CustomValue = Annotated[
    Any,
    PlainValidator(_custom_value),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number"},
                {"type": "string", "pattern": f"^(?:{Percent.pattern}|{Rate.pattern}|{Duration.pattern})$"},
            ],
            "description": EXPECTED,
        }
    ),
]


class DatadogCustomMetric(SpecModel):
    """Where the metric lives in Datadog: `<time aggregation>(last_<window>):<aggregation>:<metric>{<tags>,env:<env>}`."""

    metric: Annotated[str, StringConstraints(pattern=DATADOG_METRIC_PATTERN, max_length=200)] = Field(
        description="Metric name, e.g. shop.orders.pending"
    )
    aggregation: Optional[Literal["avg", "sum", "min", "max", "p50", "p75", "p90", "p95", "p99"]] = Field(
        default=None, description="Space aggregation across the metric's series: avg (default), sum, min, max, or pNN of a distribution"
    )
    time_aggregation: Optional[Literal["avg", "sum", "min", "max"]] = Field(
        default=None, description="Over the window: avg (default), sum, min or max (a pNN aggregation takes the window's percentile)"
    )
    tags: dict[TagKey, TagValue] = Field(default_factory=dict, description="Scope: tags every series counted carries, e.g. {queue: orders}")
    env_tag: bool = Field(default=True, description="Scope by env:<environment> too, as every vigil query is (false: the metric has no env tag)")
    unit: Optional[MetricUnit] = Field(
        default=None, description="What the metric reports, when it is not the thresholds' unit: milliseconds or microseconds (durations), fraction (percentages)"
    )
    requests: Optional[Annotated[str, StringConstraints(pattern=DATADOG_METRIC_PATTERN, max_length=200)]] = Field(
        default=None,
        description="A custom rate: the count metric of the requests (same tags) that `metric` counts a share of, e.g. shop.checkout.attempts; "
        "the alert compares 100 * metric / requests, quiet below the service's min_requests",
    )

    @model_validator(mode="after")
    def _env(self) -> DatadogCustomMetric:
        if self.env_tag and "env" in self.tags:
            raise ValueError("tag env is added by vigil (env:<environment>): remove it, or set env_tag: false to scope by tags alone")
        return self


class CloudWatchCustomMetric(SpecModel):
    """Where the metric lives in CloudWatch: one metric, a statistic (or percentile) per period."""

    namespace: str = Field(pattern=CLOUDWATCH_NAMESPACE_PATTERN, description="Namespace, e.g. Shop or AWS/SQS")
    metric: str = Field(pattern=CLOUDWATCH_METRIC_PATTERN, description="Metric name, e.g. PendingOrders")
    dimensions: dict[Annotated[str, StringConstraints(pattern=CLOUDWATCH_DIMENSION_PATTERN)], Annotated[str, StringConstraints(min_length=1, max_length=1024)]] = Field(
        default_factory=dict, max_length=30, description="Dimension name -> value (at most 30)"
    )
    statistic: Optional[str] = Field(
        default=None, description="Average (default; Sum for rates), Sum, Minimum, Maximum, SampleCount, or an extended statistic such as p95"
    )
    period: Duration = Field(default=Duration(60_000), description="Period: 10s, 20s, 30s or whole minutes; default 1m")
    datapoints: Optional[Annotated[int, Strict(), Field(ge=1)]] = Field(
        default=None, description="How many periods of the window must breach (M of N); default: all of them"
    )
    unit: Optional[MetricUnit] = Field(
        default=None, description="What the metric reports, when it is not the thresholds' unit: milliseconds or microseconds (durations), fraction (percentages)"
    )
    requests: Optional[str] = Field(
        default=None,
        pattern=CLOUDWATCH_METRIC_PATTERN,
        description="A custom rate: the metric (same namespace and dimensions) counting the requests `metric` counts a share of, "
        "e.g. CheckoutAttempts; the alarm compares 100*m1/m2 (Sum), quiet below the service's min_requests",
    )


class CustomAlert(Threshold[CustomValue]):
    """An alert on any metric: critical pages, warning tickets; `fires` says which side of the thresholds is bad."""

    description: Optional[str] = Field(default=None, description="What the metric is, for the docs and the on-call")
    fires: Direction = Field(description="above or below: which side of the thresholds is bad")
    datadog: Optional[DatadogCustomMetric] = Field(default=None, description="The metric in Datadog")
    aws: Optional[CloudWatchCustomMetric] = Field(default=None, description="The metric in CloudWatch")

    @property
    def kind(self) -> Kind:
        return kind_of(self.levels()[0][1])

    @property
    def evaluation_window(self) -> Duration:
        return self.window or DEFAULT_WINDOW

    @model_validator(mode="after")
    def _meaning(self) -> CustomAlert:
        if self.datadog is None and self.aws is None:
            raise ValueError("give the metric's 'datadog' query, its 'aws' (CloudWatch) metric, or both")
        levels = self.levels()
        kinds = {kind_of(value) for _, value in levels}
        if len(kinds) > 1:
            shown = ", ".join(f"{level} {value} ({kind_of(value)})" for level, value in levels)
            raise ValueError(f"critical and warning must be the same kind of value: {shown}")
        kind = next(iter(kinds))
        if self.critical is not None and self.warning is not None:
            if self.fires == "above" and not self.warning < self.critical:
                raise ValueError(f"warning ({self.warning}) must be below critical ({self.critical}): this alert fires above its thresholds")
            if self.fires == "below" and not self.critical < self.warning:
                raise ValueError(f"warning ({self.warning}) must be above critical ({self.critical}): this alert fires below its thresholds")
        for level, value in levels:
            if self.fires == "below" and kind != "number" and _magnitude(value) == 0:
                raise ValueError(f"{level} {value}: nothing is below it, so the alert could never fire")
            if self.fires == "above" and isinstance(value, Percent) and value.value >= 100:
                raise ValueError(f"{level} {value}: nothing is above it, so the alert could never fire")
        for backend, block in (("datadog", self.datadog), ("aws", self.aws)):
            if block is not None and block.unit is not None and block.unit not in UNITS_OF[kind]:
                allowed = " or ".join(UNITS_OF[kind]) or "none: the metric is compared as it is"
                raise ValueError(f"{backend}.unit {block.unit}: thresholds of this alert are a {kind}; the unit of its metric may be {allowed}")
        if kind == "rate":
            self._counts()
        self._shares(kind)
        if self.datadog is not None and self.datadog.aggregation is not None and self.datadog.aggregation.startswith("p") and self.datadog.time_aggregation:
            raise ValueError(f"datadog.time_aggregation {self.datadog.time_aggregation}: a {self.datadog.aggregation} aggregation takes the window's percentile")
        if self.aws is not None:
            window = self.evaluation_window
            if self.aws.period.ms > window.ms:
                raise ValueError(f"aws.period {self.aws.period} is longer than the alert's window ({window}): give a window of at least {self.aws.period}")
            periods = math.ceil(window.ms / self.aws.period.ms)
            if self.aws.datapoints is not None and self.aws.datapoints > periods:
                raise ValueError(f"aws.datapoints {self.aws.datapoints}: the window of {window} holds {periods} period(s) of {self.aws.period}")
        return self

    def _counts(self) -> None:
        """A rate counts events: Datadog sums a count over the window, CloudWatch sums (or counts samples) per period."""
        datadog = self.datadog
        if datadog is not None and (datadog.aggregation not in (None, "sum") or datadog.time_aggregation not in (None, "sum")):
            raise ValueError("a rate counts events: Datadog sums the count metric over the window (aggregation and time_aggregation sum, or left out)")
        if self.aws is not None and self.aws.statistic not in (None, "Sum", "SampleCount"):
            raise ValueError(f"aws.statistic {self.aws.statistic}: a rate counts events, with Sum (the default for a rate) or SampleCount")

    def _shares(self, kind: Kind) -> None:
        """A custom rate (`requests`) is a share of counts: percentages, the metric a count summed like its requests."""
        for backend, block in (("datadog", self.datadog), ("aws", self.aws)):
            if block is None or block.requests is None:
                continue
            if kind != "percent":
                raise ValueError(f"{backend}.requests makes the alert a share of requests: its thresholds are percentages (e.g. 5%), got a {kind}")
            if block.unit is not None:
                raise ValueError(f"{backend}.unit {block.unit}: with requests the alert compares 100 * {block.metric} / {block.requests}, in percent")
        datadog = self.datadog
        if datadog is not None and datadog.requests is not None and (datadog.aggregation not in (None, "sum") or datadog.time_aggregation not in (None, "sum")):
            raise ValueError("datadog.requests counts requests: Datadog sums both count metrics over the window (aggregation and time_aggregation sum, or left out)")
        if self.aws is not None and self.aws.requests is not None and self.aws.statistic not in (None, "Sum", "SampleCount"):
            raise ValueError(f"aws.statistic {self.aws.statistic}: with requests the metric is a count of them, with Sum (the default) or SampleCount")

    def shares(self, backend: str) -> Optional[str]:
        """The metric counting the requests the alert is a share of on a backend (`datadog` or `aws`), if any."""
        block = self.datadog if backend == "datadog" else self.aws
        return block.requests if block is not None else None

    def datadog_aggregations(self) -> tuple[str, str]:
        """(time aggregation, space aggregation) of the Datadog query."""
        assert self.datadog is not None
        if self.datadog.requests is not None:
            return "sum", "sum"
        space = self.datadog.aggregation or ("sum" if self.kind == "rate" else "avg")
        if space.startswith("p"):
            return "percentile", space
        return self.datadog.time_aggregation or ("sum" if self.kind == "rate" else "avg"), space

    def aws_statistic(self) -> str:
        assert self.aws is not None
        return self.aws.statistic or ("Sum" if self.kind == "rate" or self.aws.requests is not None else "Average")


def _magnitude(value: CustomQuantity) -> float:
    if isinstance(value, Percent):
        return value.value
    if isinstance(value, Duration):
        return value.seconds
    if isinstance(value, Rate):
        return value.per_second
    return float(value)


RESERVED_PREFIXES = ("slo_", "health_", "maintenance_")
RESERVED_NAMES = ("service_unhealthy", "dashboard", "logs")
