"""Metric alarms: one per alert level that has an AWS source (critical pages, warning tickets), M of N."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Optional

from monitors.aws import sdk as aws
from monitors.common.context import Deployment
from monitors.common.declarations import AlertOf, Declaration
from monitors.common.runbook import alert_doc_url, anchor, runbook_url
from signals import alert_signals
from signals.cloudwatch import AwsScope, Evaluation, Insights, Math, Metric, Ratio, Source, metrics_of
from spec import Service
from spec.alerts import Threshold
from spec.routes import Severity

from .metrics import watched
from .names import aws_name, logical
from .topics import notify

if TYPE_CHECKING:
    import pulumi

COMPARATOR = {"above": "GreaterThanThreshold", "below": "LessThanThreshold"}
# An alert's `no_data` as CloudWatch's treat_missing_data (spec/notify.py).
TREAT_MISSING = {"alert": "breaching", "ok": "notBreaching", "keep": "ignore"}
DESCRIPTION_MAX = 1024  # PutMetricAlarm AlarmDescription
NOTIFY = "notify"  # the name part of the composite alarm that notifies for a held warning (levels.py)


def describe(service: Service, deployment: Deployment, what: str, section: str) -> str:
    """Every alarm says what fired, and links the runbook and the alert's generated section."""
    text = (
        f"{what}. Runbook: {runbook_url(service, deployment)} "
        f"Alert: {alert_doc_url(service, deployment, section)}"
    )
    return text if len(text) <= DESCRIPTION_MAX else text[: DESCRIPTION_MAX - 1] + "…"


def _query_metric(metric: Metric, period: int) -> aws.cloudwatch.MetricAlarmMetricQueryMetricArgs:
    return aws.cloudwatch.MetricAlarmMetricQueryMetricArgs(
        namespace=metric.namespace,
        metric_name=metric.name,
        dimensions=dict(metric.dimensions),
        stat=metric.stat,
        period=period,
    )


def metric_alarm_args(
    name: str,
    description: str,
    source: Source,
    evaluation: Evaluation,
    *,
    threshold: float,
    comparison: str,
    actions: Sequence[pulumi.Input[str]],
    tags: Mapping[str, str],
    ok_actions: Optional[Sequence[pulumi.Input[str]]] = None,
) -> aws.cloudwatch.MetricAlarmArgs:
    """A metric alarm on one metric (statistic or percentile), on a `100*m1/m2` ratio, on metric math over several
    metrics, or on a Metrics Insights query. OK actions are the alarm actions unless given (none: recoveries tell nobody)."""
    common = {
        "name": name,
        "alarm_description": description,
        "comparison_operator": comparison,
        "threshold": threshold,
        "evaluation_periods": evaluation.evaluation_periods,
        "datapoints_to_alarm": evaluation.datapoints,
        "treat_missing_data": evaluation.treat_missing_data,
        "alarm_actions": list(actions),
        "ok_actions": list(actions if ok_actions is None else ok_actions),
        "tags": dict(tags),
    }
    if isinstance(source, Insights):  # a Metrics Insights query (q1), read through its expression (FILL(q1, 0))
        queries = [
            aws.cloudwatch.MetricAlarmMetricQueryArgs(id="q1", expression=source.query, label=f"{source.function}({source.metric})", period=evaluation.period),
            aws.cloudwatch.MetricAlarmMetricQueryArgs(id="e1", expression=source.math, label=source.label, return_data=True),
        ]
        return aws.cloudwatch.MetricAlarmArgs(metric_queries=queries, **common)  # type: ignore[arg-type]
    if isinstance(source, (Ratio, Math)):
        queries = [
            aws.cloudwatch.MetricAlarmMetricQueryArgs(id=f"m{i}", metric=_query_metric(metric, evaluation.period))
            for i, metric in enumerate(metrics_of(source), 1)
        ]
        queries.append(aws.cloudwatch.MetricAlarmMetricQueryArgs(id="e1", expression=source.math, label=source.label, return_data=True))
        return aws.cloudwatch.MetricAlarmArgs(metric_queries=queries, **common)  # type: ignore[arg-type]
    return aws.cloudwatch.MetricAlarmArgs(
        namespace=source.namespace,
        metric_name=source.name,
        dimensions=dict(source.dimensions) or None,
        period=evaluation.period,
        statistic=None if source.extended else source.stat,
        extended_statistic=source.stat if source.extended else None,
        **common,  # type: ignore[arg-type]
    )


