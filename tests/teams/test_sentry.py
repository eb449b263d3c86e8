"""Sentry, the opt-in third backend: issue alerts for new and regressed issues, a metric alert on the error count."""

from __future__ import annotations

import importlib.metadata
from pathlib import Path
from typing import Any

import pytest

from monitors.common.context import Deployment
from monitors.sentry.alerts import FIRST_SEEN, REGRESSION, error_count_alert
from monitors.sentry.rules import metric_alert_problems
from program.settings import SettingsError, parse_settings, required_secrets
from spec import Service
from vigil.planning import plan_stack
from vigil.testkit import PlanView

from .helpers import ROOT, SERVICE, problems, project, service

ISSUE = "sentry:index/sentryIssueAlert:SentryIssueAlert"
METRIC = "sentry:index/sentryMetricAlert:SentryMetricAlert"
SENTRY: dict[str, Any] = {"organization": "acme", "project": "web"}


def test_issue_alerts_for_new_and_regressed_issues(fixture_plans: dict[str, PlanView]) -> None:
    plan = fixture_plans["prod"]
    new, regressed = plan.one(type=ISSUE, name="checkout-sentry-new-issues"), plan.one(type=ISSUE, name="checkout-sentry-regressions")
    assert new.inputs["conditions"] == [{"id": FIRST_SEEN}] and regressed.inputs["conditions"] == [{"id": REGRESSION}]
    assert {new.inputs["organization"], new.inputs["project"], new.inputs["environment"]} == {"acme", "checkout", "production"}
    assert plan.routes_of(new) == ["sentry-team:4524986223"]  # the service's own ticket route
    assert plan.routes_of(regressed) == ["pagerduty:92385907:9823924"]  # `route: page`: the team's page route
    assert fixture_plans["dev"].routes_of(fixture_plans["dev"].one(type=ISSUE, name="checkout-sentry-regressions")) == ["slack:293854098:#payments-dev"]
    assert new.inputs["frequency"] == 30 and new.options["provider"] == "sentry"


def test_the_error_count_alert_counts_the_rate_over_its_window(fixture_plans: dict[str, PlanView]) -> None:
    alert = fixture_plans["prod"].one(type=METRIC, name="checkout-sentry-errors")
    assert (alert.inputs["aggregate"], alert.inputs["dataset"], alert.inputs["eventTypes"], alert.inputs["timeWindow"]) == ("count()", "events", ["error"], 60)
    critical, warning = alert.inputs["triggers"]
    assert (critical["label"], critical["alertThreshold"], warning["label"], warning["alertThreshold"]) == ("critical", 3000, "warning", 100)  # 50/m, 100/h over 1h
    assert critical["actions"] == [{"integrationId": 92385907, "targetIdentifier": "9823924", "targetType": "specific", "type": "pagerduty"}]
    assert warning["actions"] == [{"targetIdentifier": "4524986223", "targetType": "team", "type": "email"}]


def test_the_sentry_provider_takes_its_token_from_secret_config(fixture_plans: dict[str, PlanView]) -> None:
    provider = fixture_plans["prod"].one(type="pulumi:providers:sentry")
    assert provider.inputs["token"] == "[secret]" and provider.inputs["baseUrl"] == "https://sentry.example.com/api/"
    assert fixture_plans["dev"].one(type="pulumi:providers:sentry").inputs["baseUrl"] == "https://sentry.io/api/"


def test_a_warning_only_error_alert_gets_a_critical_trigger_at_its_warning() -> None:
    web = Service.model_validate(service(sources={"sentry": {**SENTRY, "errors": {"warning": "10/m", "window": "5m"}}}))
    args = error_count_alert(web, Deployment("monitoring", "prod", "prod", True))
    assert args is not None
    (trigger,) = list(args.triggers)
    assert (trigger.label, trigger.alert_threshold) == ("critical", 50)
    assert [a.target_identifier for a in trigger.actions] == ["12"]  # the ticket route's Sentry team


def test_sentry_needs_its_own_targets_in_the_route(tmp_path: Path) -> None:
    routes = {"ticket": {"datadog": ["@slack-web"], "sns": [{"protocol": "email", "endpoint": "web@example.com"}]}}
    found = problems(project(tmp_path, {"web.yaml": service(routes=routes, sources={"sentry": SENTRY}, backends=["sentry", "datadog"])}))
    assert any(
        "web.yaml" in e and "routes.ticket: " in e and "Sentry's new issues alert notifies the ticket route, which has no sentry target" in e
        for e in found
    ), found


