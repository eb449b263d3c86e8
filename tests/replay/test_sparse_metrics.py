"""Metrics a vendor publishes only while something happens (DynamoDB throttles, a dead-letter queue's arrivals), and
what each vendor does with the silence between bursts — each rule pinned to the vendor's own sentence."""

from __future__ import annotations

import re
from typing import Any, Optional

import botocore.session
import pytest

from vigil.replay import ALARM, DD_ALERT, DD_OK, ReplayError, Sample, VendorData, evaluate
from vigil.replay.cloudwatch.insights import parse_insights
from vigil.replay.datadog.metrics import DatadogData
from vigil.replay.datadog.queries import parse_monitor_query, terms

from .plans import METRIC_ALARM, monitor, plan, resource

MIN = 60
TABLE = "orders"
OPERATIONS = ("PutItem", "GetItem", "Query")


def _documented(operation: str, member: str) -> str:
    shape = botocore.session.get_session().get_service_model("cloudwatch").operation_model(operation).input_shape.members[member]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", shape.documentation))


def test_aws_says_dynamodb_alarms_ignore_treat_missing_data() -> None:
    """The rule the replay models, in botocore's copy of the PutMetricAlarm reference."""
    said = _documented("PutMetricAlarm", "TreatMissingData")
    assert "Alarms that evaluate metrics in the AWS/DynamoDB namespace always ignore missing data even if you choose a different option for TreatMissingData" in said
    assert "alarms that evaluate that metric remain in their current state" in said


def throttles(per_operation: dict[str, list[Optional[float]]]) -> VendorData:
    """ThrottledRequests of the table, per operation (None: nothing published that minute)."""
    length = len(next(iter(per_operation.values())))
    data = VendorData(step=60, length=length)
    for operation, values in per_operation.items():
        data.add_cloudwatch(
            "AWS/DynamoDB", "ThrottledRequests", {"TableName": TABLE, "Operation": operation},
            [None if v is None else Sample.value(v) for v in values],
        )
    return data


BURSTS = [None] * 5 + [30.0] * 3 + [None] * 20 + [30.0] * 3 + [None] * 20  # two bursts, 20 quiet minutes apart


def alarm(name: str, queries: Optional[list[dict[str, Any]]] = None, **inputs: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": name, "evaluationPeriods": 5, "datapointsToAlarm": 3, "threshold": 10, "comparisonOperator": "GreaterThanThreshold",
        "treatMissingData": "notBreaching", "alarmActions": ["${page.arn}"], "okActions": ["${page.arn}"],
    }  # fmt: skip
    if queries is None:
        base.update(namespace="AWS/DynamoDB", metricName="ThrottledRequests", statistic="Sum", period=60,
                    dimensions={"TableName": TABLE, "Operation": "PutItem"})  # fmt: skip
    else:
        base["metricQueries"] = queries
    base.update(inputs)
    return resource(METRIC_ALARM, name, base)


def _metric(qid: str, operation: str) -> dict[str, Any]:
    dims = {"TableName": TABLE, "Operation": operation}
    return {"id": qid, "metric": {"namespace": "AWS/DynamoDB", "metricName": "ThrottledRequests", "dimensions": dims, "stat": "Sum", "period": 60}}


INSIGHTS = f"SELECT SUM(ThrottledRequests) FROM SCHEMA(\"AWS/DynamoDB\", Operation, TableName) WHERE TableName = '{TABLE}'"


def test_an_alarm_on_a_dynamodb_metric_stays_in_alarm_whatever_treat_missing_data_says() -> None:
    """notBreaching would bring it back to OK; AWS ignores it on AWS/DynamoDB: the second burst pages nobody."""
    timeline = evaluate(plan(alarm("plain")), throttles({"PutItem": BURSTS}))["plain"]
    assert timeline.entered(ALARM) == [8 * MIN] and timeline.current == ALARM
    assert [n.level for n in timeline.notifications if n.level == "alert"] == ["alert"]


def test_the_rule_holds_inside_metric_math_over_dynamodb_metrics() -> None:
    """An alarm on math over DynamoDB metrics "evaluates metrics in the AWS/DynamoDB namespace" too; the expression has
    no point while they publish nothing ("the data point is considered missing if the math expression doesn't return a
    value", alarm-data-queries.html), so it keeps its state as well."""
    queries = [_metric("m1", "PutItem"), _metric("m2", "GetItem"), {"id": "e1", "expression": "m1+m2", "returnData": True}]
    timeline = evaluate(plan(alarm("math", queries)), throttles({"PutItem": BURSTS, "GetItem": [None] * len(BURSTS)}))["math"]
    assert timeline.entered(ALARM) == [8 * MIN] and timeline.current == ALARM


def test_filled_metrics_insights_pages_each_burst() -> None:
    """FILL gives every period a point, so no data is missing and the alarm returns to OK between bursts: two pages."""
    queries = [{"id": "q1", "expression": INSIGHTS, "period": 60}, {"id": "e1", "expression": "FILL(q1, 0)", "returnData": True}]
    data = throttles({"PutItem": BURSTS, "GetItem": [None] * len(BURSTS)})
    timeline = evaluate(plan(alarm("filled", queries)), data)["filled"]
    assert timeline.entered(ALARM) == [8 * MIN, 31 * MIN]
    assert [n.level for n in timeline.notifications if n.level == "alert"] == ["alert", "alert"]


