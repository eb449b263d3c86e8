"""A service whose names come from another stack's outputs, deployed on Datadog too (issue 20 item 4): the Datadog
queries carry the output's placeholder in a tag (`{functionname:${org/payments-infra/prod.refundsName}}`) until the
program knows the value. The replay reads such a query and proves its alerts as for any name (the series the
scenarios publish carry the same tag), so a catalog that validates is one the standard replay accepts; the back-test
says it cannot fetch a series whose name only the deployed stack knows, on both backends."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from vigil.backtest.reads import alert_reads
from vigil.replay.datadog.queries import parse_metric
from vigil.replay.stack import load_stack
from vigil.replay.standard import standard

from .conftest import FAMILIES

NAME = "${org/payments-infra/prod.refundsName}"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The families fixture (with the teams fixture its teams file links to), refunds' function named by an output."""
    root = tmp_path_factory.mktemp("outputs")
    shutil.copytree(FAMILIES, root / "families", symlinks=True)
    shutil.copytree(FAMILIES.parent / "teams", root / "teams", symlinks=True)
    spec = root / "families" / "catalog" / "refunds.yaml"
    text = spec.read_text()
    for env in ("dev", "prod"):
        text = text.replace(f"name: refunds-{env}, timeout", "name: {output: refundsName}, timeout")
    assert text.count("{output: refundsName}") == 2
    spec.write_text(text)
    return root / "families"


def test_a_datadog_query_with_an_output_in_a_tag_is_read() -> None:
    query = parse_metric(f"sum:aws.lambda.errors{{functionname:{NAME},env:prod}}.as_count()")
    assert query.scope == frozenset({f"functionname:{NAME}", "env:prod"}) and query.modifier == "as_count"


def test_the_standard_replay_proves_every_alert_of_the_service(project: Path) -> None:
    stack = load_stack(project, "prod", None)
    service = stack.service("refunds")
    queries = [r.inputs["query"] for r in stack.plan.resources if r.parent == "refunds" and "query" in r.inputs]
    assert queries and all(NAME in q for q in queries if "aws.lambda" in q)  # the placeholder is what is replayed
    report = standard(service)
    assert report.checks and all(check.ok for check in report.checks), [c.line() for c in report.checks if not c.ok]
    assert {c.backend for c in report.checks if c.alert == "function_error_rate"} == {"datadog", "aws"}


def test_the_backtest_says_it_cannot_fetch_what_only_the_deployed_stack_names(project: Path) -> None:
    stack = load_stack(project, "prod", None)
    reads = alert_reads(stack.service("refunds"), {})
    assert reads and all(r.refused is not None and "known only to the deployed stack" in r.refused for r in reads)
    assert any(r.backend == "datadog" and f"functionname:{NAME}" in (r.refused or "") for r in reads)
