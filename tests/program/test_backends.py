"""Backends per service, and nothing dropped without a word: what a backend in use cannot measure is an error at its
spec line; a service that leaves a backend out gets nothing of it; nothing is created that notifies nobody."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from vigil.cli import main
from vigil.testkit import PlanView

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "backends"
BASE: dict[str, Any] = {
    "service": "shop",
    "team": "web",
    "runbook": "docs/runbooks/api.md",
    "routes": {
        "page": {"datadog": ["@pagerduty-web"], "sns": [{"protocol": "email", "endpoint": "web@example.com"}]},
        "ticket": {"datadog": ["@slack-web"], "sns": [{"protocol": "email", "endpoint": "web@example.com"}]},
    },
    "logs": {"retention": "30d"},
}


def validate(tmp_path: Path, capsys: pytest.CaptureFixture[str], **service: Any) -> tuple[int, list[str]]:
    catalog = tmp_path / "catalog"
    catalog.mkdir(exist_ok=True)
    (catalog / "shop.yaml").write_text(yaml.safe_dump({**BASE, **service}, sort_keys=False))
    code = main(["validate", "--catalog", str(catalog)])
    return code, capsys.readouterr().err.splitlines()


def test_what_no_backend_in_use_can_measure_is_an_error_naming_what_is_missing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, errors = validate(
        tmp_path,
        capsys,
        sources={"aws": {"region": "eu-west-1", "ecs": {"cluster": "prod", "service": "shop"}}},
        alerts={"error_rate": {"critical": "1%"}, "latency_p99": {"critical": "2s"}, "cache_hit_rate": {"critical": "70%"}, "cpu": {"critical": "90%"}},
    )
    assert code == 2
    by_path = {e.split(": ")[1]: e for e in errors if "shop.yaml" in e}
    assert set(by_path) == {"alerts.error_rate", "alerts.latency_p99", "alerts.cache_hit_rate", "alerts.cpu"}
    cache = by_path["alerts.cache_hit_rate"]
    assert "Datadog needs sources.datadog and sources.aws.elasticache.cluster;" in cache
    assert "CloudWatch needs sources.aws.elasticache" in cache and "in environments 'dev', 'prod'" in cache
    assert "CloudWatch needs sources.aws.load_balancer" in by_path["alerts.error_rate"]
    assert "CloudWatch" not in by_path["alerts.cpu"] and "or leave Datadog out with backends: [aws]" in by_path["alerts.cpu"]


def test_a_replication_group_is_measured_through_its_members_or_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """ElastiCache publishes per member cluster, never under a replication group's id (issue 12 item 9): CloudWatch
    needs the members; Datadog reads the group's `replication_group` tag, written or another stack's output (issue 20)."""
    alerts = {"cache_hit_rate": {"critical": "70%"}}
    group = {"replication_group": {"output": "cacheGroup"}}
    code, errors = validate(
        tmp_path, capsys, sources={"datadog": {"apm_service": "shop"}, "aws": {"from_stack": "org/infra/prod", "elasticache": group}}, alerts=alerts
    )
    assert code == 2
    (cache,) = [e for e in errors if "alerts.cache_hit_rate" in e]
    assert "CloudWatch needs sources.aws.elasticache.members (a replication group's member clusters" in cache
    assert "Datadog" not in cache
    members = {"replication_group": "shop-cache", "members": ["shop-cache-001", "shop-cache-002"]}
    code, errors = validate(tmp_path, capsys, sources={"datadog": {"apm_service": "shop"}, "aws": {"elasticache": members}}, alerts=alerts)
    assert code == 0, errors


def test_db_connections_without_rds_and_a_custom_sli_on_cloudwatch_are_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    custom = {"custom": {"datadog": {"good": "sum:a.good{x:y}.as_count()", "total": "sum:a.total{x:y}.as_count()"}}}
    code, errors = validate(
        tmp_path,
        capsys,
        sources={"datadog": {"apm_service": "shop"}, "aws": {"load_balancer": "app/shop/0123456789abcdef"}},
        alerts={"db_connections": {"critical": 90}},
        slos=[{"name": "checkout", "objective": "99%", "window": "30d", "sli": custom}],
    )
    assert code == 2
    assert any("alerts.db_connections" in e and e.endswith("; CloudWatch needs sources.aws.rds") for e in errors), errors
    assert any("slos[0]" in e and "SLO checkout: CloudWatch cannot measure a custom SLI" in e and "backends: [datadog]" in e for e in errors), errors


def test_datadogs_availability_names_the_load_balancer_it_counts_the_5xx_of(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Availability counts the load balancer's own 5xx on Datadog too (issue 12 item 1): its query names the load
    balancer, which may be another stack's output (issue 20 item 4)."""
    code, errors = validate(
        tmp_path,
        capsys,
        sources={"datadog": {"apm_service": "shop"}, "aws": {"from_stack": "org/infra/prod", "load_balancer": {"output": "albName"}}},
        slos=[{"name": "availability", "objective": "99.9%", "window": "30d", "sli": "availability"}],
    )
    assert code == 0, errors


