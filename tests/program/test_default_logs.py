"""`logs` may be left out (docs/spec.md's defaults): a plain new service written from the docs validates, and its
log group is planned with the defaults — a retention the organisation's policies accept in production."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from policy import rules
from spec.logs import DEFAULT_RETENTION
from tests.reference import REFERENCE
from vigil import routing
from vigil.cli import main
from vigil.planning import plan_stack

PLAIN = """\
# yaml-language-server: $schema=../schema/service.schema.json
service: orders
team: platform
runbook: docs/runbooks/orders.md
routes:
  page: {datadog: ["@pagerduty-platform"], sns: [{protocol: email, endpoint: oncall@example.com}]}
  ticket: {datadog: ["@slack-platform"], sns: [{protocol: email, endpoint: team@example.com}]}
sources:
  datadog: {apm_service: orders}
  aws: {region: eu-west-1, ecs: {cluster: prod, service: orders}}
alerts:
  cpu: {critical: 90%, warning: 80%}
"""


def test_the_default_retention_is_one_the_policies_accept_in_production() -> None:
    assert DEFAULT_RETENTION.ms // 86_400_000 >= rules.Org().min_prod_retention_days


def test_a_service_without_logs_validates_and_plans_the_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "project"
    shutil.copytree(REFERENCE, project)
    (project / "catalog" / "orders.yaml").write_text(PLAIN)
    monkeypatch.chdir(project)
    assert main(["validate"]) == 0, capsys.readouterr().err
    plan = plan_stack(project, "prod", services=["orders"])
    (group,) = [r for r in plan.resources if r.type == rules.LOG_GROUP]
    assert group.inputs["name"] == "/platform/orders/prod" and group.inputs["retentionInDays"] == 30
    assert group.options["protect"] is True and group.options["retainOnDelete"] is True
    filters = sorted(r.inputs["name"] for r in plan.resources if r.type == "aws:cloudwatch/logMetricFilter:LogMetricFilter")
    assert len(filters) == 2 and all(("warn" in f or "error" in f) for f in filters), filters  # filters warn, error
    assert rules.check_stack([routing.policy_resource(r) for r in plan.resources if r.custom]) == []
