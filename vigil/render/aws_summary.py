"""What matters of each AWS resource type, in a line or two: metric, statistic, threshold with its
comparator and unit, datapoints, and who is notified."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Optional

COMPARATORS = {
    "GreaterThanThreshold": ">",
    "GreaterThanOrEqualToThreshold": ">=",
    "LessThanThreshold": "<",
    "LessThanOrEqualToThreshold": "<=",
}
UNITS = {
    "TargetResponseTime": " s",
    "CPUUtilization": " %",
    "MemoryUtilization": " %",
    "CacheHitRate": " %",
    "DatabaseConnections": " connections",
    "RequestCount": " requests/period",
    "HealthCheckStatus": " (1 = healthy)",
}


def _number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, (int, float)) else str(value)


def _dimensions(dimensions: Any) -> str:
    if not dimensions:
        return ""
    return " {" + ", ".join(f"{k}={v}" for k, v in sorted(dimensions.items())) + "}"


def _notified(inputs: dict[str, Any]) -> str:
    actions = inputs.get("alarmActions") or []
    who = ", ".join(str(a) for a in actions) if actions else "nobody (no actions)"
    ok = " (and on OK)" if inputs.get("okActions") else ""
    return f"notifies {who}{ok}"


def _summed(queries: list[dict[str, Any]]) -> Optional[str]:
    """Metric math summing one metric over the values of one dimension (`m1+m2+…`, DynamoDB's per-operation metrics):
    `sum of ThrottledRequests[Sum, 60 s] over 13 Operation values {TableName=…}`."""
    metrics = [q["metric"] for q in queries if q.get("metric")]
    returned = next((q for q in queries if q.get("returnData")), {})
    if len(metrics) < 3 or str(returned.get("expression", "")) != "+".join(q["id"] for q in queries if q.get("metric")):
        return None
    if len({(m.get("namespace"), m.get("metricName"), m.get("stat"), m.get("period")) for m in metrics}) != 1:
        return None
    dimensions = [m.get("dimensions") or {} for m in metrics]
    varying = {key for d in dimensions for key in d if len({str(x.get(key)) for x in dimensions}) > 1}
    if len(varying) != 1:
        return None
    key = varying.pop()
    shared = {k: v for k, v in dimensions[0].items() if k != key}
    first = metrics[0]
    return f"sum of {first.get('metricName')}[{first.get('stat')}, {_number(first.get('period'))} s] over {len(metrics)} {key} values{_dimensions(shared)}"


def _watched(inputs: dict[str, Any]) -> tuple[str, str]:
    """(what is watched, the unit of its threshold)."""
    queries = inputs.get("metricQueries")
    if queries:
        summed = _summed(queries)
        if summed is not None:
            return summed, ""
        parts = {q["id"]: q for q in queries}
        returned: dict[str, Any] = next((q for q in queries if q.get("returnData")), {})
        expression = str(returned.get("expression", returned.get("id", "?")))
        for query_id, query in sorted(parts.items(), reverse=True):
            metric = query.get("metric")
            if metric:
                expression = expression.replace(
                    query_id, f"{metric.get('metricName')}[{metric.get('stat')}, {_number(metric.get('period'))} s]"
                )
        first: dict[str, Any] = next((q["metric"] for q in queries if q.get("metric")), {})
        unit = " %" if str(returned.get("expression", "")).startswith("100*") else ""
        return f"{expression}{_dimensions(first.get('dimensions'))}", unit
    stat = inputs.get("extendedStatistic") or inputs.get("statistic")
    metric = inputs.get("metricName")
    watched = f"{inputs.get('namespace')} {metric}[{stat}, {_number(inputs.get('period'))} s]{_dimensions(inputs.get('dimensions'))}"
    unit = " lines/period" if str(metric).endswith("LogEvents") else UNITS.get(str(metric), "")
    return watched, unit


def metric_alarm(inputs: dict[str, Any]) -> list[str]:
    watched, unit = _watched(inputs)
    comparator = COMPARATORS.get(str(inputs.get("comparisonOperator")), str(inputs.get("comparisonOperator")))
    datapoints = inputs.get("datapointsToAlarm") or inputs.get("evaluationPeriods")
    return [
        f"{inputs.get('name')}: {watched}",
        f"{comparator} {_number(inputs.get('threshold'))}{unit} in {datapoints} of {inputs.get('evaluationPeriods')} periods"
        f" · missing data {inputs.get('treatMissingData')} · {_notified(inputs)}",
    ]


def composite_alarm(inputs: dict[str, Any]) -> list[str]:
    lines = [f"{inputs.get('alarmName')}: {inputs.get('alarmRule')}", _notified(inputs)]
    suppressor = inputs.get("actionsSuppressor")
    if suppressor:
        lines[-1] += f" · silenced while {suppressor.get('alarm')} is in ALARM"
    return lines


def log_group(inputs: dict[str, Any]) -> list[str]:
    return [f"{inputs.get('name')} · retention {inputs.get('retentionInDays')} d"]


def metric_filter(inputs: dict[str, Any]) -> list[str]:
    metric = inputs.get("metricTransformation") or {}
    return [f"{inputs.get('logGroupName')}: {inputs.get('pattern')} → {metric.get('namespace')} {metric.get('name')}"]


def subscription_filter(inputs: dict[str, Any]) -> list[str]:
    return [f"{inputs.get('logGroup')} → {inputs.get('destinationArn')}"]


def topic(inputs: dict[str, Any]) -> list[str]:
    encrypted = f" · KMS {inputs['kmsMasterKeyId']}" if inputs.get("kmsMasterKeyId") else ""
    return [f"{inputs.get('name')}{encrypted}"]


def topic_subscription(inputs: dict[str, Any]) -> list[str]:
    return [f"{inputs.get('topic')} → {inputs.get('protocol')} {inputs.get('endpoint')}"]


def health_check(inputs: dict[str, Any]) -> list[str]:
    return [
        f"{inputs.get('type')} {inputs.get('fqdn')}:{inputs.get('port')}{inputs.get('resourcePath')}"
        f" · every {inputs.get('requestInterval')} s · unhealthy after {inputs.get('failureThreshold')} failures"
        f" · from {', '.join(inputs.get('regions') or [])}"
    ]


def dashboard(inputs: dict[str, Any]) -> list[str]:
    body = str(inputs.get("dashboardBody", ""))
    widgets = body.count('"type": ')
    return [f"{inputs.get('dashboardName')} · {widgets} widgets"]


def alarm_mute_rule(inputs: dict[str, Any]) -> list[str]:
    schedule = (inputs.get("rule") or {}).get("schedule") or {}
    alarms = ((inputs.get("muteTargets") or {}).get("alarmNames")) or []
    since = f" · from {inputs['startDate']}" if inputs.get("startDate") else ""
    until = f" · until {inputs['expireDate']}" if inputs.get("expireDate") else ""
    return [
        f"{inputs.get('name')}: {schedule.get('expression')} for {schedule.get('duration')} ({schedule.get('timezone', 'UTC')}){since}{until}",
        f"mutes the actions of {len(alarms)} alarms: {', '.join(map(str, alarms))}",
    ]


SUMMARISERS: dict[str, Callable[[dict[str, Any]], list[str]]] = {
    "aws:cloudwatch/alarmMuteRule:AlarmMuteRule": alarm_mute_rule,
    "aws:cloudwatch/logGroup:LogGroup": log_group,
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": metric_filter,
    "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter": subscription_filter,
    "aws:cloudwatch/metricAlarm:MetricAlarm": metric_alarm,
    "aws:cloudwatch/compositeAlarm:CompositeAlarm": composite_alarm,
    "aws:cloudwatch/dashboard:Dashboard": dashboard,
    "aws:sns/topic:Topic": topic,
    "aws:sns/topicSubscription:TopicSubscription": topic_subscription,
    "aws:route53/healthCheck:HealthCheck": health_check,
}
