"""One service: its identity, routes, sources, checks, alerts, SLOs, logs and dashboards."""

import re
from typing import Any, Literal, Optional

from pydantic import Field, field_validator, model_validator

from .alerts import Alerts
from .base import SpecModel
from .dashboards import Dashboards
from .grammar import NAME_PATTERN, RESERVED_TAG_KEYS, RUNBOOK_PATTERN, Name, TagKey, TagValue
from .health import HealthCheck
from .logs import Logs
from .routes import Routes, Severity
from .slos import Slo
from .sources import Sources

Backend = Literal["datadog", "aws"]
BACKENDS: tuple[Backend, ...] = ("datadog", "aws")


class Service(SpecModel):
    """A service as one environment sees it: the base spec with that environment's overlay merged in."""

    service: Name = Field(description="Unique across the catalog; used in names, tags and queries")
    team: Name
    description: Optional[str] = None
    backends: Optional[list[Backend]] = Field(
        default=None,
        min_length=1,
        description="Which backends monitor this service, e.g. [datadog]; default: every backend the stack deploys",
    )
    runbook: str = Field(
        pattern=RUNBOOK_PATTERN,
        description="https URL or a path under docs/ in this repository",
    )
    tags: dict[TagKey, TagValue] = Field(default_factory=dict, description="Extra tags; service, team, env are added")
    routes: Routes = Field(default_factory=Routes)
    sources: Sources = Field(default_factory=Sources)
    health_checks: list[HealthCheck] = Field(default_factory=list)
    alerts: Alerts = Field(default_factory=Alerts)
    slos: list[Slo] = Field(default_factory=list)
    logs: Logs
    dashboards: Dashboards = Field(default_factory=Dashboards)

    @field_validator("tags")
    @classmethod
    def _tags(cls, tags: dict[str, str]) -> dict[str, str]:
        reserved = sorted(RESERVED_TAG_KEYS & set(tags))
        if reserved:
            raise ValueError(f"tag keys {', '.join(reserved)} are set by the tool; remove them")
        for key, value in tags.items():
            if len(key) + 1 + len(value) > 200:
                raise ValueError(f"tag {key}:{value} is longer than 200 characters")
        return dict(sorted(tags.items()))

    def monitored_by(self, stack_backends: tuple[Backend, ...]) -> tuple[Backend, ...]:
        """The backends that monitor this service in a stack deploying `stack_backends`: narrowed by `backends`."""
        return tuple(b for b in stack_backends if self.backends is None or b in self.backends)

    @field_validator("backends")
    @classmethod
    def _backends(cls, backends: Optional[list[Backend]]) -> Optional[list[Backend]]:
        if backends is not None and len(set(backends)) != len(backends):
            raise ValueError("backends repeat")
        return backends

    @field_validator("health_checks", "slos")
    @classmethod
    def _unique_names(cls, items: list[Any]) -> list[Any]:
        names = [item.name for item in items]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"names repeat: {', '.join(repeated)}")
        return sorted(items, key=lambda item: item.name)

    @model_validator(mode="after")
    def _routes_defined(self) -> "Service":
        used: dict[Severity, list[str]] = {"page": [], "ticket": []}
        for name, threshold in self.alerts.items():
            if threshold.critical is not None:
                used["page"].append(f"alerts.{name}.critical")
            if threshold.warning is not None:
                used["ticket"].append(f"alerts.{name}.warning")
        for check in self.health_checks:
            used[check.severity].append(f"health_checks.{check.name}")
        for slo in self.slos:
            for tier in slo.burn_rate:
                used[tier.severity].append(f"slos.{slo.name}.burn_rate.{tier.long}")
        for severity, users in used.items():
            if users and self.routes.get(severity) is None:
                raise ValueError(
                    f"route '{severity}' is used by {', '.join(users[:3])}{' …' if len(users) > 3 else ''} "
                    f"but not defined under routes"
                )
        return self


class ServiceFile(Service):
    """A service as written in a catalog file: the base, plus per-environment overlays merged over it."""

    environments: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="Per-environment overlays, merged over the base (maps merge, lists replace, null removes)",
    )

    @field_validator("environments")
    @classmethod
    def _env_names(cls, envs: dict[str, Any]) -> dict[str, Any]:
        for name in envs:
            if not re.fullmatch(NAME_PATTERN, name):
                raise ValueError(f"environment name {name!r} must match {NAME_PATTERN}")
        return envs
