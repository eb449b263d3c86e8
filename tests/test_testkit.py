"""The test kit: selection helpers, routes of monitors and alarms, and the pytest plugin's registration."""

from __future__ import annotations

import importlib
import re
import shutil
import tomllib
from pathlib import Path

import pytest

from tests.reference import REFERENCE
from vigil.engine import Plan, PlannedResource
from vigil.testkit import PlanView

ROOT = Path(__file__).resolve().parent.parent
OPTS = {"protect": False, "retainOnDelete": False, "deleteBeforeReplace": False, "provider": None}


def res(type_: str, name: str, parent: str | None = "svc", **inputs: object) -> PlannedResource:
    return PlannedResource(type_, name, parent, dict(inputs), dict(OPTS), True)


@pytest.fixture()
def fake() -> PlanView:
    return PlanView(
        Plan(
            "monitoring",
            "prod",
            (
                PlannedResource("vigil:index:ServiceMonitoring", "svc", None, {}, dict(OPTS), False),
                res("aws:sns/topic:Topic", "svc-page"),
                res("aws:sns/topic:Topic", "svc-ticket"),
                res("aws:sns/topicSubscription:TopicSubscription", "svc-page-https", topic="${svc-page.arn}", protocol="https", endpoint="[secret]"),
                res("aws:sns/topicSubscription:TopicSubscription", "svc-page-mail", topic="${svc-page.arn}", protocol="email", endpoint="a@example.com"),
                res("aws:sns/topicSubscription:TopicSubscription", "svc-ticket-mail", topic="${svc-ticket.arn}", protocol="email", endpoint="t@example.com"),
                res("aws:cloudwatch/metricAlarm:MetricAlarm", "svc-cpu-critical", alarmActions=["${svc-page.arn}"], okActions=["${svc-ticket.arn}"], tags={"team": "x"}),
                res("aws:cloudwatch/compositeAlarm:CompositeAlarm", "svc-unhealthy", alarmActions=[]),
                res("aws:sns/topic:Topic", "svc-deaf"),  # nobody subscribes to it
                res("aws:cloudwatch/metricAlarm:MetricAlarm", "svc-memory-critical", alarmActions=["${svc-deaf.arn}"]),
                res("datadog:index/monitor:Monitor", "svc-errors", message="{{#is_alert}}@pagerduty-x{{/is_alert}} @slack-y", tags=["team:x", "env:prod"]),
                res("datadog:index/syntheticsTest:SyntheticsTest", "svc-health", message="@slack-y"),
                res("datadog:index/serviceLevelObjective:ServiceLevelObjective", "svc-slo", tags=["team:x"]),
                res("aws:cloudwatch/logGroup:LogGroup", "other-logs", parent=None),
            ),
        )
    )


def test_monitors_and_alarms_are_told_apart(fake: PlanView) -> None:
    assert [m.name for m in fake.monitors()] == ["svc-errors", "svc-health"]
    assert [a.name for a in fake.alarms()] == ["svc-cpu-critical", "svc-unhealthy", "svc-memory-critical"]
    assert [a.name for a in fake.alarms(tag="team:x")] == ["svc-cpu-critical"]


def test_monitors_are_every_datadog_alert_and_notifying_those_that_tell_someone(fake: PlanView, prod_plan: PlanView) -> None:
    """monitors() is what its docs say — every monitor and synthetic test, a burn-rate tier that tells nobody included —
    and notifying() the alerts, of every backend, whose routes_of is not empty."""
    assert [r.name for r in fake.notifying()] == ["svc-cpu-critical", "svc-errors", "svc-health"]  # not the deaf or silent alarms
    silent = [m for m in prod_plan.monitors() if not prod_plan.routes_of(m)]
    assert silent and all(prod_plan.heard_through(m) for m in silent)  # burn-rate tiers: heard through their composite
    notifying = prod_plan.notifying()
    assert notifying and all(prod_plan.routes_of(r) for r in notifying)
    assert not {r.name for r in silent} & {r.name for r in notifying}
    assert {r.name for r in prod_plan.monitors()} - {r.name for r in silent} == {r.name for r in notifying if r.type.startswith("datadog:")}


def test_routes_of_a_monitor_are_its_handles(fake: PlanView) -> None:
    assert fake.routes_of(fake.one(name="svc-errors")) == ["@pagerduty-x", "@slack-y"]


def test_routes_of_an_alarm_resolve_topics_to_subscriptions(fake: PlanView) -> None:
    # only the alarm actions count: OK actions notify recovery, not the alert
    assert fake.routes_of(fake.one(name="svc-cpu-critical")) == ["[secret]", "a@example.com"]
    assert fake.routes_of(fake.one(name="svc-unhealthy")) == []


def test_a_topic_without_subscriptions_is_no_route(fake: PlanView) -> None:
    """An alarm whose actions reach only a topic nobody subscribes to notifies nobody: the kit cannot be fooled."""
    deaf = fake.one(name="svc-memory-critical")
    assert fake.routes_of(deaf) == [] and fake.heard_through(deaf) == []


