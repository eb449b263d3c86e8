"""Finding the project, its stacks and catalog, and checking a catalog the way `pulumi up` would see it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Optional

from program.checks import check_service
from program.settings import SettingsError, StackSettings, parse_settings
from spec import Catalog, SpecError, SpecErrors, load_catalog
from spec.yaml_source import Location

from .stack_config import StackConfig, StackConfigError, read_stack_config, stacks

CODE_ROOT = Path(__file__).resolve().parent.parent


def find_project(start: Optional[Path] = None) -> Path:
    """The nearest folder holding Pulumi.yaml, from the working directory up; else this code's own project."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "Pulumi.yaml").is_file():
            return folder
    return CODE_ROOT


@dataclass(frozen=True)
class StackTarget:
    """A stack as the program will see it: its config values and the settings parsed from them."""

    config: StackConfig
    settings: StackSettings


def stack_target(project_dir: Path, stack: str, catalog: Optional[Path] = None) -> StackTarget:
    config = read_stack_config(project_dir, stack)
    catalog_dir = (catalog or project_dir / config.get("catalog", "catalog")).resolve()
    values = {**config.values, f"{config.project}:catalog": str(catalog_dir)}
    config = replace(config, values=values)
    try:
        settings = parse_settings(lambda key: config.values.get(f"{config.project}:{key}"), stack)
    except SettingsError as exc:  # blamed on the file and line that set the value, or the stack file
        raise StackConfigError(f"{config.origin(exc.key) if exc.key else f'Pulumi.{stack}.yaml'}: {exc}") from None
    return StackTarget(config, settings)


def check_catalog(project_dir: Path, catalog: Optional[Path] = None) -> tuple[Catalog, list[StackTarget]]:
    """Load the catalog for every stack's environment and apply every vendor rule; raise all problems at once."""
    targets = [stack_target(project_dir, stack, catalog) for stack in stacks(project_dir)]
    catalog_dir = catalog.resolve() if catalog else (targets[0].settings.catalog if targets else project_dir / "catalog")
    environments = sorted({t.settings.environment for t in targets})
    loaded = load_catalog(catalog_dir, environments, strict=bool(environments))
    found: dict[tuple[Optional[Location], str, str], list[str]] = {}  # (where, path, message) -> its environments
    for target in targets:
        env = target.settings.environment
        deployment = target.settings.deployment(target.config.project, target.config.stack)
        for service in loaded.for_environment(env):
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
    return loaded, targets
