"""pytest plugin: the `stack_plan` fixture, over the offline engine.

    def test_every_prod_monitor_is_heard(stack_plan):
        plan = stack_plan("prod")
        assert all(plan.routes_of(m) or plan.heard_through(m) for m in plan.monitors())

Enable it in a `conftest.py` with `pytest_plugins = ["vigil.pytest_plugin"]`, or install the package
(it registers the plugin through the `pytest11` entry point). The project is the nearest folder with a
`Pulumi.yaml` from pytest's rootdir; plans are computed once per test session and shared.

Importing this module is cheap (an installed plugin loads in every pytest run): the Pulumi program and the
providers' SDKs are imported on the first `stack_plan(...)` call only.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Optional, Union

import pytest

if TYPE_CHECKING:
    from .testkit import PlanView


class StackPlan:
    """`stack_plan("prod")` → the stack's PlanView; `stack_plan("dev", catalog=path)` plans another catalog.
    `stack_plan.project` is the project folder (the one holding Pulumi.yaml)."""

    def __init__(self, project: Path) -> None:
        self.project = project

    def __call__(self, stack: str, catalog: Optional[Union[str, Path]] = None) -> PlanView:
        from .testkit import stack_plan

        return stack_plan(stack, Path(catalog) if catalog is not None else None, self.project)


def _project(rootpath: Path) -> Path:
    """The nearest folder holding Pulumi.yaml from pytest's rootdir (never another project's, such as this code's)."""
    from .project import find_project

    return find_project(rootpath)


@pytest.fixture(scope="session")
def stack_plan(request: pytest.FixtureRequest) -> StackPlan:
    """The test kit's factory of offline plans, shared by the whole session (plans are cached)."""
    from .stack_config import StackConfigError

    try:
        return StackPlan(_project(Path(str(request.config.rootpath)).resolve()))
    except StackConfigError as exc:  # only the tests that ask for plans fail; override the fixture to plan elsewhere
        pytest.fail(f"stack_plan: {exc} (or override the fixture: docs/testing.md)", pytrace=False)
