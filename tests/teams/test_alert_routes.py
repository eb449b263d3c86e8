"""Per-alert routes: `route: ticket` (a severity of the service's routes) or targets of the alert's own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from policy import rules
from vigil.engine import PlannedResource
from vigil.routing import heard_through, is_alerting, is_sentry_alert, notified
from vigil.testkit import PlanView

from .helpers import problems, project, service

OWN = {"datadog": ["@pagerduty-perf"], "sns": [{"protocol": "email", "endpoint": "perf@example.com"}]}


def test_route_ticket_makes_a_critical_level_a_ticket_on_both_backends(fixture_plans: dict[str, PlanView]) -> None:
    plan = fixture_plans["prod"]
    monitor = plan.one(name="checkout-cpu")
    assert monitor.inputs["priority"] == "3"
    assert plan.routes_of(monitor, "alert") == ["@slack-checkout"] == plan.routes_of(monitor, "warning")  # the service's ticket route
    alarm = plan.one(name="checkout-cpu-critical")
    assert alarm.inputs["tags"]["severity"] == "ticket"
    assert alarm.inputs["alarmActions"] == ["${checkout-ticket-topic.arn}"]
    unhealthy = plan.one(name="checkout-service-unhealthy")
    assert "checkout-prod-cpu-critical" not in unhealthy.inputs["alarmRule"]  # a ticket is no page-level alarm
    assert "checkout-prod-error-rate-critical" in unhealthy.inputs["alarmRule"]


def test_an_alert_with_its_own_route_notifies_only_it(fixture_plans: dict[str, PlanView]) -> None:
    plan = fixture_plans["prod"]
    monitor = plan.one(name="checkout-latency-p95")
    assert plan.routes_of(monitor) == ["@pagerduty-checkout-perf"]
    assert monitor.inputs["priority"] == "1"  # the level keeps its severity: a critical pages
    alarm = plan.one(name="checkout-latency-p95-critical")
    assert alarm.inputs["alarmActions"] == ["${checkout-latency-p95-page-topic.arn}"]
    assert plan.routes_of(alarm) == ["checkout-perf@example.com"]
    topic = plan.one(name="checkout-latency-p95-page-topic")
    assert topic.inputs["name"] == "checkout-prod-latency-p95-page" and topic.inputs["tags"]["alert"] == "latency_p95"


def test_a_service_without_routes_of_its_own_can_carry_alerts_with_theirs(tmp_path: Path) -> None:
    web = service(routes={}, alerts={"cpu": {"critical": "90%", "route": OWN}})
    assert problems(project(tmp_path, {"web.yaml": web}, ("datadog", "aws"))) == []


def test_an_own_route_without_sns_subscriber_cannot_carry_cloudwatch_alarms(tmp_path: Path) -> None:
    web = service(alerts={"cpu": {"critical": "90%", "route": {"datadog": ["@pagerduty-perf"]}}})
    found = problems(project(tmp_path, {"web.yaml": web}, ("datadog", "aws")))
    assert any(
        "web.yaml" in e and "alerts.cpu.route: " in e and "CloudWatch alarms of this alert (web-prod-cpu-critical) notify its own route, which has no sns subscriber" in e
        for e in found
    ), found


def test_an_own_route_without_datadog_handle_cannot_carry_a_monitor(tmp_path: Path) -> None:
    web = service(alerts={"cpu": {"critical": "90%", "route": {"sns": [{"protocol": "email", "endpoint": "x@example.com"}]}}})
    found = problems(project(tmp_path, {"web.yaml": web}, ("datadog", "aws")))
    assert any("alerts.cpu.route: " in e and "message notifies nobody" in e for e in found), found


def test_a_route_named_by_an_alert_must_be_defined(tmp_path: Path) -> None:
    routes = {"page": {"datadog": ["@pagerduty-web"], "sns": [{"protocol": "email", "endpoint": "p@example.com"}]}}
    found = problems(project(tmp_path, {"web.yaml": service(routes=routes, alerts={"cpu": {"critical": "90%", "route": "ticket"}})}))
    assert any("route 'ticket' is used by alerts.cpu.critical but not defined under routes" in e for e in found), found


def _policy_resource(resource: PlannedResource) -> rules.Resource:
    inputs: dict[str, Any] = resource.inputs
    return rules.Resource(
        resource.type, resource.name, inputs, resource.options["protect"], resource.options["retainOnDelete"], rules.from_placeholders(inputs)
    )


def test_the_fixture_plans_keep_every_policy_and_every_alert_is_heard(fixture_plans: dict[str, PlanView]) -> None:
    for plan in fixture_plans.values():
        assert rules.check_stack([_policy_resource(r) for r in plan.resources if r.custom]) == [], plan.stack
        for resource in plan.resources:
            if is_alerting(resource) or is_sentry_alert(resource):
                assert notified(plan.plan, resource) or heard_through(plan.plan, resource), f"{plan.stack}: {resource.name} notifies nobody"
