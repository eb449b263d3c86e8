"""Organisation policies (policy/rules.py): unit tests with failing examples, and the policies over both stacks."""

from __future__ import annotations

import ast
import shutil
import sys
from pathlib import Path

import pytest

from policy import rules
from policy.rules import Org, Resource
from tests.reference import REFERENCE
from vigil import routing, testkit
from vigil.engine import PlannedResource

ROOT = Path(__file__).resolve().parent.parent
ORG = Org()
PAGE_MSG = "x https://h/docs/services/api.md#cpu {{#is_alert}}@pagerduty-p{{/is_alert}} {{#is_warning}}@slack-t{{/is_warning}}"


def monitor(message: str = PAGE_MSG, **props: object) -> Resource:
    return Resource(rules.MONITOR, "m", {"message": message, "tags": ["env:prod", "team:t", "service:s"], **props})


def alarm(actions: list[str], name: str = "api-cpu-critical", env: str = "prod", **props: object) -> Resource:
    return Resource(
        "aws:cloudwatch/metricAlarm:MetricAlarm",
        name,
        {"alarmActions": actions, "alarmDescription": "https://h/docs/services/api.md#cpu", "tags": {"env": env}, **props},
    )


def log_group(days: object = 90, env: str = "prod", **opts: object) -> Resource:
    return Resource(rules.LOG_GROUP, "logs", {"retentionInDays": days, "tags": {"env": env, "team": "t", "service": "s"}}, **opts)  # type: ignore[arg-type]


# --- every alert routes somewhere ----------------------------------------------------------------------------------


def test_monitor_without_handle_routes_nowhere() -> None:
    assert rules.monitors_heard([monitor("CPU is high. Runbook: https://x")], ORG)
    assert rules.monitors_heard([monitor()], ORG) == []
    quiet_composite = Resource(rules.MONITOR, "c", {"type": "composite", "query": "${m.id}", "message": "nobody. Runbook: https://x"})
    assert rules.routes_somewhere(quiet_composite, ORG)  # nothing can use a composite monitor to notify
    assert rules.routes_somewhere(monitor(), ORG) == []


def test_monitor_heard_through_a_composite_monitor_that_notifies() -> None:
    """A Datadog burn-rate tier notifies nobody itself; the composite over its severity's tiers pages (one page for
    one problem). CrossGuard gives the composite's query its property dependencies; offline plans, placeholders."""
    quiet = Resource(rules.MONITOR, "burn-1h", {"message": "burning. Runbook: https://x", "tags": ["env:prod", "severity:page"], "priority": "1"})
    query = "${burn-1h.id} || ${burn-6h.id}"
    heard = Resource(rules.MONITOR, "page", {"type": "composite", "query": query, "message": PAGE_MSG}, depends=rules.from_placeholders({"query": query}))
    assert heard.depends == {"query": ["burn-1h", "burn-6h"]}
    assert rules.monitors_heard([quiet, heard], ORG) == []
    assert rules.prod_critical_pages(quiet, ORG) == []  # it tells nobody itself: the composite pages (checked on it)
    deaf = Resource(rules.MONITOR, "page", {"type": "composite", "query": query, "message": "nobody"}, depends=heard.depends)
    assert [v.split(":")[0] for v in rules.monitors_heard([quiet, deaf], ORG)] == ["burn-1h"]


def test_alarm_without_actions_or_disabled_is_heard_by_nobody() -> None:
    assert rules.alarms_heard([alarm([])], ORG)
    assert rules.alarms_heard([alarm(["arn:aws:sns:eu-west-1:1:api-page"], actionsEnabled=False)], ORG)
    assert rules.alarms_heard([alarm(["arn:aws:sns:eu-west-1:1:api-page"])], ORG) == []


def composite(name: str, rule: str, actions: list[str]) -> Resource:
    return Resource("aws:cloudwatch/compositeAlarm:CompositeAlarm", name, {"alarmName": name, "alarmRule": rule, "alarmActions": actions})


