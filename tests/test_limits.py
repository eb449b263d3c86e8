"""No generated resource of any catalog the project ships breaks a documented vendor limit (docs/limits.md), on every
stack: the rules on the very arguments (`check_catalog`, what `vigil validate` runs), and the planned resources
themselves, read back against the same limits — what the program really registers, not what the rules were shown."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from monitors.aws import limits as aws_limits
from monitors.common.context import Deployment
from monitors.datadog import limits as datadog_limits
from program.checks import check_service
from spec import load_catalog
from tests.reference import REFERENCE
from vigil.docs.limits import limits_table
from vigil.project import check_catalog
from vigil.pytest_plugin import StackPlan
from vigil.stack_config import stacks
from vigil.testkit import PlanView
from vigil.testkit import stack_plan as plan_of

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
# Every catalog the project ships (issue 19: "checked over every catalog the project ships, both stacks"): each fixture
# project with its stack files, each of their stacks; and each fixture catalog without stack files, per environment.
PROJECTS = sorted(p.parent for p in FIXTURES.glob("*/Pulumi.yaml"))
STACK_PLANS = [(project, stack) for project in PROJECTS for stack in stacks(project)]
BARE_CATALOGS = sorted(p for p in FIXTURES.glob("*/catalog") if not (p.parent / "Pulumi.yaml").exists())
ALARM, COMPOSITE = "aws:cloudwatch/metricAlarm:MetricAlarm", "aws:cloudwatch/compositeAlarm:CompositeAlarm"
MONITOR, DASHBOARD = "datadog:index/monitor:Monitor", "aws:cloudwatch/dashboard:Dashboard"
REFERENCE_IN_RULE = re.compile(r'(?:ALARM|OK|INSUFFICIENT_DATA)\("([^"]*)"\)')


def limit_problems(plan: PlanView) -> list[str]:
    """Every planned resource against the limits it can break, read from its planned inputs."""
    out: list[str] = []
    named: Counter[str] = Counter()
    for resource in plan.resources:
        inputs, name = resource.inputs, resource.name
        if resource.type == ALARM:
            queries = inputs.get("metricQueries") or []
            metrics = [q for q in queries if q.get("metric")]
            expressions = [q for q in queries if q.get("expression")]
            if len(metrics) > aws_limits.METRIC_MATH_METRICS.number or len(expressions) > aws_limits.METRIC_EXPRESSIONS.number:
                out.append(f"{name}: {len(metrics)} metrics, {len(expressions)} expressions")
            if len(str(inputs.get("name"))) > 255:
                out.append(f"{name}: alarm name longer than 255")
            returned = next((q for q in queries if q.get("returnData")), {})
            reads_dynamodb = inputs.get("namespace") == "AWS/DynamoDB" or any(
                (q.get("metric") or {}).get("namespace") == "AWS/DynamoDB" or '"AWS/DynamoDB"' in str(q.get("expression")) for q in queries
            )
            if reads_dynamodb and inputs.get("treatMissingData") != "ignore" and not str(returned.get("expression", "")).startswith("FILL("):
                out.append(f"{name}: an AWS/DynamoDB alarm relies on treatMissingData")
        elif resource.type == COMPOSITE:
            rule = str(inputs.get("alarmRule"))
            children = REFERENCE_IN_RULE.findall(rule)
            named.update(set(children))
            if len(children) > aws_limits.COMPOSITE_CHILDREN.number or len(rule) > 10_240:
                out.append(f"{name}: a rule of {len(children)} alarms, {len(rule)} characters")
        elif resource.type == MONITOR:
            members = re.findall(r"\$\{[^}]+\}", str(inputs.get("query"))) if inputs.get("type") == "composite" else []
            if len(members) > datadog_limits.COMPOSITE_MONITORS.number:
                out.append(f"{name}: a composite of {len(members)} monitors")
            out += [f"{name}: tag {tag!r}" for tag in inputs.get("tags") or [] if len(tag) > datadog_limits.TAG_LENGTH.number]
        elif resource.type == DASHBOARD:
            widgets = len(re.findall(r'"type"\s*:\s*"(?:metric|alarm|text)"', str(inputs.get("dashboardBody"))))
            if widgets > aws_limits.DASHBOARD_WIDGETS.number:
                out.append(f"{name}: {widgets} widgets")
    out += [f"{alarm}: named by {count} composites" for alarm, count in named.items() if count > aws_limits.COMPOSITES_PER_ALARM.number]
    return out


@pytest.mark.parametrize("project", PROJECTS, ids=lambda p: p.name)
def test_every_fixture_project_breaks_no_vendor_rule(project: Path) -> None:
    check_catalog(project)  # every stack: raises SpecErrors, one per problem


def test_the_shipped_projects_are_all_checked() -> None:
    assert {REFERENCE, FIXTURES / "families", FIXTURES / "teams"} <= set(PROJECTS) and FIXTURES / "team-stacks" / "catalog" in BARE_CATALOGS


@pytest.mark.parametrize("folder", BARE_CATALOGS, ids=lambda p: p.parent.name)
def test_the_catalogs_without_stack_files_break_no_vendor_rule(folder: Path) -> None:
    """A catalog split over team stacks, a new user's: no stack files of their own; each environment, both backends."""
    catalog = load_catalog(folder, ["dev", "prod"])
    for environment in ("dev", "prod"):
        deployment = Deployment(project="monitoring", stack=environment, environment=environment, production=environment == "prod")
        for service in catalog.for_environment(environment):
            assert check_service(service, deployment) == [], (environment, service.service)


