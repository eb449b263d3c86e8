"""What a backend cannot measure is an error at the alert's line, for the new families and custom alerts alike (the one
check program/checks.py makes of every alert signal), and the other problems only the whole service shows."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.teams.helpers import problems, project, service

CUSTOM: dict[str, Any] = {"fires": "above", "critical": 500, "datadog": {"metric": "shop.orders.pending"}}


def _found(tmp_path: Path, backends: tuple[str, ...] = ("datadog", "aws"), **fields: Any) -> list[str]:
    return problems(project(tmp_path, {"web.yaml": service(**fields)}, backends))


def test_a_custom_alert_without_a_backends_block_is_an_error_at_its_line(tmp_path: Path) -> None:
    found = _found(tmp_path, custom_alerts={"orders_backlog": CUSTOM})
    said = "custom_alerts.orders_backlog: in environments 'dev', 'prod': CloudWatch needs custom_alerts.orders_backlog.aws (the metric's CloudWatch namespace and name)"
    assert any(re.search(r"web\.yaml:\d+:\d+: ", e) and said in e and "leave CloudWatch out with backends: [datadog]" in e for e in found), found


def test_leaving_that_backend_out_makes_it_valid(tmp_path: Path) -> None:
    assert _found(tmp_path, backends=("datadog",), custom_alerts={"orders_backlog": CUSTOM}) == []
    assert _found(tmp_path, custom_alerts={"orders_backlog": CUSTOM}, backends=["datadog"]) == []


def test_a_new_family_needs_its_source(tmp_path: Path) -> None:
    found = _found(tmp_path, alerts={"queue_backlog": {"critical": 100}, "dead_letters": {"critical": 0}})
    assert any("alerts.queue_backlog: " in e and "Datadog needs sources.aws.sqs.queue" in e and "CloudWatch needs sources.aws.sqs" in e for e in found), found
    assert any("alerts.dead_letters: " in e and "sources.aws.sqs.dead_letter_queue" in e for e in found), found


def test_a_queue_read_from_another_stack_is_measured_by_both_backends(tmp_path: Path) -> None:
    """Issue 20 item 4: Datadog's query takes the queue's name from the stack output as CloudWatch's alarm does."""
    aws = {"region": "eu-west-1", "from_stack": "org/infra/prod", "sqs": {"queue": {"output": "ordersQueue"}}, "ecs": {"cluster": "prod", "service": "web"}}
    found = _found(tmp_path, sources={"datadog": {"apm_service": "web"}, "aws": aws}, alerts={"queue_backlog": {"critical": 100}})
    assert not any("alerts.queue_backlog" in e for e in found), found


def test_a_custom_sli_for_cloudwatch_is_refused_at_its_line(tmp_path: Path) -> None:
    slo = {"name": "orders", "objective": "99%", "window": "30d", "sli": {"custom": {"aws": {"good": "a", "total": "b"}}}}
    found = _found(tmp_path, backends=("datadog",), slos=[slo])
    assert any("slos[0].sli.custom.aws: in environments 'dev', 'prod': SLO orders: a custom SLI counts good and total events with Datadog queries" in e for e in found), found


def test_a_custom_alert_whose_logical_name_is_taken_is_an_error(tmp_path: Path) -> None:
    slo = {"name": "orders", "objective": "99%", "window": "30d", "sli": "availability"}
    clash = {**CUSTOM, "aws": {"namespace": "Shop", "metric": "Pending"}}
    found = _found(tmp_path, backends=("datadog",), slos=[slo], sources={"datadog": {"apm_service": "web"}}, custom_alerts={"orders_burn_1h": clash})
    assert any("would be named web-orders-burn-1h" in e for e in found), found


def test_vendor_rules_on_a_custom_alert_point_at_its_block(tmp_path: Path) -> None:
    bad = {"fires": "above", "critical": 5, "window": "7m", "datadog": {"metric": "shop.orders.pending"},
           "aws": {"namespace": "Shop", "metric": "Pending", "statistic": "Median", "period": "45s"}}
    found = _found(tmp_path, custom_alerts={"orders_backlog": bad})
    assert any("custom_alerts.orders_backlog.window: " in e and "evaluation window 7m is not one of Datadog's" in e for e in found), found
    assert any("custom_alerts.orders_backlog.aws: " in e and "statistic 'Median'" in e for e in found), found
    assert any("custom_alerts.orders_backlog.aws: " in e and "period 45 s is not allowed" in e for e in found), found


def test_an_overlay_removes_or_changes_a_custom_alert(tmp_path: Path) -> None:
    from spec import load_catalog

    both = {**CUSTOM, "aws": {"namespace": "Shop", "metric": "Pending"}}
    web = service(custom_alerts={"orders_backlog": both}, environments={"dev": {"custom_alerts": {"orders_backlog": None}}, "prod": {"custom_alerts": {"orders_backlog": {"critical": 900}}}})
    catalog = load_catalog(project(tmp_path, {"web.yaml": web}) / "catalog", ["dev", "prod"])
    assert catalog.services["dev"]["web"].custom_alerts == {}
    assert catalog.services["prod"]["web"].custom_alerts["orders_backlog"].critical == 900.0


def test_the_fixture_plans_keep_every_policy() -> None:
    from policy import rules
    from tests.teams.test_alert_routes import _policy_resource
    from vigil.testkit import stack_plan

    from .conftest import FAMILIES

    for stack in ("dev", "prod"):
        plan = stack_plan(stack, project=FAMILIES)
        assert rules.check_stack([_policy_resource(r) for r in plan.resources if r.custom]) == [], stack
