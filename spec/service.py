"""One service: its identity, routes, sources, checks, alerts, SLOs, logs and dashboards."""

from typing import Annotated, Any, Literal, Optional

from pydantic import Field, StringConstraints, ValidationInfo, field_validator, model_validator

from .alerts import Alerts, Threshold
from .base import Overlaid, SpecModel
from .custom import RESERVED_NAMES, RESERVED_PREFIXES, CustomAlert
from .dashboards import Dashboards
from .errors import ErrorAt
from .grammar import CUSTOM_ALERT_PATTERN, RESERVED_TAG_KEYS, RUNBOOK_PATTERN, Name, TagKey, TagValue, message_text_problem
from .health import HealthCheck
from .logs import Logs
from .maintenance import MaintenanceWindow
from .routes import Route, Routes, Severity
from .slos import Slo
from .sources import Sources
from .yaml_source import KEY

Backend = Literal["datadog", "aws", "sentry"]
BACKENDS: tuple[Backend, ...] = ("datadog", "aws", "sentry")
# Low traffic: one failed request among a handful is a 20 % error rate. A window holding fewer requests than this does
# not alert on its share of failures (issue 12 item 7): ten, so that one failure alone is at most a 10 % share.
MIN_REQUESTS = 10
# What a stack deploys when `monitoring:backends` is not set: Sentry is opt-in.
DEFAULT_BACKENDS: tuple[Backend, ...] = ("datadog", "aws")