def test_alarm_heard_through_a_composite_that_is_heard() -> None:
    long, short = alarm([], name="burn-long"), alarm([], name="burn-short")
    tier = composite("burn", 'ALARM("burn-long") AND ALARM("burn-short")', ["arn:aws:sns:eu-west-1:1:api-page"])
    assert rules.alarms_heard([long, short, tier], ORG) == []
    silent_tier = composite("burn", 'ALARM("burn-long") AND ALARM("burn-short")', [])
    assert len(rules.alarms_heard([long, short, silent_tier], ORG)) == 3


def test_roll_up_composite_is_heard_when_every_input_is() -> None:
    cpu = alarm(["arn:aws:sns:eu-west-1:1:api-page"], name="cpu")
    quiet = alarm([], name="quiet")
    assert rules.alarms_heard([cpu, composite("unhealthy", 'ALARM("cpu")', [])], ORG) == []
    found = rules.alarms_heard([cpu, quiet, composite("unhealthy", 'ALARM("cpu") OR ALARM("quiet")', [])], ORG)
    assert [v.split(":")[0] for v in found] == ["quiet", "unhealthy"]


# --- prod critical alerts page ---------------------------------------------------------------------------------------


def test_prod_critical_monitor_must_page_on_alert() -> None:
    ticket_only = "{{#is_alert}}@slack-t{{/is_alert}} {{#is_warning}}@pagerduty-p{{/is_warning}}"
    assert rules.prod_critical_pages(monitor(ticket_only, monitorThresholds={"critical": "1"}), ORG)
    assert rules.prod_critical_pages(monitor(PAGE_MSG, monitorThresholds={"critical": "1"}), ORG) == []


def test_severity_decides_which_monitors_must_page() -> None:
    slack = "@slack-t"
    assert rules.prod_critical_pages(monitor(slack, priority=1), ORG)
    assert rules.prod_critical_pages(monitor(slack, priority=3, monitorThresholds={"critical": "1"}), ORG) == []
    tagged_ticket = monitor(slack, monitorThresholds={"critical": "1"}, tags=["env:prod", "severity:ticket"])
    assert rules.prod_critical_pages(tagged_ticket, ORG) == []
    by_name = monitor(slack, monitorThresholds={"critical": "1"}, name="[prod] api: SLO burn rate 24h (ticket)")
    assert rules.severity(by_name) == "warning" and rules.prod_critical_pages(by_name, ORG) == []
    assert rules.severity(monitor(slack, name="[prod] api: health live (page)")) == "critical"
    dev = monitor(slack, monitorThresholds={"critical": "1"}, tags=["env:dev"])
    assert rules.prod_critical_pages(dev, ORG) == []


def test_prod_critical_alarm_must_reach_a_page_topic() -> None:
    assert rules.prod_critical_pages(alarm(["arn:aws:sns:eu-west-1:1:api-ticket"]), ORG)
    assert rules.prod_critical_pages(alarm(["arn:aws:sns:eu-west-1:1:api-page"]), ORG) == []
    assert rules.prod_critical_pages(alarm(["arn:aws:sns:eu-west-1:1:homepage-ticket"]), ORG)  # 'page' as a word only
    via_reference = Resource(alarm([]).type, "a-critical", {"tags": {"env": "prod"}}, depends={"alarmActions": ["api-page"]})
    assert rules.prod_critical_pages(via_reference, ORG) == []
    assert rules.prod_critical_pages(alarm(["arn:x:api-ticket"], name="api-cpu-warning"), ORG) == []


def test_handles_on_alert_skip_warning_and_recovery_blocks() -> None:
    message = (
        "@all-ways {{#is_warning}}@warn-x{{/is_warning}} {{#is_recovery}}@rec-x{{/is_recovery}} "
        "{{^is_alert}}@not-alert{{/is_alert}} {{#is_alert}}@on-alert{{/is_alert}}"
    )
    assert rules.handles_on_alert(message) == ["@all-ways", "@on-alert"]


# --- tags ----------------------------------------------------------------------------------------------------------


def test_missing_tags_are_named() -> None:
    assert rules.tagged(Resource(rules.LOG_GROUP, "l", {"tags": {"team": "t", "env": ""}}), ORG) == ["l: missing tag(s) service, env"]
    assert rules.tagged(Resource(rules.MONITOR, "m", {}), ORG) == ["m: missing tag(s) team, service, env"]
    assert rules.tagged(Resource(rules.MONITOR, "m", {"tags": ["team:t", "service:s", "env:prod"]}), ORG) == []
    assert rules.tagged(Resource(rules.DATADOG_DASHBOARD, "d", {"tags": ["team:t"]}), ORG) == []
    assert rules.tagged(Resource(rules.SUBSCRIPTION, "s", {"protocol": "email"}), ORG) == []  # not taggable


