"""Finding the project, its stacks and catalog, and checking a catalog the way `pulumi up` would see it: every problem
that can be soundly found, in one round (a stack file's, every catalog file's, the stacks' selections, the vendor
rules of every service that validates)."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Optional

from spec import Catalog, SpecError, SpecErrors
from spec.catalog import read_catalog
from spec.yaml_source import Location

from .stack import Stack, StackTarget, catalog_dir, stack_target
from .stack_config import StackConfigError, StackProblem, no_stack, read_stack_config, stacks

# `program` is imported where it is used, so that commands which only find the project (`vigil diff`'s own process)
# import none of it; checking a catalog imports its builders and rules, never Pulumi (tests/cli/test_cold_imports.py).

def find_project(start: Optional[Path] = None) -> Path:
    """The nearest folder holding Pulumi.yaml, from the working directory up. None is an error: another project's
    catalog and stacks (this code's own) are never checked, planned or documented in its place."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "Pulumi.yaml").is_file():
            return folder
    raise StackConfigError(
        f"no Pulumi project: no Pulumi.yaml in {here} or any folder above it; cd to the project's folder (the one holding "
        "Pulumi.yaml and its Pulumi.<stack>.yaml files) or one below it, and run vigil there"
    )


def _selection(stack: Stack) -> str:
    parts = [f"{key} [{', '.join(names)}]" for key, names in (("teams", stack.settings.teams), ("services", stack.settings.services)) if names]
    return f"{stack.name} ({' and '.join(parts) or 'every service'})"


def selection_errors(loaded: Catalog, stacks: list[Stack], every_stack: bool = True) -> list[SpecError]:
    """Every stack's selection names services and teams that exist, and every service of an environment is
    deployed by exactly one stack of that environment (none: it is not monitored; two: they fight over its names).
    Without `every_stack` (a stack's own files are wrong, so its environment and selection are unknown), only the
    names: who deploys a service cannot be said."""
    from program.selection import unknown_names

    errors: list[SpecError] = []
    for stack in stacks:
        found = unknown_names(stack.settings, loaded.for_environment(stack.environment), names=loaded.names_written, teams=loaded.teams_written)
        errors += [SpecError(stack.config.location(key.partition(":")[2]), key, problem) for key, problem in found]
    for env in sorted({s.environment for s in stacks}) if every_stack else ():
        here = [s for s in stacks if s.environment == env]
        deploys = {s.name: set(s.service_names()) for s in here}
        for service in loaded.for_environment(env):
            owners = [s for s in here if service.service in deploys[s.name]]
            if len(owners) == 1:
                continue
            at = loaded.documents[service.service].marks.get(("team",))
            if owners:
                message = f"deployed by {len(owners)} stacks of environment '{env}': {'; '.join(map(_selection, owners))}; a service belongs to exactly one stack per environment (two would fight over its resources' names)"
            else:
                message = f"deployed by no stack of environment '{env}' (stacks: {'; '.join(map(_selection, here))}): add its team or name to one stack's monitoring:teams or monitoring:services"
            errors.append(SpecError(at, "team", message))
    return errors


def _targets(project_dir: Path, catalog: Optional[Path]) -> tuple[list[StackTarget], list[SpecError]]:
    """Every stack whose files read, and the problems of those that do not (each said, none hiding another)."""
    targets: list[StackTarget] = []
    problems: list[SpecError] = []
    for name in stacks(project_dir):
        try:
            targets.append(stack_target(project_dir, name, catalog))
        except StackConfigError as exc:
            problems += [StackProblem(None, "", message) for message in exc.messages]
    return targets, problems


def _catalog_dir(project_dir: Path, catalog: Optional[Path], targets: list[StackTarget]) -> Optional[Path]:
    """The catalog folder the stacks read: `--catalog`, else the stacks' `monitoring:catalog` (the first stack that
    reads; with none, the first whose config does); None when no stack file says (then its folder is unknown)."""
    if catalog or targets:
        return catalog.resolve() if catalog else targets[0].settings.catalog
    names = stacks(project_dir)
    for name in names:
        try:
            return catalog_dir(project_dir, read_stack_config(project_dir, name), None)
        except StackConfigError:
            continue
    return None if names else project_dir / "catalog"


def read_project(project_dir: Path, catalog: Optional[Path] = None) -> tuple[Optional[Catalog], list[Stack], list[SpecError]]:
    """Every stack that reads, resolved against the sound part of the catalog (read for their environments, once),
    and every problem found on the way: a stack file's, every catalog file's, the stacks' selections. A broken stack
    file hides no catalog problem, a broken catalog file no other file's, a broken service no other service's. The
    catalog is None when no stack file says where it is."""
    targets, errors = _targets(project_dir, catalog)
    directory = _catalog_dir(project_dir, catalog, targets)
    if directory is None:
        return None, [], errors
    environments = sorted({t.settings.environment for t in targets})
    try:  # a stack that does not read may deploy another environment: its overlays are then not "unknown"
        loaded, problems = read_catalog(directory, environments, strict=bool(environments) and not errors)
    except SpecErrors as exc:  # no catalog folder: nothing more to check
        raise SpecErrors(errors + exc.errors) from None
    resolved = [Stack.of(target, loaded) for target in targets]
    return loaded, resolved, errors + problems + selection_errors(loaded, resolved, every_stack=not errors)


def load_project(project_dir: Path, catalog: Optional[Path] = None) -> tuple[Catalog, list[Stack]]:
    """Read every stack's config and the catalog for every stack's environment (once), resolve every stack against
    it, and check the stacks' selections; raise every problem at once. Vendor rules are `check_rules`."""
    loaded, resolved, errors = read_project(project_dir, catalog)
    if errors:
        raise SpecErrors(errors)
    assert loaded is not None, "every stack reads: they say where the catalog is"
    return loaded, resolved


def stack_named(project_dir: Path, resolved: list[Stack], name: str) -> Stack:
    """The project's stack of that name; none: the error that says which stacks there are."""
    for stack in resolved:
        if stack.name == name:
            return stack
    raise no_stack(project_dir, name)


def rule_errors(resolved: list[Stack], only: Optional[Collection[str]] = None) -> list[SpecError]:
    """Every vendor rule for each stack's services (`only`: for those of them named), at their spec lines; a problem
    that several environments share is said once, naming them."""
    from program.checks import check_service  # the builders and the vendors' rules: only when checking

    found: dict[tuple[Optional[Location], str, str], list[str]] = {}  # (where, path, message) -> its environments
    for stack in resolved:
        env = stack.environment
        for service in stack.services:
            if only is not None and service.service not in only:
                continue
            for violation in check_service(service, stack.deployment):
                at = stack.catalog.locate(service.service, env, violation.path)
                envs = found.setdefault((at.location, at.path, violation.message), [])
                if env not in envs:
                    envs.append(env)
    return [
        SpecError(location, path, f"in environment{'s' if len(envs) > 1 else ''} {', '.join(repr(e) for e in envs)}: {message}")
        for (location, path, message), envs in found.items()
    ]


def check_rules(resolved: list[Stack], only: Optional[Collection[str]] = None) -> None:
    """Every vendor rule for each stack's services (`only`: for those of them named); raise all problems at once."""
    errors = rule_errors(resolved, only)
    if errors:
        raise SpecErrors(errors)


def check_catalog(project_dir: Path, catalog: Optional[Path] = None) -> tuple[Catalog, list[Stack]]:
    """Load the catalog for every stack's environment, check the stacks' selections and apply every vendor rule
    to every stack's services; raise all problems at once — the vendor rules of every sound service too, whatever
    else is wrong (a service that does not validate cannot be checked further; the others can)."""
    loaded, resolved, errors = read_project(project_dir, catalog)
    errors += rule_errors(resolved)
    if errors:
        raise SpecErrors(errors)
    assert loaded is not None, "every stack reads: they say where the catalog is"
    return loaded, resolved


__all__ = [
    "Stack",
    "StackTarget",
    "check_catalog",
    "check_rules",
    "find_project",
    "load_project",
    "read_project",
    "rule_errors",
    "selection_errors",
    "stack_named",
    "stack_target",
]
