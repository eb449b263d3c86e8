"""Over the resources both stacks register: the operations report's thresholds on the AWS side, in
CloudWatch's units, statistics and dimensions; safety options; regions; composites; routing; dashboards."""

from __future__ import annotations

import json
import re

import pytest
from aws_helpers import ALARM, COMPOSITE, DASHBOARD, HEALTH_CHECK, LOG_GROUP, METRIC_FILTER, SUBSCRIPTION, TOPIC, alarm

from vigil.testkit import PlanView

ALB = {"LoadBalancer": "app/api/50dc6c495c0c9188", "TargetGroup": "targetgroup/api/943f017f100becff"}


def test_report_error_rate_one_percent_as_5xx_metric_math(prod_plan: PlanView) -> None:
    inputs = alarm(prod_plan, "api-error-rate-critical")
    assert inputs["threshold"] == 1 and inputs["comparisonOperator"] == "GreaterThanThreshold"
    assert inputs["treatMissingData"] == "notBreaching"
    queries = {q["id"]: q for q in inputs["metricQueries"]}
    # quiet at low traffic: each of the 5 one-minute periods needs 2 of the service's 10 min_requests (issue 12 item 7)
    assert queries["e1"]["expression"] == "IF(m2 >= 2, 100*m1/m2, 0)" and queries["e1"]["returnData"] is True
    assert queries["m1"]["metric"]["metricName"] == "HTTPCode_Target_5XX_Count"
    assert queries["m2"]["metric"]["metricName"] == "RequestCount"
    for query_id in ("m1", "m2"):
        metric = queries[query_id]["metric"]
        assert (metric["namespace"], metric["stat"], metric["dimensions"]) == ("AWS/ApplicationELB", "Sum", ALB)
    assert "statistic" not in inputs and "period" not in inputs
    assert alarm(prod_plan, "api-error-rate-warning")["threshold"] == 0.5


def test_report_p95_500ms_is_half_a_second_on_p95(prod_plan: PlanView) -> None:
    inputs = alarm(prod_plan, "api-latency-p95-critical")
    assert inputs["threshold"] == 0.5
    assert inputs["extendedStatistic"] == "p95" and "statistic" not in inputs
    assert (inputs["namespace"], inputs["metricName"], inputs["dimensions"]) == ("AWS/ApplicationELB", "TargetResponseTime", ALB)
    assert alarm(prod_plan, "api-latency-p95-warning")["threshold"] == 0.4
    assert alarm(prod_plan, "api-latency-p99-critical")["extendedStatistic"] == "p99"
    assert alarm(prod_plan, "api-latency-p99-critical")["threshold"] == 1.5
    assert alarm(prod_plan, "api-latency-p50-warning")["threshold"] == 0.2


def test_dev_overlay_moves_p95(dev_plan: PlanView) -> None:
    assert alarm(dev_plan, "api-latency-p95-critical")["threshold"] == 0.8
    assert not dev_plan.select(type=ALARM, name="api-throughput-drop-critical")  # removed by the dev overlay


@pytest.mark.parametrize(
    "name, metric, threshold, dimensions",
    [
        ("api-cpu-critical", "CPUUtilization", 80, {"ClusterName": "prod", "ServiceName": "api"}),
        ("api-memory-critical", "MemoryUtilization", 85, {"ClusterName": "prod", "ServiceName": "api"}),
    ],
)
def test_report_cpu_and_memory_on_ecs(prod_plan: PlanView, name: str, metric: str, threshold: float, dimensions: dict) -> None:
    inputs = alarm(prod_plan, name)
    # Maximum: the task with the highest use (ECS service utilization metrics); Average would hide one hot task
    assert (inputs["namespace"], inputs["metricName"], inputs["statistic"]) == ("AWS/ECS", metric, "Maximum")
    assert inputs["threshold"] == threshold and inputs["dimensions"] == dimensions
    assert inputs["comparisonOperator"] == "GreaterThanThreshold"


def test_dev_ecs_dimensions_come_from_the_overlay(dev_plan: PlanView) -> None:
    assert alarm(dev_plan, "api-cpu-critical")["dimensions"] == {"ClusterName": "dev", "ServiceName": "api"}


