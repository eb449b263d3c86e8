"""What Datadog needs to know about each threshold signal: how to aggregate it over time, its window,
how a spec quantity becomes the number in the query, and whether no data is worth an alert."""

from dataclasses import dataclass
from typing import Optional, Union

from spec.alerts import Alerts, Direction
from spec.units import Duration, Percent, Rate

Quantity = Union[Duration, Percent, Rate, int]


@dataclass(frozen=True)
class Signal:
    name: str
    title: str
    time_aggregation: str  # avg, sum, percentile; "logs" for log alerts
    default_window: Duration
    unit: str  # unit of the number in the query, for messages
    notify_no_data: bool  # sparse signals (APM counts, logs) have gaps that are not outages
    require_full_window: bool = False
    evaluation_delay: Optional[int] = None  # seconds Datadog waits for late data before evaluating

    @property
    def direction(self) -> Direction:
        return Alerts.DIRECTION[self.name]

    @property
    def comparator(self) -> str:
        return ">" if self.direction == "above" else "<"

    @property
    def is_log_alert(self) -> bool:
        return self.time_aggregation == "logs"

    def value(self, quantity: Quantity, window: Duration) -> float:
        """The number Datadog compares: percent, seconds (APM latency), a count, requests/s or log lines per window."""
        if isinstance(quantity, Percent):
            return quantity.value
        if isinstance(quantity, Duration):
            return quantity.seconds
        if isinstance(quantity, Rate):
            return quantity.per(window.seconds) if self.is_log_alert else quantity.per_second
        return float(quantity)


_5M, _10M, _15M = Duration(300_000), Duration(600_000), Duration(900_000)
AWS_DELAY = 900  # seconds: signals read through Datadog's AWS integration arrive about 15 minutes late

SIGNALS: dict[str, Signal] = {
    s.name: s
    for s in (
        Signal("error_rate", "error rate (5xx)", "sum", _5M, "%", notify_no_data=False),
        Signal("client_error_rate", "client error rate (4xx)", "sum", _10M, "%", notify_no_data=False),
        Signal("latency_p50", "p50 latency", "percentile", _5M, " s", notify_no_data=False),
        Signal("latency_p95", "p95 latency", "percentile", _5M, " s", notify_no_data=False),
        Signal("latency_p99", "p99 latency", "percentile", _5M, " s", notify_no_data=False),
        Signal("cpu", "CPU", "avg", _10M, "%", notify_no_data=False, require_full_window=True),
        Signal("memory", "memory", "avg", _10M, "%", notify_no_data=False, require_full_window=True),
        Signal("db_connections", "database connections", "avg", _10M, " connections", notify_no_data=False, evaluation_delay=AWS_DELAY),
        Signal("cache_hit_rate", "cache hit rate", "sum", _15M, "%", notify_no_data=False, evaluation_delay=AWS_DELAY),
        # No requests at all is the worst throughput drop: silence alerts here.
        Signal("throughput_drop", "throughput", "avg", _10M, " req/s", notify_no_data=True, require_full_window=True),
        Signal("error_log_rate", "error log lines", "logs", _5M, " lines", notify_no_data=False),
    )
}
