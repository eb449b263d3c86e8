"""Threshold monitors (`query alert`, and a `log alert` for error logs), one per alert of the spec.

Datadog needs a critical threshold on every monitor, equal to the number in the query. A spec alert with
only a warning therefore becomes a monitor whose alert state opens a ticket (priority 3, ticket route).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Optional, Union

from monitors.common.context import Deployment
from monitors.common.runbook import anchor
from monitors.datadog import sdk as datadog
from signals import AlertSignal, alert_signals
from signals.datadog import env_filter
from signals.model import DatadogLogs, DatadogMetric, Unmeasurable
from spec import Service
from spec.alerts import Direction, Quantity, Threshold
from spec.notify import NEVER, Renotify
from spec.routes import Severity
from spec.units import Duration

from .messages import Level, threshold_message
from .numbers import number, window
from .traffic import traffic_monitor_args

if TYPE_CHECKING:
    import pulumi

DatadogMonitorKind = Union[DatadogMetric, DatadogLogs]

HYSTERESIS = 0.1  # recover 10 % inside the threshold so a signal hovering at it does not flap


def priority(severity: Severity, deployment: Deployment, override: Optional[int] = None) -> str:
    """P1 pages production, P2 pages elsewhere, P3 is a ticket; the spec may override."""
    if override is not None:
        return str(override)
    if severity == "ticket":
        return "3"
    return "1" if deployment.production else "2"


def renotify_minutes(severity: Severity, renotify: Optional[Renotify] = None) -> int:
    """The alert's own `renotify` (`never`: 0); by default a page that stays unresolved is repeated every hour, a
    ticket is told once (0)."""
    if isinstance(renotify, Duration):
        return int(renotify.ms // 60_000)
    if renotify == NEVER:
        return 0
    return 60 if severity == "page" else 0


def no_data_minutes(realisation: DatadogMonitorKind, threshold: Threshold, span: Duration) -> Optional[int]:
    """Minutes of silence before No Data, when silence notifies: the alert's `no_data: alert`, or the signal's own
    default (`ok` and `keep` turn it off); twice the window, at least 10 minutes."""
    notifies = threshold.no_data == "alert" if threshold.no_data is not None else realisation.notify_no_data
    return max(2 * span.ms // 60_000, 10) if notifies else None


def recovery(realisation: DatadogMonitorKind, direction: Direction, value: float) -> Optional[float]:
    """A recovery threshold just inside the alerting one (percentages never recover past 100 %); none when the
    threshold leaves no room inside it (`> 0`): the monitor recovers once the condition fails."""
    if direction == "above":
        return round(value * (1 - HYSTERESIS), 6) if value > 0 else None
    if realisation.unit == "%":
        return round(value + (100 - value) * HYSTERESIS, 6)
    return round(value * (1 + HYSTERESIS), 6)


def monitor_query(realisation: DatadogMonitorKind, expression: str, evaluation: str, comparator: str, threshold: str) -> str:
    if isinstance(realisation, DatadogLogs):
        return f'logs("{expression}").index("*").rollup("count").last("{evaluation}") {comparator} {threshold}'
    return f"{realisation.aggregation}(last_{evaluation}):{expression} {comparator} {threshold}"


def _level(severity: Severity, quantity: Quantity, realisation: DatadogMonitorKind, evaluation: Duration) -> Level:
    return Level(severity, str(quantity), number(realisation.value(quantity, evaluation)))


def _recovery(realisation: DatadogMonitorKind, direction: Direction, level: Optional[Level]) -> Optional[str]:
    found = recovery(realisation, direction, float(level.value)) if level else None
    return number(found) if found is not None else None


def requests_guard(service: Service, alert: AlertSignal) -> Optional[Callable[[Service, str], Optional[str]]]:
    """The query counting the requests (invocations, events) an alert's share is taken of, where it stays quiet below the
    service's `min_requests` (issue 12 item 7; every rate alert, issue 19 item 4: `DatadogMetric.counted`, from the
    registry): then a composite monitor `<alert> && <traffic>` notifies for it — Datadog's own recipe for error rates at
    low traffic (composite monitor use cases, "Error rates"); None when unguarded."""
    realisation = alert.signal.datadog
    if not isinstance(realisation, DatadogMetric) or not service.min_requests or realisation.missing(service):
        return None
    if realisation.counted(service, env_filter("guard")) is None:
        return None
    return realisation.counted


def guard_logicals(service: Service, alert: AlertSignal) -> tuple[str, str]:
    """The traffic monitor and the composite of a guarded alert: `<service>-<anchor>-traffic`, `<service>-<anchor>-enough-traffic`."""
    return f"{service.service}-{anchor(alert.key)}-traffic", f"{service.service}-{anchor(alert.key)}-enough-traffic"


def traffic_monitor(service: Service, deployment: Deployment, alert: AlertSignal) -> Optional[datadog.MonitorArgs]:
    """In Alert while the alert's window holds at least `min_requests` requests: `sum(last_5m):<hits> >= 10`. It tells
    nobody: the composite over it and the alert does."""
    requests = requests_guard(service, alert)
    realisation = alert.signal.datadog
    if requests is None or not isinstance(realisation, DatadogMetric):
        return None
    span = alert.threshold.window or realisation.window
    _, composite = guard_logicals(service, alert)
    counts_for, told_by = f"its {alert.signal.title} to alert", f"the composite monitor {composite} does"
    query = requests(service, env_filter(deployment.environment))
    assert query is not None, "requests_guard checked it"
    return traffic_monitor_args(
        service,
        deployment,
        what=alert.signal.title,
        requests=query,
        span=window(span),
        counts_for=counts_for,
        told_by=told_by,
        section=anchor(alert.key),
        delay=realisation.evaluation_delay,
    )


def guarded_composite(
    service: Service, deployment: Deployment, alert: AlertSignal, alert_id: pulumi.Input[str], traffic_id: pulumi.Input[str]
) -> datadog.MonitorArgs:
    """`<alert> && <traffic>`: the alert's status while the window holds enough requests (the less severe of the two:
    Alert, Warn or OK), OK otherwise — and it notifies the alert's routes for it (composite monitors)."""
    args = threshold_monitor(service, deployment, alert)
    realisation, signal, threshold = alert.signal.datadog, alert.signal, alert.threshold
    assert args is not None and isinstance(realisation, DatadogMetric)
    span = threshold.window or realisation.window
    levels = _levels(threshold, realisation, span)
    query: Union[str, pulumi.Output[str]]
    if isinstance(alert_id, str) and isinstance(traffic_id, str):
        query = f"{alert_id} && {traffic_id}"
    else:
        import pulumi  # ids only the engine knows: Pulumi is running

        query = pulumi.Output.all(alert_id, traffic_id).apply(lambda ids: f"{ids[0]} && {ids[1]}")
    return datadog.MonitorArgs(
        name=f"[{deployment.environment}] {service.service}: {signal.title} over at least {service.min_requests} requests",
        type="composite",
        query=query,
        message=threshold_message(
            service, deployment, title=signal.title, unit=realisation.unit, relation=signal.direction, alert=levels[0], warning=levels[1],
            section=anchor(alert.key), no_data=False, own_route=threshold.own_route, recovery=threshold.recovery, requests=service.min_requests,
        ),
        priority=args.priority,
        tags=args.tags,
        include_tags=True,
        notify_no_data=False,
        renotify_interval=args.renotify_interval,
    )


