"""Logs: the service's structured JSON log lines by level (Datadog log search; CloudWatch metric filters)."""

from __future__ import annotations

from spec import Duration, Service

from .cloudwatch import AwsScope, Metric, per_period
from .datadog import env_filter
from .http import FAST, apm
from .model import (
    CloudWatchAlarm,
    CloudWatchGraph,
    CloudWatchPublication,
    DatadogLogs,
    Drive,
    Events,
    LogPublication,
    Need,
    Publication,
    Series,
    Signal,
    Values,
)
from .needs import DATADOG
from .words import DEPLOY

GRAPHED_LEVELS = ("error", "warn")  # the levels the dashboards draw, when counted
ERROR_FILTER = Need(
    "logs.metric_filters", lambda s: "error" in s.logs.metric_filters, "to include 'error' (CloudWatch counts error lines with a metric filter)"
)


def log_namespace(service: Service, environment: str) -> str:
    """Log metrics per service and environment (dev and prod may share an account)."""
    return f"Vigil/{service.service}/{environment}"


def log_metric_name(level: str) -> str:
    return f"{level.capitalize()}LogEvents"


def level_metric(scope: AwsScope, level: str) -> Metric:
    """The count of the service's log lines at `level` (its metric filter's metric), summed per period."""
    return Metric(log_namespace(scope.service, scope.environment), log_metric_name(level), {}, "Sum")


def _error_search(service: Service, env: str) -> str:
    """Log search for the service's JSON log lines at level error (the status attribute)."""
    return f"service:{apm(service).apm_service} {env} status:error"


def _level_rows(scope: AwsScope) -> list[tuple[Metric, str]]:
    return [(level_metric(scope, level), f"{level} lines") for level in GRAPHED_LEVELS if level in scope.service.logs.metric_filters]


SIGNALS = (
    Signal(
        name="error_log_rate",
        title="error log lines",
        section="errors",
        watches="Log lines at level `error` per unit of time, from the service's structured JSON logs.",
        steps=(
            "Open the logs at level error for the time of the alert and group them by message: one new message usually explains it.",
            DEPLOY,
            "Correlate with the error rate: errors logged without failed requests are often a background job or a dependency retrying.",
        ),
        datadog=DatadogLogs(search=_error_search, window=Duration(300_000), needs=(DATADOG,)),
        cloudwatch=CloudWatchAlarm(
            title="error log lines",
            source=lambda scope: level_metric(scope, "error"),
            unit="lines per period",
            evaluation=FAST,
            convert=per_period,
            graph=CloudWatchGraph("log lines by level", rows=_level_rows),
            needs=(ERROR_FILTER,),
        ),
        drive=Drive("error_logs"),
    ),
)


# ---- Replay: the service's error log lines, and what the vendors receive for them --------------------------------

SERIES = (Series(name="error_logs", unit="rate", means="Log lines at level `error` the service writes, per unit of time (`5/m`)."),)


def _lines(values: Values, seconds: int) -> float | None:
    return values["error_logs"] * seconds if "error_logs" in values else None


def _counted(values: Values, seconds: int) -> Events | None:
    """The metric filter counts 1 per matching line and publishes 0 while other lines arrive (its default value)."""
    lines = _lines(values, seconds)
    return Events(lines) if lines is not None else None


def published(scope: AwsScope) -> list[Publication]:
    """CloudWatch Logs' metric filter on the service's log group counts error lines into `<level>LogEvents`; Datadog
    indexes the same lines (forwarded, or shipped by its agent) with their `status`."""
    service = scope.service
    out: list[Publication] = []
    if ERROR_FILTER.holds(service):
        metric = level_metric(scope, "error")
        out.append(CloudWatchPublication(metric.namespace, metric.name, metric.dimensions, _counted, ("error_logs",)))
    if service.sources.datadog is not None:
        out.append(LogPublication(tuple(_error_search(service, env_filter(scope.environment)).split()), _lines, ("error_logs",)))
    return out