@pytest.mark.product_catalog
def test_the_product_catalog_breaks_no_vendor_rule() -> None:
    check_catalog(ROOT)


@pytest.mark.parametrize(("project", "stack"), STACK_PLANS, ids=[f"{p.name}-{s}" for p, s in STACK_PLANS])
def test_no_planned_resource_breaks_a_limit(project: Path, stack: str) -> None:
    assert limit_problems(plan_of(stack, project=project)) == [], project.name


@pytest.mark.product_catalog
@pytest.mark.parametrize("stack", stacks(ROOT))  # the user's stacks, whatever they are named
def test_no_planned_resource_of_the_product_catalog_breaks_a_limit(stack: str, product_plan: StackPlan) -> None:
    assert limit_problems(product_plan(stack)) == []


def test_the_limits_table_lists_each_limit_once_with_its_page() -> None:
    lines = limits_table()
    rows = [line for line in lines if line.startswith("| ") and not line.startswith("| resource") and not line.startswith("| ---")]
    assert len(rows) == len(aws_limits.limits()) + len(datadog_limits.limits()) == len(set(rows))
    assert all("](https://" in row for row in rows)
    assert any("metrics a metric-math alarm references | 10 | hard" in row for row in rows)


def test_a_plan_breaking_a_limit_is_caught() -> None:
    """The plan-level reading is no rubber stamp: thirteen metrics in one alarm are caught."""
    plan = plan_of("prod", project=FIXTURES / "families")
    table = plan.one(name="payments-webhook-table-throttles-critical")
    metric = {"namespace": "AWS/DynamoDB", "metricName": "ThrottledRequests", "stat": "Sum", "period": 60}
    broken: Any = table.inputs | {"metricQueries": [{"id": f"m{i}", "metric": metric} for i in range(13)] + [
        {"id": "e1", "expression": "+".join(f"m{i}" for i in range(13)), "returnData": True}]}  # fmt: skip
    problems = limit_problems(_with(plan, table, broken))
    assert any("13 metrics" in p for p in problems) and any("relies on treatMissingData" in p for p in problems)


def _with(plan: PlanView, resource: Any, inputs: dict[str, Any]) -> Any:
    """The plan with one resource's inputs replaced (what `limit_problems` reads: its resources)."""
    changed = dataclasses.replace(resource, inputs=inputs)
    return SimpleNamespace(resources=[changed if r is resource else r for r in plan.resources])