class Service(SpecModel):
    """A service as one environment sees it: the base spec with that environment's overlay merged in."""

    service: Name = Field(description="Unique across the catalog; used in names, tags and queries")
    team: Name = Field(
        description="The owning team; once the catalog declares teams (teams.yaml), one of them: the service inherits its routes and tags"
    )
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
    custom_alerts: dict[Annotated[str, StringConstraints(pattern=CUSTOM_ALERT_PATTERN)], CustomAlert] = Field(
        default_factory=dict, description="Alerts on any metric, by name: its Datadog query and/or CloudWatch metric, and thresholds"
    )
    slos: list[Slo] = Field(default_factory=list)
    min_requests: Annotated[int, Field(ge=0, strict=True)] = Field(
        default=MIN_REQUESTS,
        description="Low traffic: the fewest requests a window must hold for its share of failed (or slow) requests to "
        "alert — the error_rate alert's window and each SLO burn-rate window; 0 for none",
    )
    logs: Logs = Field(default_factory=Logs, description="Its structured JSON logs in CloudWatch; every field has a default (30 days' retention)")
    dashboards: Dashboards = Field(default_factory=Dashboards)
    maintenance: list[MaintenanceWindow] = Field(
        default_factory=list, description="Planned windows when the service's alerts notify nobody (per environment: write them in an overlay)"
    )

    @field_validator("service")
    @classmethod
    def _service(cls, name: str) -> str:
        if name == "readme":  # its page would be docs/services/readme.md: README.md itself where case does not count
            raise ValueError("the name 'readme' is taken: docs/services/README.md is the index of services (the same file on macOS and Windows)")
        return name

    @field_validator("runbook")
    @classmethod
    def _runbook(cls, runbook: str) -> str:
        problem = message_text_problem(runbook)
        if problem:
            raise ValueError(problem)
        return runbook

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

    @field_validator("custom_alerts")
    @classmethod
    def _custom_names(cls, custom: dict[str, CustomAlert]) -> dict[str, CustomAlert]:
        for name in custom:
            if name in Alerts.names():
                raise ErrorAt((name, KEY), f"custom alert '{name}' is named like the alert alerts.{name}: give it another name")
            if name in RESERVED_NAMES or name.startswith(RESERVED_PREFIXES):
                reserved = ", ".join([*RESERVED_NAMES, *(f"{p}…" for p in RESERVED_PREFIXES)])
                raise ErrorAt((name, KEY), f"custom alert '{name}': its name would collide with the service's other resources ({reserved})")
        return dict(sorted(custom.items()))

    def threshold(self, alert: str) -> Optional[Threshold]:
        """A threshold alert by its key: a signal of `alerts`, or a custom alert's name."""
        if alert in Alerts.names():
            found: Optional[Threshold] = getattr(self.alerts, alert)
            return found
        return self.custom_alerts.get(alert)

    def threshold_alerts(self) -> list[tuple[str, Threshold]]:
        """Every threshold alert present: the signals of `alerts` in their fixed order, then custom alerts by name."""
        return [*self.alerts.items(), *self.custom_alerts.items()]

    def monitored_by(self, stack_backends: tuple[Backend, ...]) -> tuple[Backend, ...]:
        """The backends that monitor this service in a stack deploying `stack_backends`: narrowed by `backends`."""
        return tuple(b for b in stack_backends if self.backends is None or b in self.backends)

    @field_validator("backends")
    @classmethod
    def _backends(cls, backends: Optional[list[Backend]]) -> Optional[list[Backend]]:
        if backends is not None and len(set(backends)) != len(backends):
            raise ValueError("backends repeat")
        return backends

    @field_validator("health_checks", "slos", "maintenance")
    @classmethod
    def _unique_names(cls, items: list[Any]) -> list[Any]:
        first: dict[str, int] = {}
        for index, item in enumerate(items):  # at the second one's name
            if item.name in first:
                raise ErrorAt((index, "name"), f"names repeat: {item.name} (also item {first[item.name]}'s name)")
            first[item.name] = index
        return sorted(items, key=lambda item: item.name)

    def alert_route(self, signal: str, level: str) -> tuple[Severity, Optional[Route]]:
        """Whom one level of an alert notifies: its severity (priority, roll-ups) and the route it reaches — the
        alert's own targets when it names them, else the service's route of that severity (maybe its team's)."""
        threshold = self.threshold(signal)
        assert threshold is not None, f"{signal} is no alert of {self.service}"
        severity = threshold.severity(level)
        return severity, threshold.own_route or self.routes.get(severity)

    def routes_used(self) -> dict[Severity, list[str]]:
        """Which parts of the spec notify each of the service's routes (alerts with targets of their own use none)."""
        used: dict[Severity, list[str]] = {"page": [], "ticket": []}
        for name, threshold in self.threshold_alerts():
            if threshold.own_route is None:
                where = "alerts" if name in Alerts.names() else "custom_alerts"
                for level, _ in threshold.levels():
                    used[threshold.severity(level)].append(f"{where}.{name}.{level}")
        for check in self.health_checks:
            used[check.severity].append(f"health_checks.{check.name}")
        for slo in self.slos:
            for tier in slo.burn_rate:
                used[tier.severity].append(f"slos.{slo.name}.burn_rate.{tier.long}")
        sentry = self.sources.sentry
        if sentry is not None:
            for key, rule in (("new_issues", sentry.new_issues), ("regressions", sentry.regressions)):
                if rule.enabled and rule.own_route is None:
                    used[rule.severity].append(f"sources.sentry.{key}")
            if sentry.errors.enabled and sentry.errors.own_route is None:
                for level, _ in sentry.errors.levels():
                    used[sentry.errors.severity(level)].append(f"sources.sentry.errors.{level}")
        return used

    def all_routes(self) -> list[Route]:
        """Every route its monitors and alarms may notify: the service's routes, then the alerts' own (Sentry's alerts
        read only the Sentry targets of theirs)."""
        found = [route for route in (self.routes.page, self.routes.ticket) if route is not None]
        return found + [t.own_route for _, t in self.threshold_alerts() if t.own_route is not None]

    @model_validator(mode="after")
    def _routes_defined(self, info: ValidationInfo) -> "Service":
        context = info.context or {}
        if context.get("team_invalid"):
            return self  # its team's own problems are reported; its routes are unknown until they are fixed
        team = context.get("team")
        for severity, users in self.routes_used().items():
            if users and self.routes.get(severity) is None:
                nor = f", nor by team '{team}'" if team else ""
                raise ValueError(
                    f"route '{severity}' is used by {', '.join(users[:3])}{' …' if len(users) > 3 else ''} "
                    f"but not defined under routes{nor}"
                )
        return self


class ServiceFile(Service, Overlaid):
    """A service as written in a catalog file: the base, plus per-environment overlays merged over it."""
