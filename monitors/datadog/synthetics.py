"""Synthetic API tests for health checks: HTTP GET from several AWS regions, asserting status and latency."""

from monitors.common.context import Deployment
from monitors.common.runbook import anchor
from monitors.datadog import sdk as datadog
from spec import Service
from spec.health import HealthCheck

from .messages import synthetic_message
from .thresholds import priority, renotify_minutes

RETRY_INTERVAL_MS = 1000


def locations(check: HealthCheck) -> list[str]:
    return [f"aws:{region}" for region in sorted(check.regions)]


def synthetic_test(service: Service, deployment: Deployment, check: HealthCheck) -> datadog.SyntheticsTestArgs:
    """A live `api`/`http` test; `failure.consecutive` failed runs in a row (as Route 53 counts) before alerting."""
    tick_every = check.interval.ms // 1000
    section = anchor("health", check.name)
    name = f"[{deployment.environment}] {service.service}: health check {check.name}"
    return datadog.SyntheticsTestArgs(
        name=name,
        type="api",
        subtype="http",
        status="live",
        locations=locations(check),
        request_definition=datadog.SyntheticsTestRequestDefinitionArgs(
            method="GET", url=check.url, timeout=max(1, -(-check.latency_budget.ms // 1000) * 2)
        ),
        assertions=[
            datadog.SyntheticsTestAssertionArgs(type="statusCode", operator="is", target=str(check.expect_status)),
            datadog.SyntheticsTestAssertionArgs(
                type="responseTime", operator="lessThan", target=str(check.latency_budget.ms)
            ),
        ],
        options_list=datadog.SyntheticsTestOptionsListArgs(
            tick_every=tick_every,
            min_location_failed=check.failure.locations,
            min_failure_duration=(check.failure.consecutive - 1) * tick_every,
            retry=datadog.SyntheticsTestOptionsListRetryArgs(count=check.failure.retries, interval=RETRY_INTERVAL_MS),
            monitor_name=name,
            monitor_priority=int(priority(check.severity, deployment)),
            monitor_options=datadog.SyntheticsTestOptionsListMonitorOptionsArgs(renotify_interval=renotify_minutes(check.severity)),
        ),
        message=synthetic_message(service, deployment, check.name, check.url, check.severity, section),
        tags=deployment.tag_list(service, f"signal:{section}", f"severity:{check.severity}"),
    )