def test_select_by_service_type_and_tag(fake: PlanView) -> None:
    assert [r.name for r in fake.select(type="aws:cloudwatch/logGroup:LogGroup")] == ["other-logs"]
    assert fake.select(type="aws:cloudwatch/logGroup:LogGroup", service="svc") == []
    assert {r.name for r in fake.select(tag="team:x")} == {"svc-cpu-critical", "svc-errors", "svc-slo"}
    assert fake.tags(fake.one(name="svc-cpu-critical")) == {"team:x"}
    with pytest.raises(AssertionError, match="exactly one"):
        fake.one(type="aws:sns/topic:Topic")


def test_thresholds_are_numbers_for_monitors_and_alarms(fake: PlanView) -> None:
    monitor = res("datadog:index/monitor:Monitor", "m", monitorThresholds={"critical": "1", "warning": "0.5", "criticalRecovery": "0.9"})
    assert fake.thresholds(monitor) == {"critical": 1.0, "criticalRecovery": 0.9, "warning": 0.5}
    assert fake.thresholds(res("aws:cloudwatch/metricAlarm:MetricAlarm", "a", threshold=80)) == {"threshold": 80}
    assert fake.thresholds(fake.one(name="svc-health")) == {} and fake.thresholds(fake.one(name="svc-unhealthy")) == {}


def test_thresholds_read_the_same_number_on_both_backends(prod_plan: PlanView) -> None:
    monitor = prod_plan.one(type="datadog:index/monitor:Monitor", name="api-latency-p95")
    assert isinstance(monitor.inputs["monitorThresholds"]["critical"], str)  # as pulumi-datadog types it
    levels = prod_plan.thresholds(monitor)
    assert (levels["critical"], levels["warning"]) == (0.5, 0.4)  # seconds, as the query
    critical = prod_plan.one(type="aws:cloudwatch/metricAlarm:MetricAlarm", name="api-latency-p95-critical")
    assert prod_plan.thresholds(critical) == {"threshold": levels["critical"]}


def test_plugin_is_registered_as_a_pytest11_entry_point() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    entry = project["entry-points"]["pytest11"]
    assert entry == {"vigil.pytest_plugin": "vigil.pytest_plugin"}  # named after the module: never registered twice
    module = importlib.import_module(entry["vigil.pytest_plugin"])
    assert hasattr(module, "stack_plan")


def test_plugin_serves_a_users_test(pytester: pytest.Pytester) -> None:
    # a user's project: the plugin finds it from pytest's rootdir (here, a copy of the reference project)
    shutil.copytree(REFERENCE, pytester.path, dirs_exist_ok=True)
    pytester.makeconftest('pytest_plugins = ["vigil.pytest_plugin"]\n')
    pytester.makepyfile(
        """
        from pathlib import Path

        def test_users_rule(stack_plan):
            plan = stack_plan("prod")
            assert plan.stack == "prod"
            assert stack_plan("prod") is plan  # cached for the session
            assert stack_plan.project == Path.cwd()  # the project found from the rootdir
            assert plan.monitors() and all(plan.routes_of(m) or plan.heard_through(m) for m in plan.monitors())

        def test_unknown_stack_fails(stack_plan):
            stack_plan("staging")
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)


def test_plugin_outside_a_project_fails_the_test_that_asks_for_a_plan(pytester: pytest.Pytester) -> None:
    """No Pulumi.yaml from the rootdir up: the test using `stack_plan` fails saying so (it planned the installed
    project's own catalog); a test that does not use it is untouched (the installed plugin loads in every run)."""
    pytester.makeconftest('pytest_plugins = ["vigil.pytest_plugin"]\n')
    pytester.makepyfile(
        """
        def test_users_rule(stack_plan):
            stack_plan("prod")

        def test_unrelated():
            pass
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines([f"*stack_plan: no Pulumi project: no Pulumi.yaml in {pytester.path} or any folder above it*"])
    assert "Traceback" not in result.stdout.str()


def test_the_kit_outside_a_project_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from vigil.stack_config import StackConfigError
    from vigil.testkit import stack_plan

    monkeypatch.chdir(tmp_path)
    with pytest.raises(StackConfigError, match=re.escape(f"no Pulumi.yaml in {tmp_path} or any folder above it")):
        stack_plan("prod")


def test_routes_of_a_monitor_per_state(fake: PlanView) -> None:
    monitor = fake.one(name="svc-errors")
    assert fake.routes_of(monitor, when="alert") == ["@pagerduty-x", "@slack-y"]
    assert fake.routes_of(monitor, when="warning") == ["@slack-y"]


def test_message_rendering_per_state() -> None:
    from vigil.routing import message_for

    message = "{{#is_alert}}@pd-a{{/is_alert}} {{#is_warning}}@sl-w{{/is_warning}} {{^is_alert}}@not-a{{/is_alert}} @all-x"
    assert message_for(message, "alert").split() == ["@pd-a", "@all-x"]
    assert message_for(message, "warning").split() == ["@sl-w", "@not-a", "@all-x"]


def test_importing_the_plugin_is_cheap() -> None:
    import subprocess
    import sys

    code = "import sys, vigil.pytest_plugin; print(any(m.startswith(('pulumi', 'program')) for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