def test_an_own_route_without_sentry_target_is_an_error_at_it(tmp_path: Path) -> None:
    source = {**SENTRY, "regressions": {"route": {"datadog": ["@slack-x"]}}}
    found = problems(project(tmp_path, {"web.yaml": service(sources={"sentry": source})}))
    assert any("sources.sentry.regressions.route: " in e and "notifies its own route, which has no sentry target" in e for e in found), found


@pytest.mark.parametrize(
    ("field", "value", "path", "message"),
    [
        ("errors", {"warning": "100/h", "window": "90m"}, "sources.sentry.errors.window", "time window 90 minutes is not one of Sentry's"),
        ("new_issues", {"frequency": "1m"}, "sources.sentry.new_issues.frequency", "frequency 1 minutes is outside Sentry's 5-43200"),
    ],
)
def test_sentrys_rules_are_errors_at_the_line(tmp_path: Path, field: str, value: dict[str, str], path: str, message: str) -> None:
    found = problems(project(tmp_path, {"web.yaml": service(sources={"sentry": {**SENTRY, field: value}})}))
    assert any(f"{path}: " in e and message in e for e in found), found


def test_stacks_without_sentry_deploy_nothing_of_it(tmp_path: Path) -> None:
    sources = {**SERVICE["sources"], "sentry": SENTRY}
    root = project(tmp_path, {"web.yaml": service(sources=sources, alerts={"cpu": {"critical": "90%"}})}, ("datadog", "aws"))
    plan = plan_stack(root, "prod")
    assert not [r for r in plan.resources if r.type.startswith(("sentry:", "pulumi:providers:sentry"))]
    settings = parse_settings(lambda key: {"backends": '["datadog", "aws"]'}.get(key), "prod")
    assert "sentryToken" not in required_secrets(settings, [Service.model_validate(service(sources={"sentry": SENTRY}))])


def test_sentry_is_opt_in() -> None:
    assert parse_settings(lambda key: None, "prod").backends == ("datadog", "aws")
    settings = parse_settings(lambda key: {"backends": '["datadog", "aws", "sentry"]'}.get(key), "prod")
    assert "sentryToken" in required_secrets(settings, [Service.model_validate(service(sources={"sentry": SENTRY}))])
    with pytest.raises(SettingsError, match="monitoring:sentryApiUrl"):
        parse_settings(lambda key: {"sentryApiUrl": "http://sentry.example.com"}.get(key), "prod")


def test_a_sentry_only_service_cannot_drop_its_other_alerts(tmp_path: Path) -> None:
    web = service(backends=["sentry"], sources={"sentry": SENTRY}, alerts={"cpu": {"critical": "90%"}})
    found = problems(project(tmp_path, {"web.yaml": web}))
    assert any("alerts.cpu: " in e and "only Sentry monitors the service in this stack" in e for e in found), found
    found = problems(project(tmp_path, {"web.yaml": service(backends=["sentry", "datadog"])}))
    assert any("backends: " in e and "give sources.sentry {organization, project}" in e for e in found), found


def test_metric_alert_rules() -> None:
    class Trigger:
        def __init__(self, label: str, threshold: float) -> None:
            self.label, self.alert_threshold, self.actions = label, threshold, []

    class Args:
        def __init__(self) -> None:
            self.name, self.time_window, self.threshold_type, self.dataset, self.aggregate = "x", 3.0, 0, "events", "count()"
            self.triggers = [Trigger("warning", 10), Trigger("critical", 20)]

    found = metric_alert_problems(Args())
    assert any("time window 3 minutes" in p for p in found["window"])
    assert any("must be labelled 'critical'" in p for p in found[""]) and any("must not be below the warning one" in p for p in found[""])


def test_the_sentry_sdk_is_pinned_and_installed() -> None:
    pins = dict(line.split("==") for line in (ROOT / "requirements.txt").read_text().splitlines() if "==" in line and not line.startswith("#"))
    assert pins["pulumiverse-sentry"] == importlib.metadata.version("pulumiverse-sentry") == "0.0.9"
    assert pins["pulumi"] == importlib.metadata.version("pulumi")
