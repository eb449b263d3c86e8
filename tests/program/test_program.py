"""The Pulumi program under mocks, for both stacks: components, providers, options, secrets."""

from __future__ import annotations

import pulumi
import pytest

import program
import program.providers
from tests.reference import REFERENCE
from vigil.engine import SERVICE_COMPONENT, run_offline
from vigil.project import stack_target
from vigil.testkit import PlanView

PROJECT = REFERENCE  # the project the tests plan: the reference fixture, never the user's catalog/


def test_one_component_per_service_with_every_resource_as_its_child(any_plan: PlanView) -> None:
    components = any_plan.select(type=SERVICE_COMPONENT)
    assert [c.name for c in components] == ["api"]
    for resource in any_plan.resources:
        if resource.type.startswith("pulumi:providers:") or resource.type == SERVICE_COMPONENT:
            assert resource.parent is None
        else:
            assert any_plan.plan.service_of(resource) == "api", resource.name


def test_every_resource_uses_an_explicit_provider(any_plan: PlanView) -> None:
    providers = {r.name for r in any_plan.resources if r.type.startswith("pulumi:providers:")}
    assert providers == {"datadog", "aws-eu-west-1", "aws-us-east-1"}
    for resource in any_plan.resources:
        if resource.custom and not resource.type.startswith("pulumi:providers:"):
            assert resource.options["provider"] in providers, resource.name
            package = resource.type.split(":", 1)[0]
            assert resource.options["provider"].startswith(package), resource.name


def test_provider_keys_are_secrets_and_never_in_the_plan(any_plan: PlanView) -> None:
    datadog = any_plan.one(type="pulumi:providers:datadog")
    assert datadog.inputs["apiKey"] == "[secret]" and datadog.inputs["appKey"] == "[secret]"
    assert datadog.inputs["apiUrl"] == "https://api.datadoghq.eu/"
    assert datadog.inputs["validate"] == "true"


def test_log_group_is_retained_everywhere_and_protected_in_prod(dev_plan: PlanView, prod_plan: PlanView) -> None:
    dev = dev_plan.one(type="aws:cloudwatch/logGroup:LogGroup", service="api")
    prod = prod_plan.one(type="aws:cloudwatch/logGroup:LogGroup", service="api")
    assert dev.options["retainOnDelete"] and prod.options["retainOnDelete"]
    assert not dev.options["protect"] and prod.options["protect"]
    assert (dev.inputs["retentionInDays"], prod.inputs["retentionInDays"]) == (7, 90)
    assert (dev.inputs["name"], prod.inputs["name"]) == ("/platform/api/dev", "/platform/api/prod")


def test_resources_carry_service_team_env_and_managed_by_tags(any_plan: PlanView) -> None:
    env = any_plan.plan.stack
    tagged = [r for r in any_plan.select(service="api") if "tags" in r.inputs]
    assert len(tagged) > 10
    for resource in tagged:
        tags = any_plan.tags(resource)
        if resource.type == "datadog:index/dashboard:Dashboard":  # Datadog accepts only team: tags on dashboards
            assert tags == {"team:platform"}
        else:
            assert {"service:api", "team:platform", f"env:{env}", "managed-by:vigil"} <= tags, resource.name


def test_missing_secrets_stop_the_program_before_any_resource(monkeypatch: pytest.MonkeyPatch) -> None:
    """Under `pulumi up` a missing secret must fail before the first registration, not halfway through."""
    declared: list[str] = []
    monkeypatch.setattr(program.providers, "make_providers", lambda *args: declared.append("providers"))
    with pytest.raises(pulumi.RunError) as caught:
        run_offline(program.run, stack_target(PROJECT, "prod").config, PROJECT)  # the stack file holds no secrets
    message = str(caught.value)
    for key in ("monitoring:datadogApiKey", "monitoring:datadogAppKey", "monitoring:pagerdutyEndpoint"):
        assert key in message
    assert "pulumi config set --secret monitoring:pagerdutyEndpoint" in message
    assert declared == []  # providers (the first resources) were never created
