"""Shared fixtures. Plans come from the test kit (the `stack_plan` fixture), computed once per session."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vigil.testkit import PlanView

pytest_plugins = ["vigil.pytest_plugin", "pytester"]


@pytest.fixture(scope="session")
def dev_plan(stack_plan) -> PlanView:  # type: ignore[no-untyped-def]
    return stack_plan("dev")


@pytest.fixture(scope="session")
def prod_plan(stack_plan) -> PlanView:  # type: ignore[no-untyped-def]
    return stack_plan("prod")


@pytest.fixture(scope="session", params=["dev", "prod"])
def any_plan(request: pytest.FixtureRequest, stack_plan) -> PlanView:  # type: ignore[no-untyped-def]
    return stack_plan(request.param)