def alarm_tags(service: Service, deployment: Deployment, severity: Optional[Severity]) -> dict[str, str]:
    tags = deployment.tags(service)
    return {**tags, "severity": severity} if severity else tags


def low_traffic_guard(source: Source, service: Service, evaluation: Evaluation, direction: str = "above") -> Source:
    """Every share of counted events (a `Ratio`: error rates of requests, invocations, gateway requests) quiet at low
    traffic: each period judged needs its share of the service's `min_requests` in the window, ⌈min_requests ÷ periods⌉
    (2 a minute for 10 in 5 one-minute periods), else it reads a value that does not breach — 0 for an alert that fires
    above (`IF(m2 >= 2, 100*m1/m2, 0)`), 100 for one that fires below. CloudWatch judges each period on its own (M of
    N), so the guard is per period."""
    if not isinstance(source, Ratio) or not service.min_requests:
        return source
    return source.guarded(math.ceil(service.min_requests / evaluation.evaluation_periods), 0 if direction == "above" else 100)


AlertTopics = Mapping[str, Mapping[Severity, "pulumi.Input[str]"]]


def level_actions(
    threshold: Threshold, signal: str, level: str, topics: Mapping[Severity, pulumi.Input[str]], alert_topics: Optional[AlertTopics]
) -> list[pulumi.Input[str]]:
    """Whom one level of an alert notifies: its severity's topic, or its own route's (`alert_topics[signal]`)."""
    targets = (alert_topics or {}).get(signal, {}) if threshold.own_route is not None else topics
    return notify(targets, threshold.severity(level))


def held(threshold: Threshold, level: str) -> bool:
    """Whether a level's alarm tells nobody itself: an alert's warning, where it has a critical too. A composite alarm
    notifies for it, held back while the critical is in ALARM (levels.py): one notification per problem."""
    return level == "warning" and threshold.critical is not None


def threshold_alarms(
    service: Service,
    deployment: Deployment,
    scope: AwsScope,
    topics: Mapping[Severity, pulumi.Input[str]],
    region: str,
    alert_topics: Optional[AlertTopics] = None,
) -> list[Declaration]:
    """Warning and critical as separate alarms, so each level routes to its own topic: its severity's, or the topic of
    the alert's own route (`alert_topics[signal]`, per severity) when the alert names targets of its own. A warning
    beside a critical tells nobody itself (`held`): levels.py's composite does, unless the critical is in ALARM."""
    out: list[Declaration] = []
    for alert in alert_signals(service):
        signal, threshold = alert.key, alert.threshold
        seen = watched(alert.signal, scope)
        if seen is None:
            continue
        seen = seen.over(threshold.window)
        evaluation = replace(seen.evaluation, treat_missing_data=TREAT_MISSING[threshold.no_data]) if threshold.no_data else seen.evaluation
        direction = alert.signal.direction
        own = threshold.own_route is not None
        for level, value in threshold.levels():
            severity = threshold.severity(level)
            limit = seen.threshold(value)
            name = aws_name(service, deployment, signal, level)
            silent = held(threshold, level)
            routed = f"routed to {'its own route (' + severity + ')' if own else severity}"
            what = (
                f"{service.service} ({deployment.environment}) {seen.title} {direction} {value} "
                f"({limit:g} {seen.unit}) in {evaluation.datapoints} of {evaluation.evaluation_periods} "
                f"periods of {evaluation.period}s; {level}, "
                + (f"{routed} through {aws_name(service, deployment, signal, level, NOTIFY)} unless the critical alarm is in ALARM" if silent else routed)
            )
            args = metric_alarm_args(
                name,
                describe(service, deployment, what, anchor(signal)),
                low_traffic_guard(seen.source, service, evaluation, direction),
                evaluation,
                threshold=limit,
                comparison=COMPARATOR[direction],
                actions=[] if silent else level_actions(threshold, signal, level, topics, alert_topics),
                tags=alarm_tags(service, deployment, None if silent else severity),  # the severity tag names the route it notifies
                ok_actions=[] if silent or not threshold.recovery else None,
            )
            where = alert.path
            if where[0] == "custom_alerts":
                path: tuple[str, ...] = (*where, "aws")
            else:
                path = (*where, "window") if threshold.window is not None else (*where, level)
            out.append(Declaration("metric_alarm", logical(service, signal, level), args, region, path, alert=AlertOf.threshold(alert, level=level)))
    return out