def test_metrics_insights_sums_every_operation_of_the_schema_and_filter() -> None:
    """SUM over every series with exactly the schema's keys and the WHERE values: 4 operations × 3 = 12 > 10 alarms,
    though no operation alone crosses 10; another table and a metric with other keys are not read."""
    spread = [None] * 3 + [3.0] * 5 + [None] * 5
    data = throttles(dict.fromkeys((*OPERATIONS, "Scan"), spread))
    data.add_cloudwatch("AWS/DynamoDB", "ThrottledRequests", {"TableName": "other", "Operation": "PutItem"}, [Sample.value(50.0)] * 13)
    data.add_cloudwatch("AWS/DynamoDB", "ThrottledRequests", {"TableName": TABLE}, [Sample.value(50.0)] * 13)
    queries = [{"id": "q1", "expression": INSIGHTS, "period": 60}, {"id": "e1", "expression": "FILL(q1, 0)", "returnData": True}]
    timeline = evaluate(plan(alarm("sum", queries)), data)["sum"]
    assert timeline.entered(ALARM) == [6 * MIN]


def test_a_metrics_insights_query_the_replay_cannot_read_is_an_error() -> None:
    with pytest.raises(ReplayError, match="Metrics Insights"):
        parse_insights("SELECT SUM(ThrottledRequests) FROM \"AWS/DynamoDB\" GROUP BY Operation", 60)
    with pytest.raises(ReplayError, match="does not hold"):
        parse_insights("SELECT SUM(X) FROM SCHEMA(\"N\", A) WHERE B = 'b'", 60)
    queries = [{"id": "q1", "expression": INSIGHTS}, {"id": "e1", "expression": "FILL(q1, 0)", "returnData": True}]
    with pytest.raises(ReplayError, match="needs its period"):
        evaluate(plan(alarm("bad", queries)), throttles({"PutItem": BURSTS}))


# Datadog: monotonic_diff (dashboards/functions/rate).
MONOTONIC_SAYS = "Graph the delta of the metric like diff() but only if the delta is positive."


def test_monotonic_diff_counts_a_queues_arrivals_not_its_depth() -> None:
    """"like diff() but only if the delta is positive": a dead-letter queue's depth 0, 1, 1, 1, 2, 0 (redriven) gives
    arrivals 1, 0, 0, 1, 0 — the redrive is no negative arrival, and the first message's depth is no new arrival later."""
    assert "only if the delta is positive" in MONOTONIC_SAYS
    data = VendorData(step=60, length=6)
    data.add_datadog("aws.sqs.depth", ["queuename:dlq"], "gauge", [Sample.value(v) for v in (0, 1, 1, 1, 2, 0)])
    query = parse_monitor_query("max(last_5m):monotonic_diff(max:aws.sqs.depth{queuename:dlq}) > 0")
    assert DatadogData(data).points(terms(query.formula)[0]) == [None, 1.0, 0.0, 0.0, 1.0, 0.0]


# default_zero (dashboards/functions/interpolation)
DEFAULT_ZERO_SAYS = "The default_zero() function fills empty time intervals using the value 0"


def test_default_zero_lets_the_first_message_of_an_inactive_queue_count() -> None:
    """SQS publishes nothing for a queue inactive for six hours; its first dead letter is then a point with no
    predecessor, which monotonic_diff alone would never count. default_zero "fills empty time intervals using the value
    0", so the first point is an increase from 0; a series without any point stays empty."""
    assert "fills empty time intervals using the value 0" in DEFAULT_ZERO_SAYS
    data = VendorData(step=60, length=5)
    data.add_datadog("aws.sqs.depth", ["queuename:dlq"], "gauge", [None, None, None, Sample.value(1.0), Sample.value(1.0)])
    datadog = DatadogData(data)
    bare = parse_monitor_query("max(last_5m):monotonic_diff(max:aws.sqs.depth{queuename:dlq}) > 0")
    filled = parse_monitor_query("max(last_5m):monotonic_diff(default_zero(max:aws.sqs.depth{queuename:dlq})) > 0")
    assert datadog.points(terms(bare.formula)[0]) == [None, None, None, None, 0.0]
    assert datadog.points(terms(filled.formula)[0]) == [None, 0.0, 0.0, 1.0, 0.0]
    empty = VendorData(step=60, length=3)
    empty.add_datadog("aws.sqs.depth", ["queuename:dlq"], "gauge", [None, None, None])
    assert DatadogData(empty).points(terms(filled.formula)[0]) == [None, None, None]


def test_a_second_dead_letter_alerts_again_while_the_first_is_still_there() -> None:
    """Watching arrivals: the monitor resolves once no new message came in its window, though the queue still holds the
    first, and the second arrival alerts again; a monitor on the depth above 0 would have stayed in Alert."""
    depth = [0.0] * 5 + [1.0] * 20 + [2.0] * 20
    data = VendorData(step=60, length=len(depth))
    data.add_datadog("aws.sqs.depth", ["queuename:dlq"], "gauge", [Sample.value(v) for v in depth])
    arrivals = monitor("arrivals", "max(last_5m):monotonic_diff(max:aws.sqs.depth{queuename:dlq}) > 0", 0)
    held = monitor("depth", "max(last_5m):max:aws.sqs.depth{queuename:dlq} > 0", 0)
    timelines = evaluate(plan(arrivals, held), data)
    assert [s for _, s in timelines["arrivals"].changes] == [DD_ALERT, DD_OK, DD_ALERT, DD_OK]
    assert [s for _, s in timelines["depth"].changes] == [DD_ALERT]
