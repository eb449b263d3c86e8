"""Threshold monitors (`query alert`) on APM metrics."""

import pulumi_datadog as datadog

from monitors.common.context import Deployment
from spec import Service


def apm_scope(service: Service, deployment: Deployment) -> str:
    assert service.sources.datadog is not None
    return f"service:{service.sources.datadog.apm_service},env:{deployment.environment}"


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
        message=f"{service.service} error rate is {{{{value}}}}%. Runbook: {service.runbook}",
        monitor_thresholds=datadog.MonitorMonitorThresholdsArgs(
            critical=str(critical) if critical is not None else None,
            warning=str(warning) if warning is not None else None,
        ),
        tags=deployment.tag_list(service),
    )