# --- prod log groups retained ----------------------------------------------------------------------------------------


def test_prod_log_groups_need_retention_and_protection() -> None:
    assert rules.prod_logs_retained(log_group(None, protect=True), ORG)
    assert rules.prod_logs_retained(log_group(7, protect=True), ORG)
    assert rules.prod_logs_retained(log_group(90, protect=False, retain_on_delete=False), ORG)
    assert rules.prod_logs_retained(log_group(90, protect=True), ORG) == []
    assert rules.prod_logs_retained(log_group(90, retain_on_delete=True), ORG) == []
    assert rules.prod_logs_retained(log_group(7, env="dev"), ORG) == []


def test_what_crossguard_cannot_see_is_said() -> None:
    (message, ) = rules.prod_logs_retained(log_group(90, protect=False), ORG)
    assert "retainOnDelete cannot be seen" in message
    skip = Resource(rules.LOG_GROUP, "l", {"retentionInDays": 90, "skipDestroy": True, "tags": {"env": "prod"}}, protect=False)
    assert rules.prod_logs_retained(skip, ORG) == []


# --- runbook links ---------------------------------------------------------------------------------------------------


def test_monitors_and_alarms_link_a_runbook() -> None:
    assert rules.links_runbook(monitor("@slack-t no link"), ORG)
    assert rules.links_runbook(monitor("@slack-t https://example.com/dashboard"), ORG)
    assert rules.links_runbook(monitor(), ORG) == []
    assert rules.links_runbook(alarm(["a"], alarmDescription="CPU high"), ORG)
    assert rules.links_runbook(alarm(["a"]), ORG) == []


def test_alarm_topics_need_subscribers() -> None:
    topic = Resource(rules.TOPIC, "api-page", {})
    a = Resource(alarm([]).type, "a", {}, depends={"alarmActions": ["api-page"]})
    assert rules.alarm_topics_have_subscribers([topic, a], ORG) == ["a: notifies topic api-page, which has no subscription"]
    sub = Resource(rules.SUBSCRIPTION, "s", {}, depends={"topic": ["api-page"]})
    assert rules.alarm_topics_have_subscribers([topic, a, sub], ORG) == []


def test_org_conventions_come_from_policy_config() -> None:
    org = Org.from_config({"page_handles": "^@slack-oncall", "production": ["live"], "enforcementLevel": "mandatory"})
    assert org.page_handles == "^@slack-oncall" and org.production == ("live",)
    live = monitor("{{#is_alert}}@slack-oncall{{/is_alert}}", priority=1, tags=["env:live"])
    assert rules.prod_critical_pages(live, org) == []
    assert rules.prod_critical_pages(live, ORG) == []  # 'live' is not production by default
    assert rules.prod_critical_pages(monitor("@slack-oncall", priority=1), ORG)


def test_rules_module_imports_only_the_standard_library() -> None:
    tree = ast.parse((ROOT / "policy/rules.py").read_text())
    imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module and n.level == 0}
    assert imported - {"__future__"} <= set(sys.stdlib_module_names), imported


def test_policy_pack_declares_every_rule_and_pins_its_requirements() -> None:
    main = (ROOT / "policy/__main__.py").read_text()
    assert "rules.RESOURCE_RULES" in main and "rules.STACK_RULES" in main
    names = [r.name for r in rules.RESOURCE_RULES] + [name for name, _, _ in rules.STACK_RULES]
    assert len(set(names)) == len(names) == 9
    requirements = (ROOT / "policy/requirements.txt").read_text()
    assert "pulumi-policy==1.21.0" in requirements and "\npulumi==" in requirements
    assert "pulumi-policy" not in (ROOT / "requirements.txt").read_text()


