"""Threshold alerts: critical pages, warning opens a ticket."""

from typing import Annotated, Any, Generic, Literal, Optional, TypeVar, Union, get_args

from pydantic import Field, Strict, ValidationInfo, field_validator, model_validator

from .base import SpecModel
from .notify import NO_DATA, RECOVERY, RENOTIFY, NoData, Renotify, renotify_minutes
from .routes import LEVEL_SEVERITY, AlertRoute, Route, Severity, level_severity, own_route
from .units import Duration, Percent, Rate

Count = Annotated[int, Strict(), Field(gt=0, description="A count, at least 1")]
CountFromZero = Annotated[int, Strict(), Field(ge=0, description="A count, 0 or more (0 with 'above': any at all)")]
Q = TypeVar("Q", Duration, Percent, Rate, Count, CountFromZero)
Quantity = Union[Duration, Percent, Rate, int]  # any threshold value, as parsed


def canonical(quantity: Quantity) -> float:
    """A threshold as the alerts compare it by default: percent, seconds, per second, a count."""
    if isinstance(quantity, Percent):
        return quantity.value
    if isinstance(quantity, Duration):
        return quantity.seconds
    if isinstance(quantity, Rate):
        return quantity.per_second
    return float(quantity)
Direction = Literal["above", "below"]
Level = Literal["critical", "warning"]
__all__ = ["LEVEL_SEVERITY", "Alerts", "Threshold"]


class Threshold(SpecModel, Generic[Q]):
    """Warning and/or critical for one signal, and an optional evaluation window."""

    critical: Optional[Q] = Field(default=None, description="Pages the page route")
    warning: Optional[Q] = Field(default=None, description="Tickets the ticket route")
    window: Optional[Duration] = Field(default=None, description="Evaluation window; a per-signal default when absent")
    renotify: Optional[Renotify] = RENOTIFY
    no_data: Optional[NoData] = NO_DATA
    recovery: bool = RECOVERY
    priority: Optional[Annotated[int, Strict()]] = Field(
        default=None, description="Datadog monitor priority, 1 (highest) to 5; by default P1/P2 when paging, P3 for tickets"
    )
    route: Optional[AlertRoute] = Field(
        default=None,
        description="Whom this alert notifies instead of the service's routes: 'page' or 'ticket' (every level notifies that "
        "route), or targets of its own {datadog, sns, sentry} (every level notifies them, at its own severity)",
    )

    _renotify = field_validator("renotify", mode="before")(renotify_minutes)

    @model_validator(mode="after")
    def _some(self) -> "Threshold[Q]":
        if self.critical is None and self.warning is None:
            raise ValueError("give 'critical', 'warning' or both")
        return self

    def severity(self, level: str) -> Severity:
        return level_severity(self.route, level)

    @property
    def own_route(self) -> Optional[Route]:
        return own_route(self.route)

    def levels(self) -> list[tuple[str, Q]]:
        """(severity, value) pairs present, critical first."""
        out: list[tuple[str, Q]] = []
        if self.critical is not None:
            out.append(("critical", self.critical))
        if self.warning is not None:
            out.append(("warning", self.warning))
        return out


def alert(fires: Direction, description: str) -> Any:
    """An alert field: off unless written; `fires` says which side of its thresholds is bad.

    The spec holds what a user writes (the field, its quantity, where it fires); how each backend measures it is
    the signal registry's (`signals/`), keyed by the same name.
    """
    return Field(default=None, description=f"{description}; fires {fires} its thresholds", json_schema_extra={"fires": fires})


