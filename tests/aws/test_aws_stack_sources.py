"""Sources read from another stack's outputs (sources.aws.from_stack + {output: name})."""

from __future__ import annotations

from pathlib import Path

import pytest
from aws_helpers import ALARM, PROJECT, api

from program.settings import stack_outputs
from vigil.cli import main
from vigil.testkit import PlanView, stack_plan

FROM_STACK = """    region: eu-west-1
    from_stack: org/infra/prod
    load_balancer: {output: albName}
    target_group: {output: apiTargetGroup}
    ecs: {cluster: {output: clusterName}, service: api}
"""


def _catalog(tmp_path: Path) -> Path:
    """The reference api with its load balancer, target group and cluster read from another stack. CloudWatch only:
    Datadog's availability SLO names the load balancer in its query (it counts the load balancer's own 5xx), which a
    stack output cannot be (tests/program/test_backends.py)."""
    text = (PROJECT / "catalog" / "api.yaml").read_text().replace("team: platform\n", "team: platform\nbackends: [aws]\n", 1)
    start = text.index("    region: eu-west-1\n")
    end = text.index("    rds: {instance: api-db}\n")
    (tmp_path / "api.yaml").write_text(text[:start] + FROM_STACK + text[end:])
    return tmp_path


@pytest.fixture(scope="module")
def referenced_plan(tmp_path_factory: pytest.TempPathFactory) -> PlanView:
    return stack_plan("prod", catalog=_catalog(tmp_path_factory.mktemp("catalog")), project=PROJECT)


def test_dimensions_come_from_the_referenced_stack(referenced_plan: PlanView) -> None:
    latency = referenced_plan.one(type=ALARM, name="api-latency-p95-critical").inputs
    assert latency["dimensions"] == {"LoadBalancer": "${org/infra/prod.albName}", "TargetGroup": "${org/infra/prod.apiTargetGroup}"}
    cpu = referenced_plan.one(type=ALARM, name="api-cpu-critical").inputs
    assert cpu["dimensions"] == {"ClusterName": "${org/infra/prod.clusterName}", "ServiceName": "api"}
    rds = referenced_plan.one(type=ALARM, name="api-db-connections-critical").inputs
    assert rds["dimensions"] == {"DBInstanceIdentifier": "api-db"}  # literal values stay literal


def test_the_offline_engine_is_told_which_outputs_the_spec_reads(tmp_path: Path) -> None:
    from spec import load_catalog

    referenced = load_catalog(_catalog(tmp_path), ["prod"]).for_environment("prod")
    assert stack_outputs(referenced) == {"org/infra/prod": ["albName", "apiTargetGroup", "clusterName"]}
    assert stack_outputs([api()]) == {}


def test_an_output_without_from_stack_is_a_spec_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    catalog = _catalog(tmp_path)
    text = (catalog / "api.yaml").read_text().replace("    from_stack: org/infra/prod\n", "")
    (catalog / "api.yaml").write_text(text)
    monkeypatch.chdir(PROJECT)
    assert main(["validate", "--catalog", str(catalog)]) == 2
    err = capsys.readouterr().err
    assert "api.yaml:" in err and "name the stack with 'from_stack'" in err


def test_a_malformed_source_value_is_one_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    catalog = _catalog(tmp_path)
    text = (catalog / "api.yaml").read_text().replace("{output: albName}", "[albName]")
    (catalog / "api.yaml").write_text(text)
    monkeypatch.chdir(PROJECT)
    assert main(["validate", "--catalog", str(catalog)]) == 2
    err = capsys.readouterr().err
    assert "sources.aws.load_balancer: expected a name or {output: <stack output name>}" in err


@pytest.mark.parametrize(
    "written, expected",
    [
        ("{outputs: albName}", "api.yaml:{line}:21: sources.aws.load_balancer: unknown key 'outputs'; did you mean 'output'?"),
        ("{output: albName, extra: 1}", "api.yaml:{line}:38: sources.aws.load_balancer: unknown key 'extra' allowed: output"),
        ("{output: 1bad}", "api.yaml:{line}:29: sources.aws.load_balancer.output: expected a stack output name"),
    ],
)
def test_a_bad_output_is_shown_at_its_key(
    written: str, expected: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The union member's tag never shows as a key: an unknown key is named as written, where it is written."""
    catalog = _catalog(tmp_path)
    text = (catalog / "api.yaml").read_text().replace("{output: albName}", written)
    (catalog / "api.yaml").write_text(text)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if written in row)
    monkeypatch.chdir(PROJECT)
    assert main(["validate", "--catalog", str(catalog)]) == 2
    assert expected.format(line=line) in capsys.readouterr().err
