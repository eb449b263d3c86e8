"""The project's own catalog and stacks — the user's — held to catalog-independent invariants only.

Whatever services, thresholds and stacks the user writes: `vigil validate` accepts them, the organisation's
policies hold on every stack's plan (every alert is heard, prod critical alerts page, tags, retained prod logs,
runbook links). The committed docs are checked fresh in tests/test_docs.py. Nothing here pins a value or a size:
tests that need known values use the reference project (tests/fixtures/reference/).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from policy import rules
from tests.test_policies import as_policy_resource
from vigil.cli import main
from vigil.pytest_plugin import StackPlan
from vigil.stack_config import stacks

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.product_catalog


def test_the_catalog_validates(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["validate"]) == 0, capsys.readouterr().err
    assert capsys.readouterr().out.startswith("ok: ")


@pytest.mark.parametrize("stack", stacks(ROOT))
def test_the_policies_hold_for_every_stack(product_plan: StackPlan, stack: str) -> None:
    plan = product_plan(stack)
    assert rules.check_stack([as_policy_resource(r) for r in plan.resources if r.custom], rules.read_config()) == []  # the organisation's config
    for resource in plan.monitors() + plan.alarms():  # the test kit reads "heard" as the policy pack does
        assert plan.routes_of(resource) or plan.heard_through(resource), f"{stack}: {resource.name} notifies nobody"