# One field per signal of the registry (`signals/`), which says how each backend measures it; this order is the
# order monitors, alarms and docs sections come in.
class Alerts(SpecModel):
    """The operations report's thresholds. Every field is optional; `null` in an overlay removes one."""

    error_rate: Optional[Threshold[Percent]] = alert("above", "5xx responses over all requests")
    client_error_rate: Optional[Threshold[Percent]] = alert("above", "4xx responses over all requests")
    latency_p50: Optional[Threshold[Duration]] = alert("above", "Median request latency")
    latency_p95: Optional[Threshold[Duration]] = alert("above", "95th percentile request latency")
    latency_p99: Optional[Threshold[Duration]] = alert("above", "99th percentile request latency")
    cpu: Optional[Threshold[Percent]] = alert("above", "CPU utilisation")
    memory: Optional[Threshold[Percent]] = alert("above", "Memory used over the limit")
    db_connections: Optional[Threshold[Count]] = alert("above", "Open database connections (a count)")
    cache_hit_rate: Optional[Threshold[Percent]] = alert("below", "Cache hits over lookups")
    throughput_drop: Optional[Threshold[Rate]] = alert("below", "Requests per unit of time")
    error_log_rate: Optional[Threshold[Rate]] = alert("above", "Log lines at level error")
    lb_error_rate: Optional[Threshold[Percent]] = alert("above", "5xx responses the load balancer itself returns, over all requests")
    unhealthy_targets: Optional[Threshold[CountFromZero]] = alert("above", "Targets the load balancer counts unhealthy (0: any at all)")
    # queues (SQS), functions (Lambda), gateways (API Gateway) and tables (DynamoDB): signals/queues.py, functions.py, ...
    queue_backlog: Optional[Threshold[Count]] = alert("above", "Messages waiting in the SQS queue (a count)")
    queue_age: Optional[Threshold[Duration]] = alert("above", "Age of the oldest message waiting in the SQS queue")
    dead_letters: Optional[Threshold[CountFromZero]] = alert(
        "above", "New messages in the dead-letter queue within a minute (0: any at all), however many are already there"
    )
    dead_letter_age: Optional[Threshold[Percent]] = alert(
        "above", "Age of the oldest dead letter, in percent of the dead-letter queue's retention (sources.aws.sqs.dead_letter_retention)"
    )
    function_error_rate: Optional[Threshold[Percent]] = alert("above", "Lambda invocations that fail, over all invocations")
    function_throttles: Optional[Threshold[Rate]] = alert("above", "Lambda invocation requests throttled")
    function_duration_p95: Optional[Threshold[Duration]] = alert("above", "95th percentile Lambda duration")
    function_concurrency: Optional[Threshold[Percent]] = alert("above", "Lambda concurrent executions over the function's concurrency limit")
    function_timeout_use: Optional[Threshold[Percent]] = alert(
        "above", "95th percentile Lambda duration over the function's timeout (sources.aws.lambda_function.timeout)"
    )
    gateway_error_rate: Optional[Threshold[Percent]] = alert("above", "API Gateway 5xx responses over all requests")
    gateway_latency_p95: Optional[Threshold[Duration]] = alert("above", "95th percentile API Gateway latency")
    gateway_integration_latency_p95: Optional[Threshold[Duration]] = alert(
        "above", "95th percentile API Gateway integration latency: the backend's share of the latency"
    )
    table_throttles: Optional[Threshold[Rate]] = alert("above", "DynamoDB requests throttled")
    table_system_errors: Optional[Threshold[Rate]] = alert("above", "DynamoDB requests failing with an HTTP 500")

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """Every alert the spec knows, in its fixed order."""
        return tuple(cls.model_fields)

    @classmethod
    def quantity(cls, name: str) -> Any:
        """The type a field's thresholds are written in: Percent, Duration, Rate or Count."""
        threshold = next(arg for arg in get_args(cls.model_fields[name].annotation) if arg is not type(None))
        return threshold.__pydantic_generic_metadata__["args"][0]

    @classmethod
    def direction(cls, name: str) -> Direction:
        extra = cls.model_fields[name].json_schema_extra
        assert isinstance(extra, dict)
        return extra["fires"]  # type: ignore[return-value]  # written by alert() as a Direction

    @field_validator("*", mode="after")
    @classmethod
    def _order(cls, threshold: Optional[Threshold], info: ValidationInfo) -> Optional[Threshold]:
        if threshold is None:
            return None
        if threshold.critical is None or threshold.warning is None:
            return threshold
        direction = cls.direction(str(info.field_name))
        if direction == "above" and not threshold.warning < threshold.critical:
            raise ValueError(
                f"warning ({threshold.warning}) must be below critical ({threshold.critical}): "
                "this alert fires above its threshold"
            )
        if direction == "below" and not threshold.critical < threshold.warning:
            raise ValueError(
                f"warning ({threshold.warning}) must be above critical ({threshold.critical}): "
                "this alert fires below its threshold"
            )
        return threshold

    def items(self) -> list[tuple[str, Threshold]]:
        """The alerts present, in a fixed order."""
        return [(name, getattr(self, name)) for name in self.names() if getattr(self, name) is not None]
