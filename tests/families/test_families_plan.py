"""Queues, functions, gateways and tables: what each backend deploys for the families fixture, on both stacks."""

from __future__ import annotations

import re

from signals.tables import OPERATIONS
from vigil.project import check_catalog
from vigil.testkit import PlanView

from .conftest import FAMILIES


def test_a_queue_worker_watches_its_backlog_oldest_message_and_dead_letters(families: dict[str, PlanView]) -> None:
    plan = families["prod"]
    backlog = plan.one(name="orders-worker-queue-backlog")
    assert backlog.inputs["query"] == "avg(last_10m):max:aws.sqs.approximate_number_of_messages_visible{queuename:orders-prod} > 5000"
    assert backlog.inputs["evaluationDelay"] == 900
    alarm = plan.one(name="orders-worker-queue-backlog-critical")
    assert (alarm.inputs["namespace"], alarm.inputs["metricName"], alarm.inputs["statistic"]) == ("AWS/SQS", "ApproximateNumberOfMessagesVisible", "Maximum")
    assert alarm.inputs["dimensions"] == {"QueueName": "orders-prod"} and alarm.inputs["threshold"] == 5000
    assert (alarm.inputs["evaluationPeriods"], alarm.inputs["datapointsToAlarm"]) == (10, 8)
    age = plan.one(name="orders-worker-queue-age-critical")
    assert age.inputs["metricName"] == "ApproximateAgeOfOldestMessage" and age.inputs["threshold"] == 900  # 15m in seconds
    dead = plan.one(name="orders-worker-dead-letters")  # arrivals: the rises of the depth, not the depth above 0
    assert dead.inputs["query"] == (
        "max(last_5m):monotonic_diff(default_zero(max:aws.sqs.approximate_number_of_messages_visible{queuename:orders-prod-dlq})) > 0"
    )
    assert dead.inputs["onMissingData"] == "resolve" and "timeoutH" not in dead.inputs
    dead_alarm = plan.one(name="orders-worker-dead-letters-critical")
    queries = {q["id"]: q for q in dead_alarm.inputs["metricQueries"]}
    assert queries["e1"]["expression"] == "DIFF(FILL(m1, 0))" and queries["m1"]["metric"]["dimensions"] == {"QueueName": "orders-prod-dlq"}
    assert (dead_alarm.inputs["evaluationPeriods"], dead_alarm.inputs["datapointsToAlarm"]) == (3, 1)
    old = plan.one(name="orders-worker-dead-letter-age-critical")  # 75 % of the prod dead-letter queue's 14 days
    assert {q["id"]: q.get("expression") for q in old.inputs["metricQueries"]}["e1"] == "100*m1/1209600" and old.inputs["threshold"] == 75
    assert families["dev"].one(name="orders-worker-dead-letter-age").inputs["query"] == (
        "avg(last_15m):100 * max:aws.sqs.approximate_age_of_oldest_message{queuename:orders-dev-dlq} / 345600 > 75"  # SQS's default 4 days
    )
    dev = families["dev"].one(name="orders-worker-queue-backlog-critical")
    assert dev.inputs["dimensions"] == {"QueueName": "orders-dev"}  # the environment's overlay names its queue


def test_a_lambda_behind_a_gateway_with_a_table(families: dict[str, PlanView]) -> None:
    plan = families["prod"]
    errors = plan.one(name="payments-webhook-function-error-rate")
    assert errors.inputs["query"] == (
        "sum(last_5m):100 * sum:aws.lambda.errors{functionname:payments-webhook-prod}.as_count() / "
        "sum:aws.lambda.invocations{functionname:payments-webhook-prod}.as_count() > 5"
    )
    throttles = plan.one(name="payments-webhook-function-throttles")
    assert throttles.inputs["query"] == "sum(last_5m):sum:aws.lambda.throttles{functionname:payments-webhook-prod}.as_count() > 50"  # 10/m over 5m
    assert plan.one(name="payments-webhook-function-throttles-critical").inputs["threshold"] == 10  # per 1-minute period
    duration = plan.one(name="payments-webhook-function-duration-p95")
    assert duration.inputs["query"] == "avg(last_5m):avg:aws.lambda.duration.p95{functionname:payments-webhook-prod} / 1000 > 3"
    assert plan.one(name="payments-webhook-function-duration-p95-critical").inputs["threshold"] == 3000  # CloudWatch: milliseconds
    concurrency = plan.one(name="payments-webhook-function-concurrency-critical")
    queries = {q["id"]: q for q in concurrency.inputs["metricQueries"]}
    assert queries["e1"]["expression"] == "100*m1/500" and queries["m1"]["metric"]["metricName"] == "ConcurrentExecutions"
    gateway = plan.one(name="payments-webhook-gateway-error-rate-critical")
    stats = {q["metric"]["metricName"]: q["metric"]["stat"] for q in gateway.inputs["metricQueries"] if "metric" in q}
    assert stats == {"5XXError": "Sum", "Count": "SampleCount"}
    assert all(q["metric"]["dimensions"] == {"ApiName": "payments-webhook", "Stage": "prod"} for q in gateway.inputs["metricQueries"] if "metric" in q)
    assert plan.one(name="payments-webhook-gateway-latency-p95").inputs["query"] == (
        "avg(last_5m):avg:aws.apigateway.latency.p95{apiname:payments-webhook,stage:prod} / 1000 > 2"
    )
    # the table's throttles over every operation (more than a metric-math alarm's 10 metrics), a quiet period read as 0
    table = plan.one(name="payments-webhook-table-throttles-critical")
    queries = {q["id"]: q for q in table.inputs["metricQueries"]}
    assert queries["q1"]["expression"] == (
        "SELECT SUM(ThrottledRequests) FROM SCHEMA(\"AWS/DynamoDB\", Operation, TableName) WHERE TableName = 'payments-prod'"
    )
    assert queries["q1"]["period"] == 60 and queries["e1"]["expression"] == "FILL(q1, 0)" and queries["e1"]["returnData"]
    assert not any("metric" in q for q in queries.values()) and len(OPERATIONS) > 10
    monitor = plan.one(name="payments-webhook-table-throttles")
    assert monitor.inputs["query"] == "sum(last_5m):sum:aws.dynamodb.throttled_requests{tablename:payments-prod}.as_count() > 100"
    assert monitor.inputs["onMissingData"] == "resolve"  # DynamoDB publishes nothing while nothing is throttled