def test_rules_and_the_test_kit_agree_on_what_alerts() -> None:
    for type_ in (rules.MONITOR, rules.SYNTHETICS, "aws:cloudwatch/metricAlarm:MetricAlarm", "aws:cloudwatch/compositeAlarm:CompositeAlarm", rules.LOG_GROUP, rules.TOPIC):
        planned = PlannedResource(type_, "x", None, {}, {}, True)
        assert routing.is_monitor(planned) == rules.is_monitor(type_)
        assert routing.is_alarm(planned) == rules.is_alarm(type_)


# --- the policies hold for both stacks of the default catalog ---------------------------------------------------------


as_policy_resource = routing.policy_resource  # what the pack sees of a planned resource


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_policies_hold_for_the_stack(stack_plan, stack: str) -> None:  # type: ignore[no-untyped-def]
    plan = stack_plan(stack)
    resources = [as_policy_resource(r) for r in plan.resources if r.custom]
    assert rules.check_stack(resources) == []
    # and they were not vacuous: alerts, taggable resources and (in prod) a retained log group were checked
    assert any(rules.is_monitor(r.type) or rules.is_alarm(r.type) for r in resources)
    assert any(r.type in rules.TAGGABLE for r in resources)
    assert any(r.type == rules.LOG_GROUP and rules.environment(r) == stack for r in resources)


def test_prod_has_critical_alerts_that_the_paging_policy_checked(stack_plan) -> None:  # type: ignore[no-untyped-def]
    resources = [as_policy_resource(r) for r in stack_plan("prod").resources if r.custom]
    assert [r.name for r in resources if rules.severity(r) == "critical"]


def test_breaking_the_plan_breaks_the_policies(stack_plan) -> None:  # type: ignore[no-untyped-def]
    plan = stack_plan("prod")
    (planned,) = [r for r in plan.resources if r.type == rules.LOG_GROUP]
    unprotected = PlannedResource(
        planned.type, planned.name, planned.parent, {**planned.inputs, "retentionInDays": 7}, {**planned.options, "protect": False, "retainOnDelete": False}, True
    )
    assert len(rules.check_resource(as_policy_resource(unprotected))) == 2


# --- "who is notified": policy/rules.py reads it, vigil.routing reads plans with it -------------------------------------
# policy/rules.py may not import vigil (a CrossGuard pack runs in its own environment), so it is the home of the reading
# of handles, message blocks and alarm actions, and vigil/routing.py delegates to it; these tests check the delegation
# on whole plans.


def test_the_policy_pack_reads_handles_with_the_builders_grammar() -> None:
    from monitors.datadog import messages

    assert rules.HANDLE.pattern == messages.HANDLE.pattern  # what the builders write is what the readers read
    assert routing.HANDLE is rules.HANDLE and routing.message_for is rules.message_for  # one reading


def test_message_blocks_nested_in_a_kept_block_are_rendered_too() -> None:
    message = "{{#is_alert}}@pagerduty-p {{#is_warning}}@slack-w{{/is_warning}}{{/is_alert}} {{^is_alert}}@slack-n{{/is_alert}}"
    assert rules.handles_on_alert(message) == ["@pagerduty-p"]
    assert rules.handles(rules.message_for(message, "warning")) == ["@slack-n"]


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_rules_and_routing_agree_on_who_is_notified(stack_plan, stack: str) -> None:  # type: ignore[no-untyped-def]
    plan = stack_plan(stack).plan
    monitors = [r for r in plan.resources if routing.is_monitor(r)]
    alarms = [r for r in plan.resources if routing.is_alarm(r)]
    assert monitors and alarms
    for r in monitors:
        assert rules.handles_on_alert(rules.message_of(as_policy_resource(r))) == routing.notified(plan, r, "alert"), r.name
    for r in alarms:
        topics = sorted(t for a in r.inputs.get("alarmActions") or [] if (t := routing.topic_of(str(a))))
        assert rules.alarm_targets(as_policy_resource(r)) == topics, r.name
    silent = [r for r in alarms if not routing.notified(plan, r)]
    assert silent, "the stacks have burn-rate windows heard only through their composite"
    assert all(routing.heard_through(plan, r) for r in silent)
    assert rules.alarms_heard([as_policy_resource(r) for r in plan.resources if r.custom], ORG) == []
    quiet = [r for r in monitors if not routing.notified(plan, r)]
    assert quiet, "the stacks have Datadog burn-rate tiers heard only through their severity's composite monitor"
    assert all(routing.heard_through(plan, r) for r in quiet)
    assert rules.monitors_heard([as_policy_resource(r) for r in plan.resources if r.custom], ORG) == []


