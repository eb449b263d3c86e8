"""Threshold monitors (`query alert`) on APM metrics."""

import pulumi_datadog as datadog

from monitors.common.context import Deployment
from monitors.common.runbook import alert_doc_url, anchor, runbook_url
from spec import Service


def apm_scope(service: Service, deployment: Deployment) -> str:
    assert service.sources.datadog is not None
    return f"service:{service.sources.datadog.apm_service},env:{deployment.environment}"


def _notify(service: Service) -> str:
    """Critical notifies the page route, warning the ticket route (Datadog's conditional variables)."""
    parts = []
    for severity, block in (("page", "is_alert"), ("ticket", "is_warning")):
        route = service.routes.get(severity)  # type: ignore[arg-type]
        if route is not None and route.datadog:
            parts.append(f"{{{{#{block}}}}}{' '.join(route.datadog)}{{{{/{block}}}}}")
    return " ".join(parts)


def _message(service: Service, deployment: Deployment, signal: str, headline: str) -> str:
    """Headline, the generated doc section for this alert, the service's runbook, then who is notified."""
    return (
        f"{headline}\n"
        f"What to do: {alert_doc_url(service, deployment, anchor(signal))}\n"
        f"Runbook: {runbook_url(service, deployment)}\n"
        f"{_notify(service)}"
    )


def error_rate_monitor(service: Service, deployment: Deployment) -> datadog.MonitorArgs:
    source = service.sources.datadog
    threshold = service.alerts.error_rate
    assert source is not None and threshold is not None
    scope = apm_scope(service, deployment)
    span = source.span
    window = str(threshold.window or "5m")
    critical = threshold.critical.value if threshold.critical else None
    warning = threshold.warning.value if threshold.warning else None
    top = critical if critical is not None else warning
    query = (
        f"sum(last_{window}):(sum:trace.{span}.errors{{{scope}}}.as_count() / "
        f"sum:trace.{span}.hits{{{scope}}}.as_count()) * 100 > {top:g}"
    )
    return datadog.MonitorArgs(
        name=f"[{deployment.environment}] {service.service}: error rate",
        type="query alert",
        query=query,
        message=_message(service, deployment, "error_rate", f"{service.service} error rate is {{{{value}}}}%."),
        monitor_thresholds=datadog.MonitorMonitorThresholdsArgs(
            critical=str(critical) if critical is not None else None,
            warning=str(warning) if warning is not None else None,
        ),
        tags=deployment.tag_list(service),
    )
