"""Plan a stack offline: load and check the catalog once, stand in for absent secrets, run the program under mocks.

A stack's services are planned in chunks, each a separate run of the program under mocks that declares the
components of its chunk only (`program.run(only=...)`, the mechanism a stack's own `monitoring:services`
uses) and the stack's shared resources (its providers). Memory then follows the chunk, not the catalog: the
Pulumi runtime keeps every resource of a run alive until the run ends. The chunks' records are merged, shared
resources once (they must be identical in every chunk), and sorted as one run sorts them: the plan is the
same, byte for byte (tests/scale/test_chunks.py).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Optional

from program.settings import required_secrets, stack_outputs
from spec import SpecError, SpecErrors

from .engine import SECRET, Plan, PlannedResource, run_offline
from .project import read_project, rule_errors, stack_named
from .stack import Stack
from .stack_config import StackConfig

CHUNK_SIZE = 10  # services per run: peak memory grows with it (about 10 MiB a service), time hardly (docs/benchmarks.md)

Progress = Callable[[int, int], None]  # (services just planned, services to plan in all)


def offline_config(config: StackConfig, secret_names: list[str]) -> StackConfig:
    """Secrets are never in the repository: where a stack lacks one, a placeholder secret stands in."""
    values = dict(config.values)
    secrets = set(config.secret_keys)
    for name in secret_names:
        key = f"{config.project}:{name}"
        if key not in values:
            values[key] = SECRET
            secrets.add(key)
    return replace(config, values=values, secret_keys=frozenset(secrets))


def merge_chunks(chunks: Sequence[Plan]) -> Plan:
    """One plan from the plans of chunks of a stack: every resource once, sorted by (type, name)."""
    merged: dict[tuple[str, str], PlannedResource] = {}
    for chunk in chunks:
        for resource in chunk.resources:
            key = (resource.type, resource.name)
            seen = merged.setdefault(key, resource)
            if seen != resource:  # a shared resource must not depend on which services a run declares
                raise RuntimeError(f"chunks of stack {chunk.stack} declare {resource.type} {resource.name} differently")
    first = chunks[0]
    return Plan(first.project, first.stack, tuple(merged[key] for key in sorted(merged)))


def plan_stack(
    project_dir: Path,
    stack: str,
    catalog: Optional[Path] = None,
    *,
    services: Optional[Sequence[str]] = None,
    chunk_size: int = CHUNK_SIZE,
    progress: Optional[Progress] = None,
    check: Optional[Sequence[str]] = None,
) -> Plan:
    """The stack's plan, or with `services` the part of it those services (and the shared resources) make.

    The catalog is loaded and checked once: the stacks' selections, and the vendor rules of this stack's
    services (`check`: of those named only; `vigil validate` checks every stack); every problem is raised at once.
    """
    _, resolved, errors = read_project(project_dir, catalog)
    if errors and stack not in {s.name for s in resolved}:
        raise SpecErrors(errors)  # its own files may be what is wrong
    target = stack_named(project_dir, resolved, stack)
    if services is not None:
        deployed = target.service_names()
        missing = sorted(set(services) - set(deployed))
        if missing:
            message = f"stack '{stack}' does not deploy {', '.join(missing)} (it deploys: {', '.join(deployed) or 'nothing'})"
            errors.append(SpecError(None, "service", message))
    errors += rule_errors([target], None if check is None else set(check))
    if errors:
        raise SpecErrors(errors)
    return plan_checked(project_dir, target, services, chunk_size=chunk_size, progress=progress)


def plan_checked(
    project_dir: Path,
    stack: Stack,
    services: Optional[Sequence[str]] = None,
    *,
    chunk_size: int = CHUNK_SIZE,
    progress: Optional[Progress] = None,
) -> Plan:
    """Plan a stack already resolved and checked (`load_project`, `check_rules`), in chunks."""
    import program

    wanted = None if services is None else set(services)
    deployed = [name for name in stack.service_names() if wanted is None or name in wanted]
    config = offline_config(stack.config, required_secrets(stack.settings, list(stack.services)))
    outputs = stack_outputs(list(stack.services))
    size = max(1, chunk_size)
    chunks = [deployed[i : i + size] for i in range(0, len(deployed), size)] or [[]]
    plans = []
    for chunk in chunks:
        plans.append(run_offline(functools.partial(program.run, stack.catalog, frozenset(chunk)), config, project_dir, outputs))
        if progress is not None:
            progress(len(chunk), len(deployed))
    return merge_chunks(plans)