def test_rules_and_routing_agree_on_which_alarms_are_heard() -> None:
    from vigil.engine import Plan

    def planned(type_: str, name: str, **inputs: object) -> PlannedResource:
        return PlannedResource(type_, name, None, dict(inputs), {"protect": False, "retainOnDelete": False}, True)

    metric, comp = "aws:cloudwatch/metricAlarm:MetricAlarm", "aws:cloudwatch/compositeAlarm:CompositeAlarm"
    resources = (
        planned(rules.TOPIC, "api-page"),
        planned(rules.SUBSCRIPTION, "api-page-0", topic="${api-page.arn}", protocol="email", endpoint="o@example.com"),
        planned(metric, "long", alarmName="long", alarmActions=[]),
        planned(metric, "short", alarmName="short", alarmActions=[]),
        planned(metric, "quiet", alarmName="quiet", alarmActions=[]),
        planned(comp, "tier", alarmName="tier", alarmRule='ALARM("long") AND ALARM("short")', alarmActions=["${api-page.arn}"]),
        planned(metric, "window", alarmName="window", alarmActions=[]),
        planned(comp, "inner", alarmName="inner", alarmRule='ALARM("window")', alarmActions=[]),
        planned(comp, "outer", alarmName="outer", alarmRule='ALARM("inner") OR ALARM("tier")', alarmActions=["${api-page.arn}"]),
        planned(rules.TOPIC, "api-deaf"),  # a topic nobody subscribes to: a route to nobody
        planned(metric, "deaf", alarmName="deaf", alarmActions=["${api-deaf.arn}"]),
        planned(comp, "deaf-roll-up", alarmName="deaf-roll-up", alarmRule='ALARM("deaf")', alarmActions=[]),
    )
    plan = Plan("p", "prod", resources)
    heard_by_routing = {r.name for r in resources if routing.is_alarm(r) and (routing.notified(plan, r) or routing.heard_through(plan, r))}
    unheard_by_rules = {v.split(":")[0] for v in rules.alarms_heard([as_policy_resource(r) for r in resources], ORG)}
    assert heard_by_routing == {"long", "short", "tier", "window", "inner", "outer"}
    assert unheard_by_rules == {"quiet", "deaf", "deaf-roll-up"}
    assert routing.heard_through(plan, plan.by_name("window")) == ["inner"]  # heard through a composite that is heard itself
    assert routing.heard_through(plan, plan.by_name("quiet")) == []


def test_transition_only_blocks_do_not_count_as_notified_on_alert() -> None:
    message = "{{#is_warning_to_alert}}@pagerduty-p{{/is_warning_to_alert}} {{#is_alert}}@slack-a{{/is_alert}}"
    assert rules.handles_on_alert(message) == ["@slack-a"]
    assert routing.handles(routing.message_for(message, "alert")) == ["@slack-a"]


# --- validation applies the same policies, to the declarations, before anything is planned ----------------------------
# program/policies.py turns each declaration the rule checker records into what the pack sees of the resource; the
# resources must be the plan's own (so every verdict is the plan's, for any rule), and a policy a spec value breaks is an
# error at that value's line.

FIXTURES = [REFERENCE, ROOT / "tests" / "fixtures" / "families", ROOT / "tests" / "fixtures" / "teams"]


def declared_resources(project: Path, stack: str) -> list[Resource]:
    from program.checks import recorded_aws, recorded_datadog, recorded_sentry
    from program.policies import policy_resources
    from vigil.project import load_project

    _, resolved = load_project(project)
    (target,) = [t for t in resolved if t.name == stack]
    deployment = target.deployment
    out: list[Resource] = []
    for service in target.services:
        backends = deployment.backends_of(service)
        declared = recorded_datadog(service, deployment) if "datadog" in backends else []
        declared += recorded_aws(service, deployment) if "aws" in backends else []
        declared += recorded_sentry(service, deployment) if "sentry" in backends and service.sources.sentry else []
        out += policy_resources(declared, deployment)
    return out


