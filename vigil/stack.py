"""A stack, resolved once: its config as the engine hands it to the program, the settings parsed from it, the
deployment they describe, and the services it deploys as its environment sees them.

    target = stack_target(project_dir, "prod")   # its files read: config and settings (before the catalog)
    stack = Stack.of(target, catalog)            # resolved: the services it deploys, its deployment

`vigil.project` resolves every stack of a project against one catalog and checks them (selections, vendor rules);
`vigil.planning` plans one; `vigil stacks`, docs, diff and the replay read them. Nothing reads a stack's config,
settings or selection anywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from spec import Catalog, Service

from .stack_config import StackConfig, StackConfigError, read_stack_config

if TYPE_CHECKING:
    from monitors.common.context import Deployment
    from program.settings import StackSettings

# `program` (the builders and rules) is imported where it is used, so that commands
# which only find the project (`vigil diff`'s own process) stay quick.


@dataclass(frozen=True)
class StackTarget:
    """A stack's files read: its config values and the settings parsed from them (the catalog not read yet)."""

    config: StackConfig
    settings: StackSettings

    @property
    def stack(self) -> str:
        return self.config.stack

    @property
    def deployment(self) -> Deployment:
        return self.settings.deployment(self.config.project, self.config.stack)


def catalog_dir(project_dir: Path, config: StackConfig, catalog: Optional[Path] = None) -> Path:
    """The catalog folder a stack reads: `catalog` (`--catalog`), else its `monitoring:catalog` from the project."""
    return (catalog or project_dir / config.get("catalog", "catalog")).resolve()


def stack_target(project_dir: Path, stack: str, catalog: Optional[Path] = None) -> StackTarget:
    """Read `Pulumi.<stack>.yaml` (and `Pulumi.yaml`'s defaults) and parse the settings; `catalog` overrides the
    stack's `monitoring:catalog`. A bad value is blamed on the file and line that set it."""
    from program.settings import SettingsError, parse_settings

    config = read_stack_config(project_dir, stack)
    values = {**config.values, f"{config.project}:catalog": str(catalog_dir(project_dir, config, catalog))}
    config = replace(config, values=values)
    try:
        settings = parse_settings(lambda key: config.values.get(f"{config.project}:{key}"), stack)
    except SettingsError as exc:  # each blamed on the file and line that set the value, or the stack file
        raise StackConfigError(*(f"{config.origin(p.key) if p.key else f'Pulumi.{stack}.yaml'}: {p}" for p in exc.problems)) from None
    return StackTarget(config, settings)


@dataclass(frozen=True, eq=False)
class Stack:
    """One stack as `pulumi up` would deploy it: its config and settings, its deployment, the catalog it was resolved
    against and the services it deploys (its `monitoring:teams` / `monitoring:services`; all by default), in
    catalog order, as its environment sees them."""

    config: StackConfig
    settings: StackSettings
    deployment: Deployment
    catalog: Catalog = field(repr=False)
    services: tuple[Service, ...]

    @classmethod
    def of(cls, target: StackTarget, catalog: Catalog) -> Stack:
        from program.selection import selects

        environment = target.settings.environment
        found = catalog.services.get(environment, {})
        services = tuple(found[name] for name in sorted(found) if selects(target.settings, found[name]))
        return cls(target.config, target.settings, target.deployment, catalog, services)

    @property
    def name(self) -> str:
        return self.config.stack

    @property
    def environment(self) -> str:
        return self.settings.environment

    def service_names(self) -> list[str]:
        return [s.service for s in self.services]