def test_leaving_the_backend_out_makes_it_valid(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, errors = validate(
        tmp_path,
        capsys,
        backends=["aws"],
        sources={"aws": {"region": "eu-west-1", "ecs": {"cluster": "prod", "service": "shop"}}},
        alerts={"cpu": {"critical": "90%"}},
    )
    assert (code, errors) == (0, [])


@pytest.mark.parametrize(
    ("backends", "message"),
    [([], "at least 1 item"), (["aws", "aws"], "backends repeat"), (["gcp"], "'datadog', 'aws' or 'sentry'")],
)
def test_bad_backends_are_errors_at_their_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], backends: list[str], message: str) -> None:
    code, errors = validate(tmp_path, capsys, backends=backends, sources={"datadog": {"apm_service": "shop"}})
    assert code == 2 and any(re.search(r"shop.yaml:\d+:\d+: backends", e) and message in e for e in errors), errors


def test_a_route_without_sns_subscriber_cannot_carry_cloudwatch_alarms(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    routes = {"page": {"datadog": ["@pagerduty-web"]}}
    code, errors = validate(
        tmp_path,
        capsys,
        routes=routes,
        sources={"datadog": {"apm_service": "shop"}, "aws": {"ecs": {"cluster": "prod", "service": "shop"}}},
        alerts={"cpu": {"critical": "90%"}},
    )
    assert code == 2
    assert any(
        "routes.page" in e and "CloudWatch alarms notify the page route (shop-" in e and "which has no sns subscriber" in e for e in errors
    ), errors


@pytest.fixture(scope="module")
def plans(stack_plan) -> dict[str, PlanView]:  # type: ignore[no-untyped-def]
    return {stack: stack_plan(stack, catalog=FIXTURE) for stack in ("dev", "prod")}


def test_a_datadog_only_service_gets_no_aws_resource(plans: dict[str, PlanView]) -> None:
    for plan in plans.values():
        web = plan.select(service="web")
        assert web and all(r.type.startswith(("datadog:", "vigil:")) for r in web), [r.name for r in web if r.type.startswith("aws:")]
        assert {r.type for r in web} >= {"datadog:index/monitor:Monitor", "datadog:index/syntheticsTest:SyntheticsTest"}


def test_an_overlay_narrows_backends_per_environment(plans: dict[str, PlanView]) -> None:
    dev = {r.type.split(":")[0] for r in plans["dev"].select(service="worker") if r.custom}
    prod = {r.type.split(":")[0] for r in plans["prod"].select(service="worker") if r.custom}
    assert (dev, prod) == ({"aws"}, {"aws", "datadog"})


def test_providers_exist_only_for_what_the_services_use(plans: dict[str, PlanView]) -> None:
    providers = {r.name for r in plans["dev"].resources if r.type.startswith("pulumi:providers:")}
    assert providers == {"datadog", "aws-eu-west-1"}  # no us-east-1: no service CloudWatch monitors has a health check


def test_topics_exist_only_for_routes_with_subscribers_and_every_alarm_notifies_one(plans: dict[str, PlanView]) -> None:
    plan = plans["prod"]
    topics = [r.name for r in plan.select(type="aws:sns/topic:Topic")]
    assert topics == ["worker-page-topic"]  # worker's ticket route is not defined; web is Datadog-only
    for alarm in plan.select(type="aws:cloudwatch/metricAlarm:MetricAlarm", service="worker"):
        assert alarm.inputs["alarmActions"] == ["${worker-page-topic.arn}"], alarm.name
