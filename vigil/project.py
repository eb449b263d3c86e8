"""Finding the project, its stacks and catalog, and checking a catalog the way `pulumi up` would see it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from monitors.checks import check_service
from monitors.common.context import Deployment
from spec import Catalog, SpecError, SpecErrors, load_catalog

from .stack_config import StackConfig, read_stack_config, stacks

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
    config: StackConfig
    environment: str
    catalog_dir: Path
    backends: tuple[str, ...]
    production: bool

    def deployment(self) -> Deployment:
        return Deployment(self.config.project, self.config.stack, self.environment, self.production)


def stack_target(project_dir: Path, stack: str, catalog: Optional[Path] = None) -> StackTarget:
    """What the program will read from this stack's config (mirrors program.settings)."""
    import json

    config = read_stack_config(project_dir, stack)
    catalog_dir = (catalog or project_dir / config.get("catalog", "catalog")).resolve()
    values = dict(config.values)
    values[f"{config.project}:catalog"] = str(catalog_dir)
    config = StackConfig(config.project, config.stack, values, config.secret_keys)
    environment = config.get("environment") or stack
    backends = tuple(json.loads(config.get("backends") or '["datadog", "aws"]'))
    production_text = config.get("production")
    production = environment == "prod" if not production_text else production_text == "true"
    return StackTarget(config, environment, catalog_dir, backends, production)


def check_catalog(project_dir: Path, catalog: Optional[Path] = None) -> tuple[Catalog, list[StackTarget]]:
    """Load the catalog for every stack's environment and apply every vendor rule; raise all problems at once."""
    targets = [stack_target(project_dir, stack, catalog) for stack in stacks(project_dir)]
    catalog_dir = catalog.resolve() if catalog else (targets[0].catalog_dir if targets else project_dir / "catalog")
    environments = sorted({t.environment for t in targets})
    loaded = load_catalog(catalog_dir, environments, strict=bool(environments))
    errors: list[SpecError] = []
    for target in targets or []:
        for service in loaded.for_environment(target.environment):
            for violation in check_service(service, target.deployment(), target.backends):
                at = loaded.locate(service.service, target.environment, violation.path)
                errors.append(SpecError(at.location, at.path, f"in environment '{target.environment}': {violation.message}"))
    if errors:
        raise SpecErrors(errors)
    return loaded, targets