def test_database_cache_throughput_and_4xx(prod_plan: PlanView) -> None:
    db = alarm(prod_plan, "api-db-connections-critical")
    assert (db["namespace"], db["metricName"], db["statistic"], db["threshold"]) == ("AWS/RDS", "DatabaseConnections", "Maximum", 90)
    assert db["dimensions"] == {"DBInstanceIdentifier": "api-db"}
    cache = alarm(prod_plan, "api-cache-hit-rate-critical")
    assert (cache["metricName"], cache["threshold"], cache["comparisonOperator"]) == ("CacheHitRate", 70, "LessThanThreshold")
    assert cache["dimensions"] == {"CacheClusterId": "api-cache"}
    drop = alarm(prod_plan, "api-throughput-drop-critical")
    assert (drop["metricName"], drop["statistic"], drop["period"]) == ("RequestCount", "Sum", 300)
    assert drop["threshold"] == 300 and drop["comparisonOperator"] == "LessThanThreshold"  # 1/s over 300 s
    assert drop["treatMissingData"] == "breaching"
    client = alarm(prod_plan, "api-client-error-rate-warning")
    assert {q["metric"]["metricName"] for q in client["metricQueries"] if "metric" in q} == {"HTTPCode_Target_4XX_Count", "RequestCount"}
    assert client["threshold"] == 5


def test_error_log_rate_counts_the_error_filter(prod_plan: PlanView) -> None:
    inputs = alarm(prod_plan, "api-error-log-rate-critical")
    filters = {f.inputs["pattern"]: f.inputs for f in prod_plan.select(type=METRIC_FILTER)}
    assert set(filters) == {'{ $.level = "error" }', '{ $.level = "warn" }'}
    error = filters['{ $.level = "error" }']["metricTransformation"]
    assert (inputs["namespace"], inputs["metricName"]) == (error["namespace"], error["name"]) == ("Vigil/api/prod", "ErrorLogEvents")
    assert inputs["threshold"] == 100 and inputs["period"] == 60 and inputs["statistic"] == "Sum"  # 100/m
    assert all(f["logGroupName"] == "/platform/api/prod" for f in filters.values())


def test_m_of_n_and_ok_actions_on_every_threshold_alarm(any_plan: PlanView) -> None:
    for resource in any_plan.select(type=ALARM):
        inputs = resource.inputs
        assert 1 <= inputs["datapointsToAlarm"] <= inputs["evaluationPeriods"], resource.name
        if inputs["alarmActions"]:
            assert inputs["okActions"] == inputs["alarmActions"], resource.name


def test_severity_routes_to_its_topic(prod_plan: PlanView) -> None:
    for resource in prod_plan.select(type=ALARM) + prod_plan.select(type=COMPOSITE):
        severity = resource.inputs["tags"].get("severity")
        actions = resource.inputs["alarmActions"]
        if severity is None:
            assert actions == [], resource.name
        else:
            assert len(actions) == 1 and re.fullmatch(rf"\$\{{api-{severity}-topic(-us-east-1)?\.arn\}}", actions[0]), resource.name
    assert alarm(prod_plan, "api-cpu-critical")["alarmActions"] == ["${api-page-topic.arn}"]
    assert alarm(prod_plan, "api-cpu-warning")["alarmActions"] == []  # told through its notifier, unless the critical is in ALARM
    assert prod_plan.one(type=COMPOSITE, name="api-cpu-warning-notify").inputs["alarmActions"] == ["${api-ticket-topic.arn}"]


def test_topics_and_subscriptions_from_routes(prod_plan: PlanView, dev_plan: PlanView) -> None:
    names = {r.name: r for r in prod_plan.select(type=TOPIC)}
    assert set(names) == {"api-page-topic", "api-ticket-topic", "api-page-topic-us-east-1", "api-ticket-topic-us-east-1"}
    assert names["api-page-topic-us-east-1"].options["provider"] == "aws-us-east-1"
    subs = {(s.inputs["topic"], s.inputs["protocol"], s.inputs["endpoint"]) for s in prod_plan.select(type=SUBSCRIPTION)}
    assert ("${api-page-topic.arn}", "https", "[secret]") in subs  # endpoint_secret: never in the plan
    assert ("${api-ticket-topic.arn}", "email", "platform-oncall@example.com") in subs
    dev_subs = {(s.inputs["protocol"], s.inputs["endpoint"]) for s in dev_plan.select(type=SUBSCRIPTION)}
    assert dev_subs == {("email", "platform-dev@example.com")}


