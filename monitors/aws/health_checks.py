"""Route 53 health checks for the health endpoints, and their HealthCheckStatus alarms.

Route 53 publishes HealthCheckStatus only in us-east-1: the alarms (and the topic they notify) live there.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from monitors.aws import sdk as aws
from monitors.common.context import Deployment
from monitors.common.declarations import AlertOf, Declaration
from monitors.common.runbook import anchor
from signals.cloudwatch import Evaluation, Metric
from spec import Service
from spec.health import HealthCheck
from spec.routes import Severity

from .alarms import alarm_tags, describe, metric_alarm_args
from .names import aws_name, logical
from .topics import notify

if TYPE_CHECKING:
    import pulumi

HEALTH_CHECK_REGION = "us-east-1"
# Route 53 offers two probe intervals; a spec interval of 30 s or more probes every 30 s (the standard one).
FAST_INTERVAL, STANDARD_INTERVAL = 10, 30
# Route 53 already waits for `failure.consecutive` failures: one unhealthy minute is an outage.
HEALTH_EVALUATION = Evaluation(60, 1, 1, "breaching")


def request_interval(check: HealthCheck) -> int:
    return FAST_INTERVAL if check.interval.ms < STANDARD_INTERVAL * 1000 else STANDARD_INTERVAL


def health_check_args(service: Service, deployment: Deployment, check: HealthCheck) -> aws.route53.HealthCheckArgs:
    return aws.route53.HealthCheckArgs(
        type="HTTPS",
        fqdn=check.host,
        port=check.port,
        resource_path=check.path,
        failure_threshold=check.failure.consecutive,
        request_interval=request_interval(check),
        regions=list(check.regions),
        measure_latency=True,
        enable_sni=True,
        reference_name=aws_name(service, deployment, check.name)[:28],
        tags={**deployment.tags(service), "Name": aws_name(service, deployment, "health", check.name)},
    )


def health_check_declaration(service: Service, deployment: Deployment, check: HealthCheck) -> Declaration:
    return Declaration(
        "health_check",
        logical(service, "health", check.name),
        health_check_args(service, deployment, check),
        HEALTH_CHECK_REGION,
        ("health_checks", check.name),
    )


def health_alarm(
    service: Service,
    deployment: Deployment,
    check: HealthCheck,
    health_check_id: pulumi.Input[str],
    topics: Mapping[Severity, pulumi.Input[str]],
) -> Declaration:
    """HealthCheckStatus (1 healthy, 0 not): alarms when the minimum over a minute drops below 1."""
    name = aws_name(service, deployment, "health", check.name)
    what = (
        f"{service.service} ({deployment.environment}) health check '{check.name}' ({check.url}) is failing from "
        f"Route 53's checkers; {check.severity}"
    )
    args = metric_alarm_args(
        name,
        describe(service, deployment, what, anchor("health", check.name)),
        Metric("AWS/Route53", "HealthCheckStatus", {"HealthCheckId": health_check_id}, "Minimum"),
        HEALTH_EVALUATION,
        threshold=1.0,
        comparison="LessThanThreshold",
        actions=notify(topics, check.severity),
        tags=alarm_tags(service, deployment, check.severity),
    )
    return Declaration(
        "metric_alarm", logical(service, "health", check.name, "alarm"), args, HEALTH_CHECK_REGION, ("health_checks", check.name),
        alert=AlertOf(f"health.{check.name}"),
    )
