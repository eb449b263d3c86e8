"""Several AWS accounts: one provider per account and region, names unchanged for services without an account."""

from __future__ import annotations

from pathlib import Path

from monitors.aws.rules import check_subscription_filter
from vigil.testkit import PlanView

from .helpers import problems, project, service

ROLE = "arn:aws:iam::123456789012:role/vigil-monitoring"


def test_one_provider_per_account_and_region(fixture_plans: dict[str, PlanView]) -> None:
    providers = {r.name: r for r in fixture_plans["prod"].resources if r.type == "pulumi:providers:aws"}
    assert sorted(providers) == ["aws-111111111111-eu-west-1", "aws-111111111111-us-east-1", "aws-222222222222-us-east-1", "aws-222222222222-us-east-2"]
    checkout = providers["aws-111111111111-eu-west-1"].inputs
    assert checkout["assumeRoles"] == '[{"externalId": "vigil-checkout", "roleArn": "arn:aws:iam::111111111111:role/vigil-monitoring", "sessionName": "vigil"}]'
    assert checkout["allowedAccountIds"] == '["111111111111"]' and checkout["region"] == "eu-west-1"


def test_services_without_an_account_keep_the_stacks_providers(fixture_plans: dict[str, PlanView]) -> None:
    providers = {r.name for r in fixture_plans["dev"].resources if r.type == "pulumi:providers:aws"}
    assert {"aws-eu-west-1", "aws-us-east-1"} <= providers  # checkout names its account only in prod


def test_health_check_alarms_live_in_us_east_1_of_the_services_account(fixture_plans: dict[str, PlanView]) -> None:
    plan = fixture_plans["prod"]
    for name, provider in (("checkout-health-live-alarm", "aws-111111111111-us-east-1"), ("ledger-health-live-alarm", "aws-222222222222-us-east-1")):
        alarm = plan.one(name=name)
        assert alarm.options["provider"] == provider
        topic = str(alarm.inputs["alarmActions"][0])[2:].split(".")[0]
        assert plan.one(name=topic).options["provider"] == provider
    assert plan.one(name="ledger-cpu-critical").options["provider"] == "aws-222222222222-us-east-2"


def test_an_account_changes_no_logical_name(fixture_plans: dict[str, PlanView]) -> None:
    def names(plan: PlanView) -> set[str]:  # subscriptions follow the environment's routes; db-migration is prod's alone
        return {
            r.name
            for r in plan.select(service="checkout")
            if r.type != "aws:sns/topicSubscription:TopicSubscription" and not r.name.startswith("checkout-maintenance-db-migration")
        }

    assert names(fixture_plans["dev"]) == names(fixture_plans["prod"])
    assert fixture_plans["dev"].one(name="checkout-cpu-critical").options["provider"] == "aws-eu-west-1"
    assert fixture_plans["prod"].one(name="checkout-cpu-critical").options["provider"] == "aws-111111111111-eu-west-1"


def test_one_role_per_account(tmp_path: Path) -> None:
    other = {"role_arn": ROLE.replace("vigil-monitoring", "other-role")}
    files = {
        "a.yaml": service(service="alpha", sources={"aws": {"account": {"role_arn": ROLE}, "ecs": {"cluster": "c", "service": "a"}}}),
        "b.yaml": service(service="bravo", sources={"aws": {"account": other, "ecs": {"cluster": "c", "service": "b"}}}),
    }
    found = problems(project(tmp_path, files, ("datadog", "aws")))
    assert any(
        "b.yaml" in e and "sources.aws.account: " in e and f"account 123456789012 is already reached as {ROLE} by service 'alpha'" in e for e in found
    ), found


def test_the_log_forwarder_must_be_in_the_log_groups_account() -> None:
    class Args:
        name = "web-prod-datadog-forwarder"
        destination_arn = "arn:aws:lambda:eu-west-1:999999999999:function:datadog-forwarder"

    assert check_subscription_filter(Args(), "eu-west-1") == []
    (problem,) = check_subscription_filter(Args(), "eu-west-1", "123456789012")
    assert "in account 999999999999, but the log group is in account 123456789012" in problem
