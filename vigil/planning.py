"""Plan a stack offline: check the catalog, stand in for absent secrets, run the program under mocks."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Optional

from program.settings import required_secrets, stack_outputs

from .engine import SECRET, Plan, run_offline
from .project import check_catalog, stack_target
from .stack_config import StackConfig


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


def plan_stack(project_dir: Path, stack: str, catalog: Optional[Path] = None) -> Plan:
    import program

    catalog_obj, _ = check_catalog(project_dir, catalog)
    target = stack_target(project_dir, stack, catalog)
    services = catalog_obj.for_environment(target.settings.environment)
    secrets = required_secrets(target.settings, services)
    return run_offline(program.run, offline_config(target.config, secrets), project_dir, stack_outputs(services))
