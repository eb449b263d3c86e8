"""Planning in chunks of services (separate runs under mocks, merged, shared resources once) gives the plan of
one run, byte for byte."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from vigil.engine import Plan
from vigil.planning import merge_chunks, plan_stack
from vigil.render.plan_json import render_json

from .helpers import FIXTURE, TEAM_STACKS, WHOLE_STACKS, make_project

pytestmark = pytest.mark.slow  # end to end: `make test` runs it, `make check` leaves it out


def generated_catalog(folder: Path, copies: int) -> Path:
    """Copies of the fixture's services under new names (same teams), for a catalog bigger than the fixture."""
    folder.mkdir(parents=True)
    for path in sorted(FIXTURE.glob("*.yaml")):
        text = path.read_text()
        name = re.search(r"^service: (\S+)$", text, re.M).group(1)  # type: ignore[union-attr]
        for i in range(copies):
            (folder / f"{name}{i}.yaml").write_text(re.sub(r"^service: \S+$", f"service: {name}{i}", text, count=1, flags=re.M))
    return folder


@pytest.mark.parametrize(("stacks", "stack"), [(WHOLE_STACKS, "prod"), (WHOLE_STACKS, "dev"), (TEAM_STACKS, "prod-payments")])
def test_chunked_plans_are_byte_identical_to_one_run(tmp_path: Path, stacks: dict, stack: str) -> None:  # type: ignore[type-arg]
    project = make_project(tmp_path / "project", stacks, generated_catalog(tmp_path / "catalog", 2))
    whole = render_json(plan_stack(project, stack, chunk_size=10_000))
    assert whole.count('"type": "vigil:index:ServiceMonitoring"') > 3
    for size in (1, 3):
        assert render_json(plan_stack(project, stack, chunk_size=size)) == whole


def test_progress_counts_every_service_once(tmp_path: Path) -> None:
    project = make_project(tmp_path, WHOLE_STACKS)
    steps: list[tuple[int, int]] = []
    plan = plan_stack(project, "prod", chunk_size=3, progress=lambda done, total: steps.append((done, total)))
    services = sum(r.type == "vigil:index:ServiceMonitoring" for r in plan.resources)
    assert sum(done for done, _ in steps) == services and {total for _, total in steps} == {services}
    assert len(steps) == -(-services // 3)


def test_chunks_that_disagree_on_a_shared_resource_are_refused(tmp_path: Path) -> None:
    plan = plan_stack(make_project(tmp_path, WHOLE_STACKS), "prod", services=[])
    assert plan.resources and all(r.parent is None for r in plan.resources)  # only the shared resources
    first = plan.resources[0]
    changed = dataclasses.replace(first, inputs={**first.inputs, "region": "elsewhere"})
    other = Plan(plan.project, plan.stack, (changed, *plan.resources[1:]))
    assert merge_chunks([plan, plan]) == plan
    with pytest.raises(RuntimeError, match=f"declare {re.escape(first.type)} {first.name} differently"):
        merge_chunks([plan, other])
