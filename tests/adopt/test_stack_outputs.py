"""Issue 20 item 4: Datadog's queries and SLOs take AWS names from another stack's outputs, as CloudWatch's alarms do:
the offline plan names the output (`${org/infra/prod.albName}`), the rules check the grammar around it, and the program
builds the real text as a Pulumi output of the StackReference's value, lowercased as Datadog's AWS integration tags."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import vigil.engine
from vigil.planning import plan_stack

OUTPUTS = {"albName": "app/Checkout-ALB/50dc6c495c0c9188", "tgName": "targetgroup/api/943f017f100becff", "dbName": "API-db"}


def _from_stack(project: Path) -> None:
    path = project / "catalog" / "api.yaml"
    data = yaml.safe_load(path.read_text())
    aws = data["sources"]["aws"]
    aws.update(from_stack="org/infra/prod", load_balancer={"output": "albName"}, target_group={"output": "tgName"}, rds={"instance": {"output": "dbName"}})
    for overlay in data.get("environments", {}).values():
        overlay.get("sources", {}).get("aws", {}).pop("rds", None)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def test_the_offline_plan_names_the_outputs_in_datadogs_queries(project: Path) -> None:
    _from_stack(project)
    plan = plan_stack(project, "prod")
    assert plan.by_name("api-db-connections").inputs["query"] == (
        "avg(last_10m):max:aws.rds.database_connections{dbinstanceidentifier:${org/infra/prod.dbName}} > 90"
    )
    slo = plan.by_name("api-availability-slo").inputs["query"]
    assert slo["denominator"].endswith("sum:aws.applicationelb.httpcode_elb_5xx{loadbalancer:${org/infra/prod.albName}}.as_count()")
    alarm = plan.by_name("api-db-connections-critical")
    assert alarm.inputs["dimensions"] == {"DBInstanceIdentifier": "${org/infra/prod.dbName}"}


def test_deployed_the_query_holds_the_outputs_value_lowercased(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What `pulumi up` sends: the StackReference's values (here the mocks answer with real names) in the query."""
    _from_stack(project)
    monkeypatch.setattr(vigil.engine, "placeholder", lambda stack, name: OUTPUTS.get(name, f"${{{stack}.{name}}}"))
    plan = plan_stack(project, "prod")
    assert plan.by_name("api-db-connections").inputs["query"] == "avg(last_10m):max:aws.rds.database_connections{dbinstanceidentifier:api-db} > 90"
    slo = plan.by_name("api-availability-slo").inputs["query"]
    assert "{loadbalancer:app/checkout-alb/50dc6c495c0c9188}" in slo["denominator"]
    assert plan.by_name("api-db-connections-critical").inputs["dimensions"] == {"DBInstanceIdentifier": "API-db"}  # CloudWatch: as written


def test_rules_check_the_grammar_around_the_placeholder() -> None:
    from monitors.datadog import rules

    class Args:
        type, priority, tags, monitor_thresholds = "query alert", "1", [], None
        query = "avg(last_10m):max:aws.rds.database_connections{dbinstanceidentifier:${org/infra/prod.dbName}} > 90"

    found = rules.monitor_problems(Args())
    assert found.get("query", []) == []
    Args.query = "avg(last_10m):max:aws.rds.database_connections{DBInstance:${org/infra/prod.dbName}} > 90"
    assert any("must be lowercase" in p for p in rules.monitor_problems(Args())["query"])
