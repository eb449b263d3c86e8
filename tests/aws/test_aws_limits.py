"""AWS's documented limits (monitors/aws/limits.py), each with a failing case through the rules that enforce it, and
the vendor's own sentence where botocore's copy of the reference holds it."""

from __future__ import annotations

import re
from typing import Any

import botocore.session
import pytest

from monitors.aws import limits as L
from monitors.aws import sdk as aws
from monitors.aws.rules import check_composite_alarm, check_dashboard, check_declarations, check_metric_alarm
from monitors.common.declarations import Declaration

Q = aws.cloudwatch.MetricAlarmMetricQueryArgs
QM = aws.cloudwatch.MetricAlarmMetricQueryMetricArgs
INSIGHTS = "SELECT SUM(ThrottledRequests) FROM SCHEMA(\"AWS/DynamoDB\", Operation, TableName) WHERE TableName = 'orders'"


def _said(service: str, operation: str, member: str | None = None) -> str:
    model = botocore.session.get_session().get_service_model(service).operation_model(operation)
    text = model.documentation if member is None else model.input_shape.members[member].documentation
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text))


def _alarm(queries: list[Q], treat: str = "notBreaching") -> aws.cloudwatch.MetricAlarmArgs:
    return aws.cloudwatch.MetricAlarmArgs(
        name="orders-prod-table-throttles-critical", comparison_operator="GreaterThanThreshold", threshold=20,
        evaluation_periods=5, datapoints_to_alarm=3, treat_missing_data=treat, alarm_actions=["arn:t"], ok_actions=["arn:t"],
        metric_queries=queries,
    )  # fmt: skip


def _operation(i: int, namespace: str = "AWS/DynamoDB") -> Q:
    dims = {"TableName": "orders", "Operation": f"Op{i}"}
    return Q(id=f"m{i}", metric=QM(namespace=namespace, metric_name="ThrottledRequests", dimensions=dims, stat="Sum", period=60))


def test_a_metric_math_alarm_reads_at_most_ten_metrics() -> None:
    """"Alarms based on metric math expressions can reference a maximum of 10 metrics. This is a hard limit that cannot
    be increased." (alarm-limits.html) — the 13 DynamoDB operations vigil used to sum."""
    assert L.METRIC_MATH_METRICS.number == 10 and L.METRIC_MATH_METRICS.url.endswith("alarm-limits.html")
    assert "as many as 10 structures that contain a MetricStat" in re.sub(
        r"\s+", " ", re.sub(r"<[^>]+>", "", botocore.session.get_session().get_service_model("cloudwatch").shape_for("MetricDataQuery").documentation)
    )
    ok = [_operation(i) for i in range(1, 11)] + [Q(id="e1", expression="FILL(" + "+".join(f"m{i}" for i in range(1, 11)) + ", 0)", return_data=True)]
    assert check_metric_alarm(_alarm(ok)) == []
    thirteen = [_operation(i) for i in range(1, 14)] + [Q(id="e1", expression="FILL(" + "+".join(f"m{i}" for i in range(1, 14)) + ", 0)", return_data=True)]
    problems = check_metric_alarm(_alarm(thirteen))
    assert any("13 metrics in one metric-math alarm: CloudWatch allows at most 10, a hard limit" in p and "alarm-limits.html" in p for p in problems)
    expressions = [_operation(1)] + [Q(id=f"e{i}", expression="m1") for i in range(1, 11)] + [Q(id="e11", expression="m1", return_data=True)]
    assert any("11 expressions in one alarm: at most 10" in p for p in check_metric_alarm(_alarm(expressions)))


def test_an_alarm_on_dynamodb_metrics_must_not_rely_on_treat_missing_data() -> None:
    """"Alarms that evaluate metrics in the AWS/DynamoDB namespace always ignore missing data even if you choose a different
    option for TreatMissingData." (PutMetricAlarm): without FILL, notBreaching is a promise AWS does not keep."""
    assert "AWS/DynamoDB namespace always ignore missing data" in _said("cloudwatch", "PutMetricAlarm", "TreatMissingData")
    bare = [_operation(1), _operation(2), Q(id="e1", expression="m1+m2", return_data=True)]
    assert any("keeps its state while they are missing" in p for p in check_metric_alarm(_alarm(bare)))
    assert check_metric_alarm(_alarm(bare, treat="ignore")) == []  # what it says is what AWS does
    filled = [Q(id="q1", expression=INSIGHTS, period=60), Q(id="e1", expression="FILL(q1, 0)", return_data=True)]
    assert check_metric_alarm(_alarm(filled)) == []
    unfilled = [Q(id="q1", expression=INSIGHTS, period=60, return_data=True)]
    assert any("read them through FILL" in p for p in check_metric_alarm(_alarm(unfilled)))
    other = [_operation(1, "AWS/Lambda"), Q(id="e1", expression="m1", return_data=True)]
    assert check_metric_alarm(_alarm(other)) == []