@pytest.mark.parametrize("stack", ["dev", "prod"])
@pytest.mark.parametrize("project", FIXTURES, ids=lambda p: p.name)
def test_what_validation_shows_the_policies_is_the_plan(project: Path, stack: str) -> None:
    """Type, name, every input, protect, retainOnDelete and references: the policies see the same resources whether
    validation hands them the declarations or the test suite the offline plan — so their verdicts are the same."""
    plan = testkit.stack_plan(stack, project=project)
    planned = sorted((as_policy_resource(r) for r in plan.resources if r.custom and not r.type.startswith("pulumi:providers:")), key=_key)
    declared = sorted(declared_resources(project, stack), key=_key)
    assert [_key(r) for r in declared] == [_key(r) for r in planned]
    for mine, theirs in zip(declared, planned, strict=True):
        assert mine.props == theirs.props, mine.name
        assert (bool(mine.protect), mine.retain_on_delete, mine.depends) == (bool(theirs.protect), theirs.retain_on_delete, theirs.depends), mine.name
    assert rules.check_stack(declared) == rules.check_stack(planned) == []


def _key(resource: Resource) -> tuple[str, str]:
    return (resource.type, resource.name)


def test_policy_verdicts_on_a_broken_catalog_are_the_plans(tmp_path: Path) -> None:
    """A catalog that breaks two policies in prod: the verdicts over the declarations equal those over its plan (planned
    without the checks, which would refuse it)."""
    from vigil.planning import plan_checked
    from vigil.project import load_project

    project = broken_reference(tmp_path)
    _, resolved = load_project(project)
    (target,) = [t for t in resolved if t.name == "prod"]
    plan = plan_checked(project, target)
    planned = [as_policy_resource(r) for r in plan.resources if r.custom and not r.type.startswith("pulumi:providers:")]
    verdicts = sorted(rules.check_stack(planned))
    assert sorted(rules.check_stack(declared_resources(project, "prod"))) == verdicts
    assert any("keeps logs 14 days" in v for v in verdicts) and any("no paging handle" in v for v in verdicts)


def broken_reference(tmp_path: Path) -> Path:
    """The reference project with prod logs kept 14 days and a page route that pages nobody (a Slack channel)."""
    project = tmp_path / "project"
    shutil.copytree(REFERENCE, project)
    spec_file = project / "catalog" / "api.yaml"
    text = spec_file.read_text()
    assert "  prod:\n    logs:\n      retention: 90d" in text and 'datadog: ["@pagerduty-platform"]' in text
    text = text.replace("  prod:\n    logs:\n      retention: 90d", "  prod:\n    logs:\n      retention: 14d")
    spec_file.write_text(text.replace('datadog: ["@pagerduty-platform"]', 'datadog: ["@slack-platform-oncall"]'))
    return project


def test_validate_reports_each_policy_at_the_spec_line_that_breaks_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from vigil.cli import main

    project = broken_reference(tmp_path)
    monkeypatch.chdir(project)
    assert main(["validate"]) == 2
    err = capsys.readouterr().err
    lines = (project / "catalog" / "api.yaml").read_text().splitlines()
    route = next(i for i, line in enumerate(lines, 1) if "@slack-platform-oncall" in line)
    retention = next(i for i, line in enumerate(lines, 1) if "retention: 14d" in line)
    assert f"catalog/api.yaml:{retention}:18: environments.prod.logs.retention: in environment 'prod': api-logs: production log group keeps logs 14 days, less than 30; production keeps logs 30d or longer (the organisation's policy prod-logs-retained" in err, err
    (paging,) = [e for e in err.splitlines() if "prod-critical-alerts-page" in e]  # one problem, every alert it breaks named
    assert paging.startswith(f"catalog/api.yaml:{route}:14: routes.page.datadog: in environment 'prod': ") and "api-cpu, " in paging and "api-health-live" in paging
    assert "2 problem(s) found" in err  # all at once; dev (no production policy) is not blamed