def test_log_group_is_protected_in_prod_and_retained_everywhere(prod_plan: PlanView, dev_plan: PlanView) -> None:
    prod, dev = prod_plan.one(type=LOG_GROUP), dev_plan.one(type=LOG_GROUP)
    assert prod.options["protect"] and prod.options["retainOnDelete"] and prod.options["deleteBeforeReplace"]
    assert not dev.options["protect"] and dev.options["retainOnDelete"]
    assert (prod.inputs["retentionInDays"], dev.inputs["retentionInDays"]) == (90, 7)
    assert (prod.inputs["name"], dev.inputs["name"]) == ("/platform/api/prod", "/platform/api/dev")


def test_fixed_names_are_deleted_before_replaced(prod_plan: PlanView) -> None:
    for resource in prod_plan.select(type=ALARM) + prod_plan.select(type=COMPOSITE) + prod_plan.select(type=TOPIC):
        assert resource.options["deleteBeforeReplace"], resource.name


def test_health_checks_and_their_alarms_live_in_us_east_1(any_plan: PlanView) -> None:
    checks = {r.name: r for r in any_plan.select(type=HEALTH_CHECK)}
    assert set(checks) == {"api-health-health", "api-health-ready", "api-health-live"}
    paths = {c.inputs["resourcePath"] for c in checks.values()}
    assert paths == {"/health", "/health/ready", "/health/live"}
    for name, check in checks.items():
        assert (check.inputs["type"], check.inputs["fqdn"], check.inputs["port"]) == ("HTTPS", "api.example.com", 443)
        assert check.inputs["requestInterval"] in (10, 30) and check.inputs["failureThreshold"] == 3
        assert len(check.inputs["regions"]) >= 3
        inputs = alarm(any_plan, f"{name}-alarm")
        assert any_plan.one(type=ALARM, name=f"{name}-alarm").options["provider"] == "aws-us-east-1"
        assert (inputs["namespace"], inputs["metricName"], inputs["statistic"]) == ("AWS/Route53", "HealthCheckStatus", "Minimum")
        assert inputs["dimensions"] == {"HealthCheckId": f"${{{name}.id}}"}
        assert inputs["threshold"] == 1 and inputs["comparisonOperator"] == "LessThanThreshold"
        assert inputs["alarmActions"][0].endswith("-topic-us-east-1.arn}")
    assert alarm(any_plan, "api-health-live-alarm")["alarmActions"] == ["${api-page-topic-us-east-1.arn}"]


def test_composite_rules_name_alarms_that_exist_in_their_region(any_plan: PlanView) -> None:
    alarms = {
        (r.options["provider"], r.inputs.get("name") or r.inputs.get("alarmName"))
        for r in any_plan.select(type=ALARM) + any_plan.select(type=COMPOSITE)
    }
    composites = any_plan.select(type=COMPOSITE)
    warnings = [c for c in composites if c.name.endswith("-warning-notify")]
    metric = {r.name for r in any_plan.select(type=ALARM)}
    both = {n.removesuffix("-warning") for n in metric if n.endswith("-warning") and n.removesuffix("-warning") + "-critical" in metric}
    assert both and {c.name.removesuffix("-warning-notify") for c in warnings} == both  # a warning beside a critical: its notifier
    assert len(composites) - len(warnings) == 13  # per SLO (availability, latency) four tiers, a page composite and the 3d tier's hold; the roll-up
    for composite in composites:
        named = re.findall(r'ALARM\("([^"]+)"\)', composite.inputs["alarmRule"])
        assert named, composite.name
        for name in named:
            assert (composite.options["provider"], name) in alarms, (composite.name, name)
        suppressor = composite.inputs.get("actionsSuppressor")
        if suppressor:
            assert (composite.options["provider"], suppressor["alarm"]) in alarms


