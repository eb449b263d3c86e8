"""Tables: a DynamoDB table the service owns — requests it throttles, and requests that fail with a 500.

CloudWatch: `AWS/DynamoDB`, every minute, and only when not zero (DynamoDB developer guide, "DynamoDB Metrics and
dimensions"): `ThrottledRequests` and `SystemErrors` are published per `TableName` and `Operation` only, so a table's
total is the sum over the data-plane operations the guide lists (metric math, one query per operation). Datadog's AWS
integration crawls them as `aws.dynamodb.throttled_requests` and `aws.dynamodb.system_errors` (counts), tagged
`tablename:<lowercase name>` (and `operation:`), which a query by table alone sums (Datadog's Amazon DynamoDB
integration, its metrics list).

Nothing is published while nothing fails: Datadog skips the evaluations of a window without data and keeps the alert's
state (Monitoring Sparse Metrics), so these monitors resolve on their own an hour after the last failure (`timeout_h`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Optional

from spec import Duration, Service

from . import needs
from .cloudwatch import FAST, AwsScope, Math, Metric, per_period
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
RESOLVE_HOURS = 1  # Datadog's timeout_h: a sparse count's alert resolves an hour after its last point
# The Operation dimension's data-plane values (the guide's list, Streams' GetRecords aside): a table's total is their sum.
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


def _total(name: str) -> Callable[[AwsScope], Math]:
    def source(scope: AwsScope) -> Math:
        metrics = tuple(_by_operation(scope, name, operation) for operation in OPERATIONS)
        return Math(metrics, "+".join(f"m{i}" for i in range(1, len(metrics) + 1)), name)

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
            resolve_after=RESOLVE_HOURS,
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