def test_each_kind_is_registered_under_the_type_token_validation_shows_the_policies() -> None:
    """The program registers each kind through program/inputs.py's RESOURCES, the table validation reads its type
    tokens from (tests/program/test_sdk_mirrors.py holds each token to its SDK's)."""
    from typing import get_args

    from monitors.common.declarations import AwsKind, DatadogKind, SentryKind
    from program import aws_resources, datadog_resources, inputs, sentry_resources

    for table in (aws_resources.RESOURCES, datadog_resources.RESOURCES, sentry_resources.RESOURCES):
        assert table is inputs.RESOURCES
    kinds = {kind for literal in (AwsKind, DatadogKind, SentryKind) for kind in get_args(literal)}
    assert set(inputs.TYPE_TOKENS) == kinds  # every kind a walk may declare
    assert all(inputs.TYPE_TOKENS[kind] == resource.token for kind, resource in inputs.RESOURCES.items())


def test_what_the_vendor_rules_refuse_is_not_said_twice_by_the_policies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A ticket route without an SNS subscriber: the vendor rule says what to add; the policy "every alarm is heard",
    which the same route breaks, is left out then (it catches what the vendor rules would miss)."""
    from vigil.cli import main

    project = tmp_path / "project"
    shutil.copytree(REFERENCE, project)
    spec_file = project / "catalog" / "api.yaml"
    text = spec_file.read_text()
    subscriber = "    sns:\n      - {protocol: email, endpoint: platform-oncall@example.com}\n"
    assert subscriber in text
    spec_file.write_text(text.replace(subscriber, "", 1))
    monkeypatch.chdir(project)
    assert main(["validate"]) == 2
    err = capsys.readouterr().err
    assert "which has no sns subscriber" in err and "alarms-heard" not in err, err


def test_a_declaration_reads_as_the_engine_receives_it() -> None:
    """A declaration's inputs are the mirror's Pulumi names, None fields left out, as the SDK's classes send them."""
    from monitors.aws import sdk as aws
    from monitors.common.declarations import Declaration
    from monitors.datadog import sdk as datadog
    from program.inputs import declaration_inputs

    thresholds = datadog.MonitorMonitorThresholdsArgs(critical="1", critical_recovery="0.5")
    monitor = Declaration("monitor", "m", datadog.MonitorArgs(name="m", type="query alert", query="q > 1", message="@x", monitor_thresholds=thresholds), None, ("alerts", "cpu"))
    assert declaration_inputs(monitor) == {"message": "@x", "monitorThresholds": {"critical": "1", "criticalRecovery": "0.5"}, "name": "m", "query": "q > 1", "type": "query alert"}
    group = Declaration("log_group", "l", aws.cloudwatch.LogGroupArgs(name="/a/b", retention_in_days=30, tags={"env": "prod"}), "eu-west-1", ("logs",))
    assert declaration_inputs(group) == {"name": "/a/b", "retentionInDays": 30, "tags": {"env": "prod"}}


@pytest.fixture
def org_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """policy/config.json stood in for by a file of the test's own (validation reads it once per process)."""
    from program import policies

    path = tmp_path / "config.json"
    monkeypatch.setattr(rules, "CONFIG_FILE", path)
    policies.organisation.cache_clear()
    yield path
    policies.organisation.cache_clear()


