"""The teams fixture project's plans (tests/fixtures/teams: its own stacks deploy datadog, aws and sentry)."""

from __future__ import annotations

import pytest

from vigil.testkit import PlanView, stack_plan

from .helpers import FIXTURE


@pytest.fixture(scope="session")
def fixture_plans() -> dict[str, PlanView]:
    return {stack: stack_plan(stack, project=FIXTURE) for stack in ("dev", "prod")}
