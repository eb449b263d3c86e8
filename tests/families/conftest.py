"""The families fixture project's plans (tests/fixtures/families: a queue worker, a Lambda behind API Gateway with a
DynamoDB table, a Datadog-only service of custom metrics; the teams fixture's teams file; maintenance windows)."""

from __future__ import annotations

from pathlib import Path

import pytest

from vigil.testkit import PlanView, stack_plan

ROOT = Path(__file__).resolve().parents[2]
FAMILIES = ROOT / "tests" / "fixtures" / "families"


@pytest.fixture(scope="session")
def families() -> dict[str, PlanView]:
    return {stack: stack_plan(stack, project=FAMILIES) for stack in ("dev", "prod")}
