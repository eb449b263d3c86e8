"""Tables: a DynamoDB table the service owns — requests it throttles, and requests that fail with a 500.

CloudWatch: `AWS/DynamoDB`, every minute, and only when not zero (DynamoDB developer guide, "DynamoDB Metrics and
dimensions"): `ThrottledRequests` and `SystemErrors` are published per `TableName` and `Operation` only, so a table's
total is their sum over every operation. Metric math could read only ten of the thirteen data-plane operations ("Alarms
based on metric math expressions can reference a maximum of 10 metrics. This is a hard limit", alarm-limits.html), so
the alarm sums them with the Metrics Insights query AWS names first for it: `SELECT SUM(ThrottledRequests) FROM
SCHEMA("AWS/DynamoDB", Operation, TableName) WHERE TableName = '<table>'` — every operation, those added later too, at
its full threshold (a composite over per-operation alarms would miss a burst spread over operations; fewer operations
would miss the others' throttles).

Nothing is published while nothing fails, and AWS ignores TreatMissingData on AWS/DynamoDB ("Alarms that evaluate
metrics in the AWS/DynamoDB namespace always ignore missing data even if you choose a different option", PutMetricAlarm):
the alarm would stay in ALARM after a first burst and the next would page nobody. It reads `FILL(q1, 0)` instead — a
period without data is 0, not missing — so it returns to OK by itself between bursts. Datadog's AWS integration crawls
them as `aws.dynamodb.throttled_requests` and `aws.dynamodb.system_errors` (counts), tagged `tablename:<lowercase name>`
(and `operation:`), which a query by table alone sums (Datadog's Amazon DynamoDB integration, its metrics list); a window
without data shows OK (`on_missing_data: resolve`, Datadog's On Missing Data guide), so a second burst alerts again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Optional

from spec import Duration, Service

from . import needs
from .cloudwatch import FAST, AwsScope, Insights, Metric, per_period
from .datadog import AWS_DELAY, Expression, aws_tag
from .model import (
    CloudWatchAlarm,
    CloudWatchPublication,
    DatadogGraph,
    DatadogMetric,
    DatadogPublication,
    Drive,
    Events,
    PointOf,
    Publication,
    Series,
    Signal,
    Values,
)
from .words import DEPLOY, ESCALATE, FIRST

DYNAMODB = "AWS/DynamoDB"
_5M = Duration(300_000)
# The Operation dimension's data-plane values (the guide's list, Streams' GetRecords aside): the query sums them all.
OPERATIONS = (
    "PutItem", "DeleteItem", "UpdateItem", "GetItem", "BatchGetItem", "Scan", "Query", "BatchWriteItem",
    "TransactWriteItems", "TransactGetItems", "ExecuteTransaction", "BatchExecuteStatement", "ExecuteStatement",
)
# Where the replay puts a series' events: one operation stands for the table's requests.
REPLAYED_OPERATION = "PutItem"


def _table(service: Service) -> str:
    aws = service.sources.aws
    assert aws is not None and aws.dynamodb is not None, "guarded by needs.DYNAMODB_NAME"
    return aws_tag(aws.dynamodb.table, aws.from_stack)


def _datadog(metric: str) -> Callable[[Service, str], Expression]:
    def query(service: Service, env: str) -> Expression:
        return Expression("count", {"count": f"sum:aws.dynamodb.{metric}{{tablename:{_table(service)}}}.as_count()"})

    return query


def _by_operation(scope: AwsScope, name: str, operation: str) -> Metric:
    table = scope.targets.dynamodb_table
    assert table is not None, "guarded by needs.DYNAMODB"
    return Metric(DYNAMODB, name, {"TableName": table, "Operation": operation}, "Sum")


def _total(name: str) -> Callable[[AwsScope], Insights]:
    """The table's requests over every operation, a period without any 0 (FILL): see the module's docstring."""

    def source(scope: AwsScope) -> Insights:
        table = scope.targets.dynamodb_table
        assert table is not None, "guarded by needs.DYNAMODB"
        return Insights(DYNAMODB, name, ("Operation", "TableName"), {"TableName": table}, "FILL(q1, 0)", f"{name} of every operation")

    return source


def _signal(*, name: str, metric: str, datadog: str, title: str, watches: str, steps: tuple[str, ...], drive: str) -> Signal:
    return Signal(
        name=name,
        title=title,
        section="tables",
        watches=watches,
        steps=steps,
        datadog=DatadogMetric(
            query=_datadog(datadog),
            aggregation="sum",
            window=_5M,
            unit=" requests",
            graph=DatadogGraph("Table throttles and system errors", title),
            evaluation_delay=AWS_DELAY,
            counts_window=True,
            needs=(needs.DATADOG, needs.DYNAMODB_NAME),
        ),
        cloudwatch=CloudWatchAlarm(
            title=title,
            source=_total(metric),
            unit="requests per period",
            evaluation=FAST,
            convert=per_period,
            needs=(needs.DYNAMODB,),
        ),
        drive=Drive(drive),
        sparse=True,
    )


SIGNALS = (
    _signal(
        name="table_throttles",
        metric="ThrottledRequests",
        datadog="throttled_requests",
        title="table throttles",
        watches="Requests to the service's DynamoDB table that exceeded its capacity (provisioned, on-demand maximum, or a hot partition) and were refused.",
        steps=(
            FIRST,
            "Compare consumed with provisioned (or maximum on-demand) capacity of the table and its indexes: out of capacity, or one hot partition key?",
            "Check what raised the traffic: a deploy, a batch job, a retry storm.",
            "Raise the capacity (or its auto-scaling maximum) once the cause is known; a hot key needs a better key design.",
        ),
        drive="table_throttles",
    ),
    _signal(
        name="table_system_errors",
        metric="SystemErrors",
        datadog="system_errors",
        title="table system errors",
        watches="Requests to the service's DynamoDB table that failed with an HTTP 500: DynamoDB itself could not serve them.",
        steps=(
            FIRST,
            "Check the AWS Health Dashboard for DynamoDB in the table's Region.",
            "Make sure the service retries with backoff; a few are expected, a sustained share of 1 % over 15 minutes is worth an AWS support case.",
            DEPLOY,
            ESCALATE,
        ),
        drive="table_system_errors",
    ),
)


# ---- Replay: the table's series, and what the vendors receive for them -------------------------------------------

SERIES = (
    Series(name="table_throttles", unit="rate", means="Requests to the service's DynamoDB table it throttles, per unit of time."),
    Series(name="table_system_errors", unit="rate", means="Requests to the service's DynamoDB table failing with an HTTP 500, per unit of time."),
)


def _counted(series: str) -> PointOf:
    def point(values: Values, seconds: int) -> Optional[Events]:
        rate = values.get(series)
        return Events(rate * seconds) if rate else None  # DynamoDB publishes nothing while it is zero

    return point


def published(scope: AwsScope) -> list[Publication]:
    """The events of a series on one operation of the table (the alarms sum every operation); Datadog's counts tagged
    by table and operation."""
    out: list[Publication] = []
    aws = scope.service.sources.aws
    named = aws is not None and aws.dynamodb is not None
    for series, metric, datadog in (("table_throttles", "ThrottledRequests", "throttled_requests"), ("table_system_errors", "SystemErrors", "system_errors")):
        if scope.targets.dynamodb_table is not None:
            found = _by_operation(scope, metric, REPLAYED_OPERATION)
            out.append(CloudWatchPublication(found.namespace, found.name, found.dimensions, _counted(series), (series,)))
        if named:
            tags = (f"tablename:{_table(scope.service)}", f"operation:{REPLAYED_OPERATION.lower()}")
            out.append(DatadogPublication(f"aws.dynamodb.{datadog}", tags, "count", _counted(series), (series,)))
    return out
