"""Plan documents built by hand (the shape of `vigil plan --format json`), for evaluator tests on one rule at a time."""

from __future__ import annotations

from typing import Any, Optional

METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
COMPOSITE_ALARM = "aws:cloudwatch/compositeAlarm:CompositeAlarm"
HEALTH_CHECK = "aws:route53/healthCheck:HealthCheck"
MONITOR = "datadog:index/monitor:Monitor"
SLO = "datadog:index/serviceLevelObjective:ServiceLevelObjective"
SYNTHETIC = "datadog:index/syntheticsTest:SyntheticsTest"
REGION = "aws-eu-west-1"


def resource(type_: str, name: str, inputs: dict[str, Any], provider: Optional[str] = REGION) -> dict[str, Any]:
    return {"type": type_, "name": name, "parent": None, "inputs": inputs, "options": {"provider": provider}}


def plan(*resources: dict[str, Any]) -> dict[str, Any]:
    return {"project": "test", "stack": "test", "resources": list(resources)}


def metric_alarm(name: str, **inputs: Any) -> dict[str, Any]:
    """A metric alarm on `Test/Metric` (no dimensions): Sum over 60 s, > 10, 1 of 1, missing, topic actions."""
    base: dict[str, Any] = {
        "name": name,
        "namespace": "Test",
        "metricName": "Metric",
        "statistic": "Sum",
        "period": 60,
        "evaluationPeriods": 1,
        "datapointsToAlarm": 1,
        "threshold": 10,
        "comparisonOperator": "GreaterThanThreshold",
        "alarmActions": ["${page.arn}"],
        "okActions": ["${page.arn}"],
    }
    base.update(inputs)
    return resource(METRIC_ALARM, name, {k: v for k, v in base.items() if v is not None})


def monitor(name: str, query: str, critical: float, **inputs: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": name,
        "type": "query alert",
        "query": query,
        "message": "{{#is_alert}}@pager{{/is_alert}} {{#is_warning}}@chat{{/is_warning}} {{#is_recovery}}@pager @chat{{/is_recovery}} {{#is_no_data}}@pager{{/is_no_data}}",
        "monitorThresholds": {"critical": str(critical)},
    }
    base.update(inputs)
    return resource(MONITOR, name, base, provider="datadog")
