"""Hand-made plan documents (the plan JSON contract) shaped like the program's, for fast tests of diff logic."""

from __future__ import annotations

import copy
import json
from typing import Any, Optional

MONITOR = "datadog:index/monitor:Monitor"
SLO = "datadog:index/serviceLevelObjective:ServiceLevelObjective"
DD_DASHBOARD = "datadog:index/dashboard:Dashboard"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
TOPIC = "aws:sns/topic:Topic"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
CW_DASHBOARD = "aws:cloudwatch/dashboard:Dashboard"
HEALTH_CHECK = "aws:route53/healthCheck:HealthCheck"
COMPONENT = "vigil:index:ServiceMonitoring"


def resource(
    type_: str,
    name: str,
    inputs: dict[str, Any],
    parent: Optional[str] = None,
    provider: Optional[str] = None,
    protect: bool = False,
    retain: bool = False,
    aliases: Optional[list[str]] = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": type_,
        "name": name,
        "parent": parent,
        "inputs": inputs,
        "options": {"protect": protect, "retainOnDelete": retain, "deleteBeforeReplace": False, "provider": provider},
    }
    if aliases:
        out["aliases"] = aliases
    return out


def monitor(service: str, signal: str, query: str, critical: Any, warning: Any = None, page: str = "@pagerduty-platform", ticket: str = "@slack-platform-alerts") -> dict[str, Any]:
    levels = {"critical": str(critical)} | ({"warning": str(warning)} if warning is not None else {})
    message = (
        f"{service} {signal} is {{{{value}}}}.\n{{{{#is_alert}}}}{page}{{{{/is_alert}}}}\n"
        f"{{{{#is_warning}}}}{ticket}{{{{/is_warning}}}}\nRunbook: docs/runbooks/{service}.md"
    )
    return resource(
        MONITOR,
        f"{service}-{signal}",
        {"name": f"[prod] {service}: {signal}", "type": "query alert", "query": f"{query} > {critical}", "message": message,
         "monitorThresholds": levels, "priority": 1, "tags": [f"service:{service}", "env:prod"]},
        parent=service,
        provider="datadog",
    )


def alarm(service: str, signal: str, severity: str, metric: str, threshold: float) -> dict[str, Any]:
    return resource(
        ALARM,
        f"{service}-{signal}-{severity}",
        {"alarmName": f"{service}-prod-{signal}-{severity}", "metricName": metric, "namespace": "AWS/ApplicationELB",
         "extendedStatistic": "p95", "threshold": threshold, "comparisonOperator": "GreaterThanThreshold",
         "evaluationPeriods": 5, "datapointsToAlarm": 3, "period": 60,
         "alarmActions": [f"${{{service}-{severity}-topic.arn}}"], "okActions": [f"${{{service}-{severity}-topic.arn}}"]},
        parent=service,
        provider="aws-eu-west-1",
    )


def topic(service: str, severity: str) -> dict[str, Any]:
    return resource(TOPIC, f"{service}-{severity}-topic", {"name": f"{service}-prod-{severity}"}, parent=service, provider="aws-eu-west-1")


def subscription(service: str, severity: str, protocol: str, endpoint: str) -> dict[str, Any]:
    return resource(
        SUBSCRIPTION,
        f"{service}-{severity}-{protocol}",
        {"protocol": protocol, "endpoint": endpoint, "topic": f"${{{service}-{severity}-topic.arn}}"},
        parent=service,
        provider="aws-eu-west-1",
    )


def slo(service: str, name: str, target: float, warning: Optional[float] = None) -> dict[str, Any]:
    threshold: dict[str, Any] = {"target": target, "timeframe": "30d"}
    if warning is not None:
        threshold["warning"] = warning
    return resource(SLO, f"{service}-{name}-slo", {"name": f"{service} {name}", "type": "metric", "thresholds": [threshold]}, parent=service, provider="datadog")


def burn_rate(service: str, slo_name: str, long: str, short: str, factor: float, severity: str) -> dict[str, Any]:
    query = f'burn_rate("${{{service}-{slo_name}-slo.id}}").over("30d").long_window("{long}").short_window("{short}") > {factor}'
    out = monitor(service, f"{slo_name}-burn-{long}-{severity}", query.rsplit(" > ", 1)[0], factor)
    out["inputs"]["type"] = "slo alert"
    return out


def cw_dashboard(service: str, widgets: int) -> dict[str, Any]:
    body = {"widgets": [{"type": "metric", "x": 0, "y": i * 6, "width": 12, "height": 6, "properties": {"title": f"w{i}"}} for i in range(widgets)]}
    return resource(CW_DASHBOARD, f"{service}-cw-dashboard", {"dashboardName": f"{service}-prod", "dashboardBody": json.dumps(body)}, parent=service, provider="aws-eu-west-1")


def log_group(service: str, retention: int = 90, protect: bool = True) -> dict[str, Any]:
    return resource(
        LOG_GROUP, f"{service}-logs", {"name": f"/platform/{service}/prod", "retentionInDays": retention, "logGroupClass": "STANDARD"},
        parent=service, provider="aws-eu-west-1", protect=protect, retain=True,
    )


def service(name: str) -> list[dict[str, Any]]:
    return [
        resource(COMPONENT, name, {}),
        monitor(name, "error-rate", f"sum(last_5m):(sum:trace.http.request.errors{{service:{name}}}.as_count() / sum:trace.http.request.hits{{service:{name}}}.as_count()) * 100", 1, 0.5),
        monitor(name, "latency-p95", f"avg(last_5m):p95:trace.http.request{{service:{name}}}", 0.5, 0.4),
        alarm(name, "latency-p95", "page", "TargetResponseTime", 0.5),
        alarm(name, "latency-p95", "ticket", "TargetResponseTime", 0.4),
        topic(name, "page"),
        topic(name, "ticket"),
        subscription(name, "page", "https", "[secret]"),
        subscription(name, "ticket", "email", f"{name}-oncall@example.com"),
        slo(name, "availability", 99.9, 99.95),
        burn_rate(name, "availability", "1h", "5m", 14.4, "page"),
        cw_dashboard(name, 4),
        log_group(name),
    ]


def plan(*services: str, stack: str = "prod") -> dict[str, Any]:
    resources = [
        resource("pulumi:providers:datadog", "datadog", {"apiKey": "[secret]"}),
        resource("pulumi:providers:aws", "aws-eu-west-1", {"region": "eu-west-1"}),
    ]
    for name in services:
        resources += service(name)
    return {"project": "monitoring", "stack": stack, "resources": sorted(resources, key=lambda r: (r["type"], r["name"]))}


def find(plan_: dict[str, Any], name: str, type_: Optional[str] = None) -> dict[str, Any]:
    matches = [r for r in plan_["resources"] if r["name"] == name and (type_ is None or r["type"] == type_)]
    assert len(matches) == 1, f"{len(matches)} resources named {name}"
    return matches[0]


def edited(plan_: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(plan_)