def test_the_organisations_config_reaches_validate_as_it_reaches_the_pack(org_config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """An organisation keeping production logs 120 days writes it once, in policy/config.json: `vigil validate` refuses
    the reference's 90 days at its line, with the organisation's number (and the pack reads the same file)."""
    from vigil.cli import main

    org_config.write_text('{\n  "prod-logs-retained": {"min_prod_retention_days": 120}\n}\n')
    project = tmp_path / "project"
    shutil.copytree(REFERENCE, project)
    monkeypatch.chdir(project)
    assert main(["validate"]) == 2
    err = capsys.readouterr().err
    assert "production log group keeps logs 90 days, less than 120; production keeps logs 120d or longer (the organisation's policy prod-logs-retained" in err, err
    assert rules.org_for(rules.read_config(), "prod-logs-retained").min_prod_retention_days == 120
    assert rules.org_for(rules.read_config(), "resources-tagged").min_prod_retention_days == 30  # per policy, as Pulumi's
    main_py = (ROOT / "policy" / "__main__.py").read_text()
    assert "rules.read_config()" in main_py and main_py.count("rules.org_for(ORGANISATION") == 2


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('{\n  "prod-logs-retained": {"min_prod_retention_days": 90,}\n}', "config.json:2:56: policy config: not JSON: Expecting property name"),
        ('{\n  "prod-logs-kept": {"min_prod_retention_days": 90}\n}', "2:1: policy config: prod-logs-kept: no such policy; the policies are alerts-route-somewhere"),
        ('{\n  "prod-logs-retained": {"min_prod_retention_days": "90d"}\n}', 'prod-logs-retained.min_prod_retention_days: expected a whole number, 0 or more, got "90d"'),
        ('{"prod-critical-alerts-page": {"page_handles": "^@(pagerduty"}}', "prod-critical-alerts-page.page_handles: expected a regular expression (missing )"),
        ('{"resources-tagged": {"required_tags": "team"}}', 'resources-tagged.required_tags: expected a list of non-empty strings, got "team"'),
        ('{"resources-tagged": {"teams": ["x"]}}', "resources-tagged.teams: expected a property of the policies: page_handles"),
        ('["prod-logs-retained"]', "policy config: expected an object of policies"),
        ('{\n  "prod-logs-retained": {\n    "enforcementLevel": "mandatory",\n    "min_prod_retention_days": -3\n  }\n}',
         "config.json:4:1: policy config: prod-logs-retained.min_prod_retention_days: expected a whole number, 0 or more, got -3"),
        ('{\n  "all": "strict"\n}', "config.json:2:1: policy config: all: an enforcement level (advisory, mandatory, remediate, disabled)"),
        ('{"alerts-link-runbook": {"enforcementLevel": "off"}}', 'alerts-link-runbook.enforcementLevel: expected one of advisory, mandatory, remediate, disabled, got "off"'),
    ],
)
def test_a_wrong_policy_config_is_one_error_at_its_line(org_config: Path, text: str, said: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from vigil.cli import main

    org_config.write_text(text)
    monkeypatch.chdir(REFERENCE)
    assert main(["validate"]) == 2
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err and "1 problem(s) found" in err, err


def test_the_shipped_config_is_valid_and_enforcement_levels_are_accepted(tmp_path: Path) -> None:
    assert isinstance(rules.read_config(), dict)  # policy/config.json as shipped (or edited by the organisation)
    path = tmp_path / "config.json"
    path.write_text('{"all": "advisory", "alerts-link-runbook": "disabled", "prod-logs-retained": {"enforcementLevel": "mandatory"}}')
    assert rules.org_for(rules.read_config(path), "prod-logs-retained") == Org()
    assert rules.read_config(tmp_path / "absent.json") == {}
    config = rules.read_config(path)  # Pulumi's precedence: the policy's own level, else all's
    assert [rules.enforcement(config, p) for p in ("alerts-link-runbook", "prod-logs-retained", "alarms-heard")] == ["disabled", "mandatory", "advisory"]
    assert rules.enforcement({}, "alarms-heard") == "mandatory"


def test_a_disabled_policy_is_applied_nowhere(org_config: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """"disabled" in policy/config.json turns the policy off in the pack (its enforcement level), in `vigil validate` and
    in the tests' check_stack alike: accepted and then enforced anyway would say one thing and do another."""
    from program import policies
    from vigil.cli import main

    monitor = Resource(rules.MONITOR, "m", {"type": "query alert", "message": "@slack-x", "tags": ["team:t", "service:s", "env:dev"]})
    assert any("links no runbook" in v for v in rules.check_stack([monitor]))
    assert not any("links no runbook" in v for v in rules.check_stack([monitor], {"alerts-link-runbook": "disabled"}))
    assert not rules.check_stack([monitor], {"all": "disabled"})
    assert any("links no runbook" in v for v in rules.check_stack([monitor], {"all": "disabled", "alerts-link-runbook": "advisory"}))
    monkeypatch.chdir(REFERENCE)
    org_config.write_text('{"prod-logs-retained": {"min_prod_retention_days": 120}}')
    assert main(["validate"]) == 2 and "less than 120" in capsys.readouterr().err
    org_config.write_text('{"prod-logs-retained": {"min_prod_retention_days": 120, "enforcementLevel": "disabled"}}')
    policies.organisation.cache_clear()  # read once per process
    assert main(["validate"]) == 0, capsys.readouterr().err
    main_py = (ROOT / "policy" / "__main__.py").read_text()
    assert main_py.count("EnforcementLevel(rules.enforcement(ORGANISATION") == 2
