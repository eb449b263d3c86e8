"""Every AWS rule (issue 4, item 9) has a failing case: on crafted Services through `check`, on crafted
arguments through the per-resource checkers, and once through `vigil validate` with a file:line message."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from aws_helpers import PROJECT, ROOT, api, deployment

from monitors.aws import sdk as aws
from monitors.aws.rules import (
    check_composite_alarm,
    check_dashboard,
    check_health_check,
    check_log_group,
    check_metric_alarm,
    check_metric_filter,
    check_subscription_filter,
    check_topic,
)
from program.checks import check_aws as check
from spec import Duration, Service, load_catalog
from spec.slos import BurnRateTier
from spec.units import Percent
from vigil.cli import main

Q = aws.cloudwatch.MetricAlarmMetricQueryArgs
QM = aws.cloudwatch.MetricAlarmMetricQueryMetricArgs


def _alarm(**changes: Any) -> aws.cloudwatch.MetricAlarmArgs:
    base: dict[str, Any] = {
        "name": "api-prod-cpu-critical",
        "alarm_description": "CPU. Runbook: x",
        "comparison_operator": "GreaterThanThreshold",
        "threshold": 80,
        "evaluation_periods": 5,
        "datapoints_to_alarm": 3,
        "treat_missing_data": "missing",
        "namespace": "AWS/ECS",
        "metric_name": "CPUUtilization",
        "statistic": "Average",
        "period": 60,
        "alarm_actions": ["arn:t"],
        "ok_actions": ["arn:t"],
    }
    return aws.cloudwatch.MetricAlarmArgs(**{**base, **changes})


def _query(id: str, metric: str = "RequestCount", stat: str = "Sum", period: int = 60) -> Q:
    return Q(id=id, metric=QM(namespace="AWS/ApplicationELB", metric_name=metric, stat=stat, period=period))


def _math(*queries: Q, **changes: Any) -> aws.cloudwatch.MetricAlarmArgs:
    fields: dict[str, Any] = {"namespace": None, "metric_name": None, "statistic": None, "period": None}
    return _alarm(**{**fields, "metric_queries": list(queries), **changes})


GOOD_MATH = (_query("m1"), _query("m2"), Q(id="e1", expression="100*m1/m2", return_data=True))


def test_default_catalog_breaks_no_rule() -> None:
    assert check(api("prod"), deployment("prod")) == []
    assert check(api("dev"), deployment("dev")) == []
    assert check_metric_alarm(_alarm()) == [] and check_metric_alarm(_math(*GOOD_MATH)) == []


FAMILIES = ROOT / "tests" / "fixtures" / "families"


@pytest.mark.parametrize("environment", ["dev", "prod"])
def test_the_families_fixture_breaks_no_aws_rule(environment: str) -> None:
    """Queues, a Lambda behind API Gateway with a DynamoDB table, custom metrics: every AWS rule (the metric-math and
    DynamoDB limits among them) on what the walk declares for each service CloudWatch monitors."""
    services = load_catalog(FAMILIES / "catalog", [environment]).for_environment(environment)
    checked = [s for s in services if s.backends is None or "aws" in s.backends]
    assert {s.service for s in checked} == {"orders-worker", "payments-webhook", "refunds"}  # refunds: a timeout from a stack output
    for service in checked:
        assert check(service, dataclasses.replace(deployment(environment), default_region="eu-west-1")) == [], service.service


@pytest.mark.parametrize(
    "args, expected",
    [
        (_alarm(name="a" * 256), "longer than 255"),
        (_alarm(name='say "hi"'), "double quote"),
        (_alarm(alarm_description="d" * 1025), "longer than 1024"),
        (_alarm(alarm_actions=[f"arn:{i}" for i in range(6)]), "alarm actions: 6, at most 5"),
        (_alarm(ok_actions=[f"arn:{i}" for i in range(6)]), "OK actions: 6, at most 5"),
        (_alarm(comparison_operator="Above"), "comparison operator 'Above'"),
        (_alarm(treat_missing_data="zero"), "treat_missing_data 'zero'"),
        (_alarm(evaluation_periods=0), "evaluation periods 0 must be at least 1"),
        (_alarm(datapoints_to_alarm=6), "datapoints to alarm (6) must be between 1 and the evaluation periods (5)"),
        (_alarm(extended_statistic="p95"), "exactly one of statistic or extended statistic"),
        (_alarm(statistic=None), "exactly one of statistic or extended statistic"),
        (_alarm(statistic="Median"), "statistic 'Median' is not one of"),
        (_alarm(statistic=None, extended_statistic="q95"), "extended statistic 'q95' is not one CloudWatch knows"),
        (_alarm(namespace=":ECS"), "namespace ':ECS' does not match"),
        (_alarm(dimensions={f"d{i}": "v" for i in range(31)}), "dimensions: 31, at most 30"),
        (_alarm(period=45), "period 45 s is not allowed"),
        (_alarm(period=0), "must be a whole number of seconds"),
        (_alarm(period=300, evaluation_periods=300, datapoints_to_alarm=1), "exceeds 86400 s"),
        (_alarm(period=3600, evaluation_periods=169, datapoints_to_alarm=1), "exceeds 604800 s"),
    ],
)
def test_metric_alarm_rules(args: aws.cloudwatch.MetricAlarmArgs, expected: str) -> None:
    assert any(expected in problem for problem in check_metric_alarm(args)), check_metric_alarm(args)


@pytest.mark.parametrize(
    "args, expected",
    [
        (_math(*GOOD_MATH, statistic="Sum"), "sets no metric name, statistic or period"),
        (_math(*[_query(f"m{i}") for i in range(20)], Q(id="e1", expression="m1", return_data=True)), "21 metric queries"),
        (_math(_query("M1"), _query("m2"), Q(id="e1", expression="100*m2", return_data=True)), "id 'M1' must start with a lowercase"),
        (_math(_query("m1"), _query("m1"), Q(id="e1", expression="100*m1", return_data=True)), "ids repeat: m1"),
        (_math(_query("m1"), _query("m2"), Q(id="e1", expression="100*m1/m2")), "exactly one metric query must return data, got 0"),
        (_math(*GOOD_MATH[:2], Q(id="e1", expression="100*m1/m2", return_data=True), Q(id="e2", expression="m1", return_data=True)), "got 2"),
        (_math(*GOOD_MATH[:2], Q(id="e1", return_data=True)), "needs exactly one of metric or expression"),
        (_math(*GOOD_MATH[:2], Q(id="e1", expression="m1+" * 700 + "m2", return_data=True)), "longer than 2048"),
        (_math(*GOOD_MATH[:2], Q(id="e1", expression="100*m1/m3", return_data=True)), "names 'm3'"),
        (_math(_query("m1", stat="Mean"), _query("m2"), Q(id="e1", expression="m1/m2", return_data=True)), "statistic 'Mean'"),
        (_math(_query("m1", period=45), _query("m2"), Q(id="e1", expression="m1/m2", return_data=True)), "period 45 s"),
    ],
)
def test_metric_math_rules(args: aws.cloudwatch.MetricAlarmArgs, expected: str) -> None:
    assert any(expected in problem for problem in check_metric_alarm(args)), check_metric_alarm(args)


def _composite(**changes: Any) -> aws.cloudwatch.CompositeAlarmArgs:
    base: dict[str, Any] = {"alarm_name": "c", "alarm_rule": 'ALARM("a") AND ALARM("b")', "alarm_description": "d", "alarm_actions": ["t"]}
    return aws.cloudwatch.CompositeAlarmArgs(**{**base, **changes})


SUPPRESSOR = aws.cloudwatch.CompositeAlarmActionsSuppressorArgs


@pytest.mark.parametrize(
    "args, expected",
    [
        (_composite(alarm_name="c" * 256), "longer than 255"),
        (_composite(alarm_rule=" OR ".join(['ALARM("a")'] * 1000)), "longer than 10240"),
        (_composite(alarm_actions=[str(i) for i in range(6)]), "alarm actions: 6, at most 5"),
        (_composite(alarm_rule="TRUE"), "names no alarm"),
        (_composite(alarm_rule='ALARM("a") OR ALARM("ghost")'), "'ghost', which is not declared in this region"),
        (_composite(actions_suppressor=SUPPRESSOR(alarm="ghost", wait_period=60, extension_period=60)), "suppressor 'ghost'"),
        (_composite(actions_suppressor=SUPPRESSOR(alarm="a", wait_period=-1, extension_period=60)), "wait period -1"),
    ],
)
def test_composite_alarm_rules(args: aws.cloudwatch.CompositeAlarmArgs, expected: str) -> None:
    problems = check_composite_alarm(args, {"a", "b"})
    assert any(expected in problem for problem in problems), problems


def _log_group(**changes: Any) -> aws.cloudwatch.LogGroupArgs:
    return aws.cloudwatch.LogGroupArgs(**{**{"name": "/platform/api/prod", "retention_in_days": 30}, **changes})


@pytest.mark.parametrize(
    "args, expected",
    [
        (_log_group(name="/platform/api prod"), "does not match"),
        (_log_group(name="/" + "a" * 512), "longer than 512"),
        (_log_group(name="aws/api"), "starts with 'aws/'"),
        (_log_group(retention_in_days=2), "retention 2 days"),
        (_log_group(log_group_class="COLD"), "log group class 'COLD'"),
        (_log_group(kms_key_id="k" * 257), "KMS key"),
    ],
)
def test_log_group_rules(args: aws.cloudwatch.LogGroupArgs, expected: str) -> None:
    assert any(expected in problem for problem in check_log_group(args)), check_log_group(args)


def _filter(name: str = "f", pattern: str = '{ $.level = "error" }', metric: str = "ErrorLogEvents", namespace: str = "Vigil/api/prod", unit: str = "Count") -> Any:
    transformation = aws.cloudwatch.LogMetricFilterMetricTransformationArgs(name=metric, namespace=namespace, value="1", unit=unit)
    return aws.cloudwatch.LogMetricFilterArgs(name=name, log_group_name="/g", pattern=pattern, metric_transformation=transformation)


@pytest.mark.parametrize(
    "args, expected",
    [
        (_filter(name="a:b"), "metric filter name 'a:b'"),
        (_filter(pattern="x" * 1025), "filter pattern"),
        (_filter(metric="Error*Events"), "metric name 'Error*Events'"),
        (_filter(namespace="Vigil:api"), "metric namespace 'Vigil:api'"),
        (_filter(unit="Lines"), "unit 'Lines'"),
    ],
)
def test_metric_filter_rules(args: Any, expected: str) -> None:
    assert any(expected in problem for problem in check_metric_filter(args)), check_metric_filter(args)


def test_subscription_filter_and_topic_rules() -> None:
    def forwarder(arn: str, name: str = "f") -> Any:
        return aws.cloudwatch.LogSubscriptionFilterArgs(name=name, log_group="/g", destination_arn=arn, filter_pattern="")

    good = "arn:aws:lambda:eu-west-1:123456789012:function:datadog-forwarder"
    assert check_subscription_filter(forwarder(good), "eu-west-1") == []
    assert "not a Lambda function ARN" in check_subscription_filter(forwarder("arn:aws:sqs:x"), "eu-west-1")[0]
    assert "must share a region" in check_subscription_filter(forwarder(good), "us-east-1")[0]
    assert "subscription filter name" in check_subscription_filter(forwarder(good, name="a*b"), "eu-west-1")[0]
    assert check_topic(aws.sns.TopicArgs(name="api-prod-page")) == []
    assert "SNS topic name" in check_topic(aws.sns.TopicArgs(name="api prod"))[0]


def _health(**changes: Any) -> aws.route53.HealthCheckArgs:
    base: dict[str, Any] = {
        "type": "HTTPS", "fqdn": "api.example.com", "port": 443, "resource_path": "/health", "failure_threshold": 3,
        "request_interval": 30, "regions": ["us-east-1", "eu-west-1", "ap-southeast-1"],
    }
    return aws.route53.HealthCheckArgs(**{**base, **changes})


@pytest.mark.parametrize(
    "args, expected",
    [
        (_health(type="HTTPX"), "type 'HTTPX'"),
        (_health(resource_path="/" + "a" * 255), "resource path"),
        (_health(fqdn="a" * 256), "domain name"),
        (_health(regions=["us-east-1", "eu-west-1"]), "2 checker regions: Route 53 needs 3"),
        (_health(regions=["us-east-1", "eu-west-1", "eu-central-1"]), "'eu-central-1' is not a Route 53 checker region"),
        (_health(failure_threshold=11), "failure threshold 11 is outside Route 53's 1-10"),
        (_health(request_interval=20), "Route 53 probes every 10 or 30 s"),
        (_health(request_interval=60), "request interval 60 is outside Route 53's 10-30"),
    ],
)
def test_health_check_rules(args: aws.route53.HealthCheckArgs, expected: str) -> None:
    assert check_health_check(_health()) == []
    assert any(expected in problem for problem in check_health_check(args)), check_health_check(args)


@pytest.mark.parametrize(
    "name, widgets, expected",
    [
        ("api prod", [], "dashboard name 'api prod'"),
        ("api-prod", [{"x": 0, "y": 0, "width": 1, "height": 1}] * 501, "501 widgets"),
        ("api-prod", [{"x": 0, "y": 0, "width": "12", "height": 6}], "whole-number"),
        ("api-prod", [{"x": 18, "y": 0, "width": 12, "height": 6}], "leaves the 24-column grid"),
        ("api-prod", [{"x": -1, "y": 0, "width": 12, "height": 6}], "leaves the 24-column grid"),
    ],
)
def test_dashboard_rules(name: str, widgets: list[dict[str, Any]], expected: str) -> None:
    assert any(expected in problem for problem in check_dashboard(name, {"widgets": widgets}))


# Through `check` on crafted Services: the rules see what the builders would declare, and point at the spec.


def _alert_window(service: Service, signal: str, window: str) -> Service:
    threshold = getattr(service.alerts, signal).model_copy(update={"window": Duration.parse(window)})
    return service.model_copy(update={"alerts": service.alerts.model_copy(update={signal: threshold})})


def _messages(service: Service, path: tuple, **deploy: Any) -> list[str]:
    found = check(service, dataclasses.replace(deployment(), **deploy))
    return [v.message for v in found if v.path == path]


def test_service_window_that_is_no_period() -> None:
    messages = _messages(_alert_window(api(), "cpu", "45s"), ("alerts", "cpu", "window"))
    assert len(messages) == 2 and all("period 45 s is not allowed" in m for m in messages)


def test_service_window_longer_than_a_day_of_short_periods() -> None:
    messages = _messages(_alert_window(api(), "memory", "2d"), ("alerts", "memory", "window"))
    assert messages and all("exceeds 86400 s" in m for m in messages)


def test_service_burn_rate_tier_beyond_cloudwatch_windows() -> None:
    service = api()
    slo = next(s for s in service.slos if s.name == "availability")
    tier = BurnRateTier(long=Duration.parse("10d"), short=Duration.parse("45s"), budget=Percent(50), severity="page")
    crafted = service.model_copy(update={"slos": [slo.model_copy(update={"burn_rate": [tier]})]})
    messages = _messages(crafted, ("slos", "availability", "burn_rate"))
    assert any("10d-long" in m and "exceeds 604800 s" in m for m in messages)
    assert any("10d-short" in m and "period 45 s" in m for m in messages)


def test_service_retention_and_log_group_name() -> None:
    service = api()
    logs = service.logs.model_copy(update={"retention": Duration.parse("2d"), "group": "aws/api"})
    messages = _messages(service.model_copy(update={"logs": logs}), ("logs",))
    assert any("retention 2 days" in m for m in messages) and any("starts with 'aws/'" in m for m in messages)


def test_service_infrequent_access_logs_cannot_count_levels() -> None:
    service = api()
    logs = service.logs.model_copy(update={"log_class": "INFREQUENT_ACCESS"})
    assert any("support no metric filters" in m for m in _messages(service.model_copy(update={"logs": logs}), ("logs", "log_class")))
    quiet = logs.model_copy(update={"metric_filters": []})
    alerts = service.alerts.model_copy(update={"error_log_rate": None})
    assert _messages(service.model_copy(update={"logs": quiet, "alerts": alerts}), ("logs", "log_class")) == []


def test_service_forwarder_in_another_region() -> None:
    arn = "arn:aws:lambda:us-west-2:123456789012:function:datadog-forwarder"
    messages = _messages(api(), ("logs",), log_forwarder_arn=arn)
    assert any("is in us-west-2, but the log group is in eu-west-1" in m for m in messages)


def test_service_without_an_aws_source_is_checked_in_the_stacks_region() -> None:
    service = api()
    bare = service.model_copy(update={"sources": service.sources.model_copy(update={"aws": None})})
    arn = "arn:aws:lambda:us-west-2:123456789012:function:datadog-forwarder"
    assert _messages(bare, ("logs",), log_forwarder_arn=arn, default_region="us-west-2") == []
    messages = _messages(bare, ("logs",), log_forwarder_arn=arn, default_region="eu-central-1")
    assert any("is in us-west-2, but the log group is in eu-central-1" in m for m in messages)
    assert _messages(bare, ("logs",), log_forwarder_arn="arn:aws:sqs:us-west-2:123456789012:q", default_region="us-west-2")


def test_service_error_log_rate_needs_the_error_filter() -> None:
    service = api()
    logs = service.logs.model_copy(update={"metric_filters": ["warn"]})
    messages = _messages(service.model_copy(update={"logs": logs}), ("alerts", "error_log_rate"))
    assert messages and "add 'error' to logs.metric_filters" in messages[0]


def test_service_health_check_status_and_regions() -> None:
    service = api()
    live = next(c for c in service.health_checks if c.name == "live")
    crafted_check = live.model_copy(update={"expect_status": 404, "regions": ["us-east-1", "eu-west-1"]})
    others = [c for c in service.health_checks if c.name != "live"]
    crafted = service.model_copy(update={"health_checks": [*others, crafted_check]})
    assert any("expects status 404" in m for m in _messages(crafted, ("health_checks", "live", "expect_status")))
    assert any("2 checker regions" in m for m in _messages(crafted, ("health_checks", "live")))


def test_duplicate_alarm_names_are_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    from monitors.aws import alarms

    monkeypatch.setattr(alarms, "aws_name", lambda service, deployment, *parts: "same-name")
    messages = [v.message for v in check(api(), deployment())]
    assert any("is used twice" in m for m in messages)


def test_validate_reports_file_and_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    text = (PROJECT / "catalog" / "api.yaml").read_text()
    text = text.replace("cpu: {critical: 80%, warning: 70%}", "cpu: {critical: 80%, warning: 70%, window: 45s}")
    (tmp_path / "api.yaml").write_text(text)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "window: 45s" in row)
    monkeypatch.chdir(PROJECT)
    assert main(["validate", "--catalog", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert f"api.yaml:{line}:" in err and "alerts.cpu.window" in err and "period 45 s is not allowed" in err
