"""Shared fixtures. Plans come from the test kit (the `stack_plan` fixture), computed once per session.

The suite survives the user's catalog: `stack_plan` (and `dev_plan`, `prod_plan`, `any_plan`) plan the reference
project under tests/fixtures/reference/, never the project's own catalog/ and stack files. Only tests marked
`@pytest.mark.product_catalog` may read the product catalog, to hold it to catalog-independent invariants (it
validates, the policies hold, committed docs are fresh); `product_plan` plans it for them. Any other test that
loads the product catalog fails, whichever way it gets there (the CLI from the project folder, the docs, a plan).
"""

from __future__ import annotations

import sys
from collections.abc import Generator
from pathlib import Path
from typing import Any, Optional

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import spec.catalog_files
from tests.reference import PRODUCT_CATALOG, REFERENCE
from vigil.pytest_plugin import StackPlan
from vigil.testkit import PlanView

pytest_plugins = ["vigil.pytest_plugin", "pytester"]
PRODUCT_MARK = "product_catalog"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{PRODUCT_MARK}: the test holds the project's own catalog/ to a catalog-independent invariant"
    )
    config.addinivalue_line(
        "markers", "slow: an end-to-end test (git revisions, whole docs, a user's copy of the project): `make test` runs it, `make check` leaves it out"
    )


# --- the guard: only marked tests read the product catalog -----------------------------------------------------------

_running: list[Optional[pytest.Item]] = [None]
_catalog_files = spec.catalog_files.catalog_files  # the one place a catalog folder is listed


def _guarded_catalog_files(directory: Path, *args: Any, **kwargs: Any) -> Any:
    item = _running[0]
    if item is not None and Path(directory).resolve() == PRODUCT_CATALOG and item.get_closest_marker(PRODUCT_MARK) is None:
        raise AssertionError(
            f"{item.nodeid} reads the product catalog ({PRODUCT_CATALOG}), which is the user's: plan the reference "
            "project (tests/reference.py) for known values, or mark a catalog-independent invariant "
            f"@pytest.mark.{PRODUCT_MARK}"
        )
    return _catalog_files(directory, *args, **kwargs)


spec.catalog_files.catalog_files = _guarded_catalog_files


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: Optional[pytest.Item]) -> Generator[None, Any, Any]:
    _running[0] = item  # session fixtures set up for this test run under its name too
    try:
        return (yield)
    finally:
        _running[0] = None


# --- plans ---------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def stack_plan() -> StackPlan:
    """The test kit's fixture, pointed at the reference project: every plan of the suite has known values."""
    return StackPlan(REFERENCE)


@pytest.fixture
def product_plan(request: pytest.FixtureRequest) -> StackPlan:
    """Plans of the project's own catalog and stacks, for invariants only (plans are cached by the kit)."""
    assert request.node.get_closest_marker(PRODUCT_MARK), f"product_plan is for tests marked @pytest.mark.{PRODUCT_MARK}"
    return StackPlan(ROOT)


@pytest.fixture(scope="session")
def dev_plan(stack_plan: StackPlan) -> PlanView:
    return stack_plan("dev")


@pytest.fixture(scope="session")
def prod_plan(stack_plan: StackPlan) -> PlanView:
    return stack_plan("prod")


@pytest.fixture(scope="session", params=["dev", "prod"])
def any_plan(request: pytest.FixtureRequest, stack_plan: StackPlan) -> PlanView:
    return stack_plan(request.param)
