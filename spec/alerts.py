"""Threshold alerts: critical pages, warning opens a ticket."""

from typing import Annotated, ClassVar, Generic, Literal, Optional, TypeVar

from pydantic import Field, Strict, ValidationInfo, field_validator, model_validator

from .base import SpecModel
from .units import Duration, Percent, Rate

Count = Annotated[int, Strict(), Field(gt=0, description="A count, at least 1")]
Q = TypeVar("Q", Duration, Percent, Rate, Count)
Direction = Literal["above", "below"]


class Threshold(SpecModel, Generic[Q]):
    """Warning and/or critical for one signal, and an optional evaluation window."""

    critical: Optional[Q] = Field(default=None, description="Pages the page route")
    warning: Optional[Q] = Field(default=None, description="Tickets the ticket route")
    window: Optional[Duration] = Field(default=None, description="Evaluation window; a per-signal default when absent")
    priority: Optional[Annotated[int, Strict()]] = Field(
        default=None, description="Datadog monitor priority, 1 (highest) to 5; by default P1/P2 when paging, P3 for tickets"
    )

    @model_validator(mode="after")
    def _some(self) -> "Threshold[Q]":
        if self.critical is None and self.warning is None:
            raise ValueError("give 'critical', 'warning' or both")
        return self

    def levels(self) -> list[tuple[str, Q]]:
        """(severity, value) pairs present, critical first."""
        out: list[tuple[str, Q]] = []
        if self.critical is not None:
            out.append(("critical", self.critical))
        if self.warning is not None:
            out.append(("warning", self.warning))
        return out


class Alerts(SpecModel):
    """The operations report's thresholds. Every field is optional; `null` in an overlay removes one."""

    DIRECTION: ClassVar[dict[str, Direction]] = {
        "error_rate": "above",
        "client_error_rate": "above",
        "latency_p50": "above",
        "latency_p95": "above",
        "latency_p99": "above",
        "cpu": "above",
        "memory": "above",
        "db_connections": "above",
        "cache_hit_rate": "below",
        "throughput_drop": "below",
        "error_log_rate": "above",
    }

    error_rate: Optional[Threshold[Percent]] = Field(default=None, description="5xx responses over all requests")
    client_error_rate: Optional[Threshold[Percent]] = Field(default=None, description="4xx responses over all requests")
    latency_p50: Optional[Threshold[Duration]] = None
    latency_p95: Optional[Threshold[Duration]] = None
    latency_p99: Optional[Threshold[Duration]] = None
    cpu: Optional[Threshold[Percent]] = Field(default=None, description="CPU utilisation")
    memory: Optional[Threshold[Percent]] = Field(default=None, description="Memory used over the limit")
    db_connections: Optional[Threshold[Count]] = Field(default=None, description="Open database connections (a count)")
    cache_hit_rate: Optional[Threshold[Percent]] = Field(default=None, description="Alerts when the hit rate falls below")
    throughput_drop: Optional[Threshold[Rate]] = Field(default=None, description="Alerts when requests fall below")
    error_log_rate: Optional[Threshold[Rate]] = Field(default=None, description="Log lines at level error")

    @field_validator("*", mode="after")
    @classmethod
    def _order(cls, threshold: Optional[Threshold], info: ValidationInfo) -> Optional[Threshold]:
        if threshold is None:
            return None
        if threshold.critical is None or threshold.warning is None:
            return threshold
        if cls.DIRECTION[str(info.field_name)] == "above" and not threshold.warning < threshold.critical:
            raise ValueError(
                f"warning ({threshold.warning}) must be below critical ({threshold.critical}): "
                "this alert fires above its threshold"
            )
        if cls.DIRECTION[str(info.field_name)] == "below" and not threshold.critical < threshold.warning:
            raise ValueError(
                f"warning ({threshold.warning}) must be above critical ({threshold.critical}): "
                "this alert fires below its threshold"
            )
        return threshold

    def items(self) -> list[tuple[str, Threshold]]:
        """The alerts present, in a fixed order."""
        return [(name, getattr(self, name)) for name in self.DIRECTION if getattr(self, name) is not None]
