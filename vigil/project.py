"""Finding the project, its stacks and catalog, and checking a catalog the way `pulumi up` would see it."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from spec import Catalog, Service, SpecError, SpecErrors, load_catalog
from spec.yaml_source import Location

from .stack_config import StackConfig, StackConfigError, read_stack_config, stacks

if TYPE_CHECKING:
    from program.settings import StackSettings

# `program` (its package imports the providers' SDKs, seconds) is imported where it is used, so that commands
# which only find the project (`vigil diff`'s own process) stay quick.

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


@dataclass(frozen=True)
class StackTarget:
    """A stack as the program will see it: its config values and the settings parsed from them."""

    config: StackConfig
    settings: StackSettings

    @property
    def stack(self) -> str:
        return self.config.stack

    def services(self, loaded: Catalog) -> list[Service]:
        """The services the stack deploys (its `monitoring:teams` / `monitoring:services`; all by default)."""
        from program.selection import selects

        return [s for s in loaded.for_environment(self.settings.environment) if selects(self.settings, s)]


def stack_target(project_dir: Path, stack: str, catalog: Optional[Path] = None) -> StackTarget:
    from program.settings import SettingsError, parse_settings

    config = read_stack_config(project_dir, stack)
    catalog_dir = (catalog or project_dir / config.get("catalog", "catalog")).resolve()
    values = {**config.values, f"{config.project}:catalog": str(catalog_dir)}
    config = replace(config, values=values)
    try:
        settings = parse_settings(lambda key: config.values.get(f"{config.project}:{key}"), stack)
    except SettingsError as exc:  # blamed on the file and line that set the value, or the stack file
        raise StackConfigError(f"{config.origin(exc.key) if exc.key else f'Pulumi.{stack}.yaml'}: {exc}") from None
    return StackTarget(config, settings)


def _key_location(project_dir: Path, stack: str, key: str) -> Location:
    """Where a stack file sets a key (its first line naming it), for errors about a stack's config."""
    name = f"Pulumi.{stack}.yaml"
    try:
        lines = (project_dir / name).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        lines = []
    line = next((i for i, text in enumerate(lines, 1) if f"{key}:" in text), 1)
    return Location(name, line, 1)


def _selection(target: StackTarget) -> str:
    parts = [f"{key} [{', '.join(names)}]" for key, names in (("teams", target.settings.teams), ("services", target.settings.services)) if names]
    return f"{target.stack} ({' and '.join(parts) or 'every service'})"


def selection_errors(project_dir: Path, loaded: Catalog, targets: list[StackTarget]) -> list[SpecError]:
    """Every stack's selection names services and teams that exist, and every service of an environment is
    deployed by exactly one stack of that environment (none: it is not monitored; two: they fight over its names)."""
    from program.selection import selects, unknown_names

    errors: list[SpecError] = []
    for target in targets:
        for key, problem in unknown_names(target.settings, loaded.for_environment(target.settings.environment)):
            errors.append(SpecError(_key_location(project_dir, target.stack, key), key, problem))
    for env in sorted({t.settings.environment for t in targets}):
        stacks = [t for t in targets if t.settings.environment == env]
        for service in loaded.for_environment(env):
            owners = [t for t in stacks if selects(t.settings, service)]
            if len(owners) == 1:
                continue
            at = loaded.documents[service.service].marks.get(("team",))
            if owners:
                message = f"deployed by {len(owners)} stacks of environment '{env}': {'; '.join(map(_selection, owners))}; a service belongs to exactly one stack per environment (two would fight over its resources' names)"
            else:
                message = f"deployed by no stack of environment '{env}' (stacks: {'; '.join(map(_selection, stacks))}): add its team or name to one stack's monitoring:teams or monitoring:services"
            errors.append(SpecError(at, "team", message))
    return errors


def load_project(project_dir: Path, catalog: Optional[Path] = None) -> tuple[Catalog, list[StackTarget]]:
    """Read every stack's config and the catalog for every stack's environment (once), and check the stacks'
    selections. Vendor rules are `check_rules`."""
    targets = [stack_target(project_dir, stack, catalog) for stack in stacks(project_dir)]
    catalog_dir = catalog.resolve() if catalog else (targets[0].settings.catalog if targets else project_dir / "catalog")
    environments = sorted({t.settings.environment for t in targets})
    loaded = load_catalog(catalog_dir, environments, strict=bool(environments))
    errors = selection_errors(project_dir, loaded, targets)
    if errors:
        raise SpecErrors(errors)
    return loaded, targets


def check_rules(loaded: Catalog, targets: list[StackTarget], only: Optional[Collection[str]] = None) -> None:
    """Every vendor rule for each stack's services (`only`: for those of them named); raise all problems at once."""
    from program.checks import check_service  # the vendors' rules import their SDKs (seconds): only when checking

    found: dict[tuple[Optional[Location], str, str], list[str]] = {}  # (where, path, message) -> its environments
    for target in targets:
        env = target.settings.environment
        deployment = target.settings.deployment(target.config.project, target.config.stack)
        for service in target.services(loaded):
            if only is not None and service.service not in only:
                continue
            for violation in check_service(service, deployment):
                at = loaded.locate(service.service, env, violation.path)
                envs = found.setdefault((at.location, at.path, violation.message), [])
                if env not in envs:
                    envs.append(env)
    errors = [
        SpecError(location, path, f"in environment{'s' if len(envs) > 1 else ''} {', '.join(repr(e) for e in envs)}: {message}")
        for (location, path, message), envs in found.items()
    ]
    if errors:
        raise SpecErrors(errors)


def check_catalog(project_dir: Path, catalog: Optional[Path] = None) -> tuple[Catalog, list[StackTarget]]:
    """Load the catalog for every stack's environment, check the stacks' selections and apply every vendor rule
    to every stack's services; raise all problems at once."""
    loaded, targets = load_project(project_dir, catalog)
    check_rules(loaded, targets)
    return loaded, targets