def test_burn_rate_tiers_join_long_and_short_windows(prod_plan: PlanView) -> None:
    tier = prod_plan.one(type=COMPOSITE, name="api-slo-availability-1h").inputs
    assert tier["alarmRule"] == 'ALARM("api-prod-slo-availability-1h-long") AND ALARM("api-prod-slo-availability-1h-short")'
    long, short = alarm(prod_plan, "api-slo-availability-1h-long"), alarm(prod_plan, "api-slo-availability-1h-short")
    assert long["threshold"] == short["threshold"] == pytest.approx(1.44)  # 14.4 × 0.1 %
    assert {q["metric"]["period"] for q in long["metricQueries"] if "metric" in q} == {3600}
    assert {q["metric"]["period"] for q in short["metricQueries"] if "metric" in q} == {300}
    assert tier["alarmActions"] == []
    assert prod_plan.one(type=COMPOSITE, name="api-slo-availability-3d").inputs["alarmActions"] == ["${api-ticket-topic.arn}"]
    page = prod_plan.one(type=COMPOSITE, name="api-slo-availability-page").inputs
    assert page["alarmRule"] == 'ALARM("api-prod-slo-availability-1h") OR ALARM("api-prod-slo-availability-6h")'
    assert page["alarmActions"] == ["${api-page-topic.arn}"]


def test_service_unhealthy_covers_every_critical_alarm_of_its_region(prod_plan: PlanView) -> None:
    rule = prod_plan.one(type=COMPOSITE, name="api-service-unhealthy").inputs["alarmRule"]
    critical = {r.inputs["name"] for r in prod_plan.select(type=ALARM) if r.name.endswith("-critical")}
    assert critical and critical <= set(re.findall(r'ALARM\("([^"]+)"\)', rule))
    assert " OR " in rule


def test_descriptions_link_runbook_and_alert_section(any_plan: PlanView) -> None:
    for resource in any_plan.select(type=ALARM) + any_plan.select(type=COMPOSITE):
        description = resource.inputs["alarmDescription"]
        assert len(description) <= 1024
        assert "docs/runbooks/api.md" in description, resource.name
        assert re.search(r"docs/services/api\.md#[a-z0-9-]+$", description), resource.name
    assert alarm(any_plan, "api-latency-p95-critical")["alarmDescription"].endswith("#latency-p95")
    assert alarm(any_plan, "api-health-live-alarm")["alarmDescription"].endswith("#health-live")


def test_dashboard_body_is_valid_on_the_grid(any_plan: PlanView) -> None:
    dashboard = any_plan.one(type=DASHBOARD)
    assert re.fullmatch(r"[A-Za-z0-9_-]+", dashboard.inputs["dashboardName"])
    body = json.loads(dashboard.inputs["dashboardBody"])
    widgets = body["widgets"]
    assert 0 < len(widgets) <= 500
    assert all(w["x"] + w["width"] <= 24 for w in widgets)
    titles = [w["properties"]["title"] for w in widgets]
    for expected in ("latency p50 / p95 / p99", "5xx error rate", "4xx error rate", "CPU utilisation", "memory utilisation",
                     "database connections", "cache hit rate", "health checks (1 = healthy)", "alarms"):
        assert expected in titles
    latency = next(w for w in widgets if w["properties"]["title"].startswith("latency"))
    p95 = "800ms" if any_plan.plan.stack == "dev" else "500ms"
    expected_line = {"label": f"p95 critical {p95}", "value": 0.8 if p95 == "800ms" else 0.5, "color": "#d62728"}
    assert expected_line in latency["properties"]["annotations"]["horizontal"]
    if any_plan.plan.stack == "prod":
        throughput = next(w for w in widgets if w["properties"]["title"] == "throughput")["properties"]
        assert throughput["metrics"][-1][0]["expression"] == "m1/PERIOD(m1)"
        assert [a["value"] for a in throughput["annotations"]["horizontal"]] == [1, 5]  # 1/s and 5/s
    alarms = next(w for w in widgets if w["type"] == "alarm")["properties"]["alarms"]
    assert "${api-cpu-critical.arn}" in alarms


def test_logical_names_are_unique_and_start_with_the_service(any_plan: PlanView) -> None:
    names = [r.name for r in any_plan.resources if r.type.startswith("aws:")]
    assert len(names) == len(set(names))
    assert all(name.startswith("api-") for name in names)