def test_the_fixture_validates_with_every_vendor_rule() -> None:
    """`vigil validate` of the fixture project: shapes, meanings, what each backend can measure, Datadog's and
    CloudWatch's rules on the very arguments (the Metrics Insights query of a table, the Lambda concurrency math...)."""
    check_catalog(FAMILIES)  # raises SpecErrors, one per problem


def test_a_datadog_only_service_gets_nothing_on_aws(families: dict[str, PlanView]) -> None:
    for plan in families.values():
        resources = plan.select(service="ledger-reports")
        assert resources and all(not r.type.startswith("aws:") for r in resources), [r.name for r in resources if r.type.startswith("aws:")]
        assert {r.name for r in resources if r.type == "datadog:index/downtimeSchedule:DowntimeSchedule"} == {"ledger-reports-maintenance-month-end-close"}


def test_custom_metric_alerts_on_datadog(families: dict[str, PlanView]) -> None:
    plan = families["prod"]
    failures = plan.one(name="ledger-reports-report-failures")
    assert failures.inputs["query"] == "sum(last_1h):sum:ledger.reports.failed{env:prod}.as_count() > 3"  # 3/h over 1h
    lag = plan.one(name="ledger-reports-report-lag")
    assert lag.inputs["query"] == "avg(last_15m):max:ledger.reports.lag{env:prod} / 1000 > 7200"  # milliseconds, compared in seconds
    share = plan.one(name="ledger-reports-reconciled-share")
    assert share.inputs["query"] == "avg(last_30m):100 * min:ledger.reports.reconciled{ledger:main} < 95"  # no env tag; a fraction in percent
    assert plan.thresholds(share) == {"critical": 95, "warning": 99, "criticalRecovery": 95.5, "warningRecovery": 99.1}
    assert re.search(r"\[prod\] ledger-reports: reconciled share", share.inputs["name"])
    assert "signal:reconciled-share" in plan.tags(share)


def test_a_custom_alert_on_both_backends(families: dict[str, PlanView]) -> None:
    plan = families["prod"]
    monitor = plan.one(name="payments-webhook-webhook-rejections")
    assert monitor.inputs["query"] == "sum(last_10m):sum:payments.webhook.rejected{reason:signature,env:prod}.as_count() > 300"
    alarm = plan.one(name="payments-webhook-webhook-rejections-critical")
    assert (alarm.inputs["namespace"], alarm.inputs["metricName"], alarm.inputs["statistic"]) == ("Payments/Webhook", "Rejected", "Sum")
    assert alarm.inputs["dimensions"] == {"Reason": "signature"} and alarm.inputs["threshold"] == 30  # 30/m per 1-minute period
    assert (alarm.inputs["period"], alarm.inputs["evaluationPeriods"], alarm.inputs["treatMissingData"]) == (60, 10, "notBreaching")
    assert "webhook_rejections" in plan.alert_ids("payments-webhook")


def test_dashboards_draw_the_new_sections(families: dict[str, PlanView]) -> None:
    import json

    plan = families["prod"]
    body = json.loads(plan.one(name="payments-webhook-dashboard", type="aws:cloudwatch/dashboard:Dashboard").inputs["dashboardBody"])
    titles = [w["properties"].get("title") for w in body["widgets"]]
    for title in ("function error rate", "function concurrency", "gateway latency p95", "table throttles", "webhook rejections"):
        assert title in titles, titles
    datadog = plan.one(name="payments-webhook-dashboard", type="datadog:index/dashboard:Dashboard")
    graphs = [w["timeseriesDefinition"]["title"] for w in datadog.inputs["widgets"] if "timeseriesDefinition" in w]
    assert "Function errors (%)" in graphs and "webhook rejections" in graphs