@pytest.mark.parametrize(
    ("queries", "expected"),
    [
        ([Q(id="q1", expression=INSIGHTS), Q(id="e1", expression="FILL(q1, 0)", return_data=True)], "needs its own period"),
        ([Q(id="q1", expression=INSIGHTS + " GROUP BY Operation", period=60), Q(id="e1", expression="FILL(q1, 0)", return_data=True)], "is not SELECT"),
        ([Q(id="q1", expression=INSIGHTS, period=45), Q(id="e1", expression="FILL(q1, 0)", return_data=True)], "period 45 s"),
        ([Q(id="q1", expression=INSIGHTS, period=3600), Q(id="e1", expression="FILL(q1, 0)", return_data=True)], "reads only the latest 3 hours"),
    ],
)
def test_a_metrics_insights_query_in_an_alarm(queries: list[Q], expected: str) -> None:
    problems = check_metric_alarm(_alarm(queries))
    assert any(expected in p for p in problems), problems


def test_a_composite_rule_names_at_most_100_alarms_in_at_most_500_elements() -> None:
    """"The AlarmRule can specify as many as 100 "children" alarms. The AlarmRule expression can have as many as 500
    elements." (PutCompositeAlarm)"""
    said = _said("cloudwatch", "PutCompositeAlarm", "AlarmRule")
    assert 'as many as 100 "children" alarms' in said and "as many as 500 elements" in said
    names = {f"a{i}" for i in range(101)}
    rule = " OR ".join(f'ALARM("a{i}")' for i in range(101))
    problems = check_composite_alarm(aws.cloudwatch.CompositeAlarmArgs(alarm_name="c", alarm_rule=rule, alarm_actions=[]), names)
    assert any("names 101 alarms: at most 100" in p for p in problems)
    rule = " OR ".join(['NOT ALARM("a1") AND NOT ALARM("a2")'] * 90)
    problems = check_composite_alarm(aws.cloudwatch.CompositeAlarmArgs(alarm_name="c", alarm_rule=rule, alarm_actions=[]), {"a1", "a2"})
    assert any("elements (alarm states and operators): at most 500" in p for p in problems)


def _declared(kind: str, logical: str, args: Any) -> Declaration:
    return Declaration(kind, logical, args, "eu-west-1", ("alerts",))


def test_an_alarm_is_named_by_at_most_150_composites() -> None:
    """"Any single alarm can be included in the rule expressions of as many as 150 composite alarms." (PutCompositeAlarm)"""
    assert "as many as 150 composite alarms" in _said("cloudwatch", "PutCompositeAlarm")
    alarm = _declared("metric_alarm", "a", aws.cloudwatch.MetricAlarmArgs(name="a", comparison_operator="GreaterThanThreshold", evaluation_periods=1))
    composites = [
        _declared("composite_alarm", f"c{i}", aws.cloudwatch.CompositeAlarmArgs(alarm_name=f"c{i}", alarm_rule='ALARM("a")', alarm_actions=[]))
        for i in range(151)
    ]
    found = [problem for _, problem in check_declarations([alarm, *composites])]
    assert any("151 composite alarms name a: at most 150" in p for p in found)
    assert not any("composite alarms name" in p for _, p in check_declarations([alarm, *composites[:150]]))


def test_filters_per_log_group() -> None:
    """"The maximum number of metric filters that can be associated with a log group is 100." (PutMetricFilter); "Each
    log group can have up to two subscription filters associated with it." (PutSubscriptionFilter)"""
    assert "metric filters that can be associated with a log group is 100" in _said("logs", "PutMetricFilter")
    assert "up to two subscription filters" in _said("logs", "PutSubscriptionFilter")
    transformation = aws.cloudwatch.LogMetricFilterMetricTransformationArgs(name="m", namespace="n", value="1")
    filters = [
        _declared("metric_filter", f"f{i}", aws.cloudwatch.LogMetricFilterArgs(name=f"f{i}", log_group_name="/g", pattern="", metric_transformation=transformation))
        for i in range(101)
    ]
    assert any("101 metric filters on log group /g: at most 100" in p for _, p in check_declarations(filters))
    arn = "arn:aws:lambda:eu-west-1:123456789012:function:forwarder"
    subscriptions = [
        _declared("subscription_filter", f"s{i}", aws.cloudwatch.LogSubscriptionFilterArgs(name=f"s{i}", log_group="/g", destination_arn=arn, filter_pattern=""))
        for i in range(3)
    ]
    assert any("3 subscription filters on log group /g: at most 2" in p for _, p in check_declarations(subscriptions))


def test_dashboard_metrics_per_widget_and_in_all() -> None:
    """Up to 500 metrics per widget and 2500 per dashboard, those metric math reads included (cloudwatch_limits.html)."""
    row = ["AWS/ECS", "CPUUtilization", "ClusterName", "c", {"stat": "Maximum"}]
    widget = {"type": "metric", "x": 0, "y": 0, "width": 6, "height": 6, "properties": {"metrics": [row] * 501 + [[{"expression": "m1"}]]}}
    assert any("reads 501 metrics: at most 500" in p for p in check_dashboard("d", {"widgets": [widget]}))
    full = {**widget, "properties": {"metrics": [row] * 500}}
    problems = check_dashboard("d", {"widgets": [full] * 6})
    assert any("read 3000 metrics: a dashboard reads at most 2500" in p for p in problems) and not any(p.startswith("widget ") for p in problems)


def test_every_limit_names_its_page_and_where_it_is_enforced() -> None:
    found = L.limits()
    assert len(found) >= 25 and all(limit.url.startswith("https://") and limit.enforced for limit in found)
    assert {limit.what for limit in found} >= {"metrics a metric-math alarm references", "alarms one rule names", "widgets"}
