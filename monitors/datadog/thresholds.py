"""Threshold monitors (`query alert`, and a `log alert` for error logs), one per alert of the spec.

Datadog needs a critical threshold on every monitor, equal to the number in the query. A spec alert with
only a warning therefore becomes a monitor whose alert state opens a ticket (priority 3, ticket route).
"""

from typing import Optional

import pulumi_datadog as datadog

from monitors.common.context import Deployment
from monitors.common.runbook import anchor
from spec import Service
from spec.alerts import Threshold
from spec.routes import Severity
from spec.units import Duration

from . import queries
from .messages import Level, threshold_message
from .numbers import number, window
from .signals import SIGNALS, Quantity, Signal

HYSTERESIS = 0.1  # recover 10 % inside the threshold so a signal hovering at it does not flap


def priority(severity: Severity, deployment: Deployment, override: Optional[int] = None) -> str:
    """P1 pages production, P2 pages elsewhere, P3 is a ticket; the spec may override."""
    if override is not None:
        return str(override)
    if severity == "ticket":
        return "3"
    return "1" if deployment.production else "2"


def renotify_minutes(severity: Severity) -> int:
    """A page that stays unresolved is repeated every hour; a ticket is told once (0)."""
    return 60 if severity == "page" else 0


def recovery(signal: Signal, value: float) -> float:
    """A recovery threshold just inside the alerting one (percentages never recover past 100 %)."""
    if signal.direction == "above":
        return round(value * (1 - HYSTERESIS), 6)
    if signal.unit == "%":
        return round(value + (100 - value) * HYSTERESIS, 6)
    return round(value * (1 + HYSTERESIS), 6)


def monitor_query(signal: Signal, expression: str, evaluation: str, threshold: str) -> str:
    if signal.is_log_alert:
        return f'logs("{expression}").index("*").rollup("count").last("{evaluation}") > {threshold}'
    return f"{signal.time_aggregation}(last_{evaluation}):{expression} {signal.comparator} {threshold}"


def _level(severity: Severity, quantity: Quantity, signal: Signal, evaluation: Duration) -> Level:
    return Level(severity, str(quantity), number(signal.value(quantity, evaluation)))


def threshold_monitor(
    service: Service, deployment: Deployment, name: str, threshold: Threshold
) -> Optional[datadog.MonitorArgs]:
    """The monitor of one spec alert, or None when the service has no Datadog source for that signal."""
    signal = SIGNALS[name]
    source = service.sources.datadog
    if source is None:
        return None
    env = queries.env_filter(deployment.environment)
    if signal.is_log_alert:
        expression: Optional[str] = queries.error_logs(source, env)
    else:
        found = queries.signal_expression(service, name, env)
        expression = found.render() if found else None
    if expression is None:
        return None
    span = threshold.window or signal.default_window
    evaluation = window(span)
    if threshold.critical is not None:
        alert = _level("page", threshold.critical, signal, span)
        warning = _level("ticket", threshold.warning, signal, span) if threshold.warning is not None else None
    else:
        assert threshold.warning is not None  # a threshold has critical, warning or both
        alert, warning = _level("ticket", threshold.warning, signal, span), None
    section = anchor(name)
    return datadog.MonitorArgs(
        name=f"[{deployment.environment}] {service.service}: {signal.title}",
        type="log alert" if signal.is_log_alert else "query alert",
        query=monitor_query(signal, expression, evaluation, alert.value),
        message=threshold_message(
            service, deployment, signal.title, signal.unit, signal.direction, alert, warning, section, signal.notify_no_data
        ),
        monitor_thresholds=datadog.MonitorMonitorThresholdsArgs(
            critical=alert.value,
            critical_recovery=number(recovery(signal, float(alert.value))),
            warning=warning.value if warning else None,
            warning_recovery=number(recovery(signal, float(warning.value))) if warning else None,
        ),
        priority=priority(alert.severity, deployment, threshold.priority),
        tags=deployment.tag_list(service, f"signal:{section}"),
        include_tags=True,
        notify_no_data=signal.notify_no_data,
        no_data_timeframe=max(2 * span.ms // 60_000, 10) if signal.notify_no_data else None,
        require_full_window=None if signal.is_log_alert else signal.require_full_window,
        renotify_interval=renotify_minutes(alert.severity),
        evaluation_delay=signal.evaluation_delay,
    )


def threshold_monitors(service: Service, deployment: Deployment) -> dict[str, datadog.MonitorArgs]:
    """Every threshold monitor of the service, by signal name, in the spec's fixed order."""
    out: dict[str, datadog.MonitorArgs] = {}
    for name, threshold in service.alerts.items():
        args = threshold_monitor(service, deployment, name, threshold)
        if args is not None:
            out[name] = args
    return out
