"""Shared fixtures. Plans come from the test kit, computed once per session (importing the providers is slow)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vigil.testkit import PlanView, stack_plan  # noqa: E402


@pytest.fixture(scope="session")
def dev_plan() -> PlanView:
    return stack_plan("dev", project=ROOT)


@pytest.fixture(scope="session")
def prod_plan() -> PlanView:
    return stack_plan("prod", project=ROOT)


@pytest.fixture(scope="session", params=["dev", "prod"])
def any_plan(request: pytest.FixtureRequest) -> PlanView:
    return stack_plan(request.param, project=ROOT)