def _levels(threshold: Threshold, realisation: DatadogMonitorKind, span: Duration) -> tuple[Level, Optional[Level]]:
    if threshold.critical is not None:
        level = _level(threshold.severity("critical"), threshold.critical, realisation, span)
        warning = _level(threshold.severity("warning"), threshold.warning, realisation, span) if threshold.warning is not None else None
        return level, warning
    assert threshold.warning is not None  # a threshold has critical, warning or both
    return _level(threshold.severity("warning"), threshold.warning, realisation, span), None


def threshold_monitor(service: Service, deployment: Deployment, alert: AlertSignal) -> Optional[datadog.MonitorArgs]:
    """The monitor of one spec alert (a signal of `alerts` or a custom alert), or None when the service lacks what
    Datadog needs to measure it. An alert quiet at low traffic (`requests_guard`) tells nobody itself: the composite
    over it and its traffic monitor does."""
    signal, threshold = alert.signal, alert.threshold
    realisation = signal.datadog
    if isinstance(realisation, Unmeasurable) or realisation.missing(service):
        return None
    env = env_filter(deployment.environment)
    is_log = isinstance(realisation, DatadogLogs)
    grouped = isinstance(realisation, DatadogMetric) and bool(realisation.query(service, env).by)
    expression = realisation.search(service, env) if isinstance(realisation, DatadogLogs) else realisation.query(service, env).render()
    span = threshold.window or realisation.window
    evaluation = window(span)
    level, warning = _levels(threshold, realisation, span)
    section = anchor(alert.key)
    through = guard_logicals(service, alert)[1] if requests_guard(service, alert) is not None else None
    no_data = no_data_minutes(realisation, threshold, span)
    sparse = signal.sparse and not is_log and no_data is None  # the rules refuse no_data: alert on a sparse signal
    comparator = ">" if signal.direction == "above" else "<"
    return datadog.MonitorArgs(
        name=f"[{deployment.environment}] {service.service}: {signal.title}",
        type="log alert" if is_log else "query alert",
        query=monitor_query(realisation, expression, evaluation, comparator, level.value),
        message=threshold_message(
            service, deployment, title=signal.title, unit=realisation.unit, relation=signal.direction, alert=level, warning=warning,
            section=section, no_data=no_data is not None, own_route=threshold.own_route, recovery=threshold.recovery, through=through,
        ),
        monitor_thresholds=datadog.MonitorMonitorThresholdsArgs(
            critical=level.value,
            critical_recovery=_recovery(realisation, signal.direction, level),
            warning=warning.value if warning else None,
            warning_recovery=_recovery(realisation, signal.direction, warning),
        ),
        priority=priority(level.severity, deployment, threshold.priority),
        tags=deployment.tag_list(service, f"signal:{section}", f"severity:{level.severity}"),
        include_tags=True,
        notify_no_data=None if sparse else no_data is not None,
        no_data_timeframe=no_data,
        on_missing_data="resolve" if sparse else None,
        require_full_window=realisation.require_full_window if isinstance(realisation, DatadogMetric) else None,
        renotify_interval=renotify_minutes(level.severity, threshold.renotify),
        evaluation_delay=realisation.evaluation_delay,
        # a multi alert (the busiest task or host) notifies as one simple alert: one page however many groups breach
        notify_bies=["*"] if grouped else None,
    )


def threshold_monitors(service: Service, deployment: Deployment) -> dict[str, datadog.MonitorArgs]:
    """Every threshold monitor of the service, by alert id, in the spec's fixed order (custom alerts last)."""
    out: dict[str, datadog.MonitorArgs] = {}
    for alert in alert_signals(service):
        args = threshold_monitor(service, deployment, alert)
        if args is not None:
            out[alert.key] = args
    return out
