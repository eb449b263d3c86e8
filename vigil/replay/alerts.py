"""Alert ids: which plan resources realise each alert a scenario names, and whom each of them tells.

The ids are the spec's: a threshold alert by its key (`error_rate`, or a custom alert's name), `health.<check>`, `slo.<name>` (every tier),
`slo.<name>.page` and `slo.<name>.ticket` (the tiers of that severity), `service_unhealthy`. The mapping comes from the
program itself: the same walks `pulumi up` runs (program/*_walk.py, recorded with stand-ins as the rule checks do)
say which spec alert every declaration realises (`Declaration.alert`), under the logical name the plan shows. No
name or display text is guessed.

Levels and routes: a spec's critical thresholds page and its warnings open tickets (a Datadog monitor with only a
warning alerts at the ticket route); a health check and a burn-rate tier notify their own severity's route. So
`critical` and `page` are one level, `warning` and `ticket` the other. A Datadog monitor's No Data notification
reaches the handles its message renders for No Data, which vigil's messages make the alert level's: it counts as
firing at that level (missing data is a failure mode there: docs/replay.md). `service_unhealthy` notifies nobody
itself (deployment tooling watches it): it fires when it enters ALARM.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Optional

from monitors.common.context import Deployment
from monitors.common.declarations import AlertOf, Declaration
from program.checks import recorded_aws, recorded_datadog
from spec import Service
from spec.routes import Severity

from .errors import ReplayError
from .timeline import Backend, Level

ROLL_UP = "service_unhealthy"
BACKENDS: tuple[Backend, ...] = ("datadog", "aws")
LEVEL_ROUTE: dict[str, Severity] = {"critical": "page", "warning": "ticket"}
ROUTE_OF: dict[str, Optional[Severity]] = {"critical": "page", "page": "page", "warning": "ticket", "ticket": "ticket", "any": None}


@dataclass(frozen=True)
class AlertPart:
    """One plan resource of an alert on one backend, and the route each of its notifications reaches."""

    resource: str  # the plan's logical name
    backend: Backend
    alert: str  # error_rate, health.<check>, slo.<name>, service_unhealthy
    routes: Mapping[Level, Severity]  # notification level -> route (alert, warning, no_data)
    tier: Optional[str] = None  # a burn-rate tier's long window
    by_state: Optional[Severity] = None  # fires by entering its alert state (a roll-up that tells nobody itself)
    window: Optional[str] = None  # long or short: a CloudWatch tier's silent window alarm, judged through its tier

    @property
    def severity(self) -> Severity:
        """The route of its alert level."""
        return self.by_state or self.routes["alert"]


@dataclass(frozen=True)
class AlertIndex:
    """Every alert part the plan deploys for one service."""

    service: str
    parts: tuple[AlertPart, ...]

    def ids(self) -> list[str]:
        """Every alert id a scenario may name for this service."""
        found: dict[str, None] = {}
        for part in self.parts:
            found[part.alert] = None
            if part.alert.startswith("slo.") and part.window is None:
                found[f"{part.alert}.{part.severity}"] = None
        return sorted(found)

    def composite(self, alert: str, severity: str, backend: Backend) -> Optional[AlertPart]:
        """The composite that notifies for an SLO's tiers of one severity on a backend (Datadog), if any."""
        return next((p for p in self.select(f"{alert}.{severity}", backend) if p.tier is None), None)

    def select(self, alert: str, backend: Optional[Backend] = None) -> list[AlertPart]:
        """The judged parts of an alert id (every tier of `slo.<name>`; the tiers of one severity for `.page`)."""
        base, severity = alert, None
        for route in ("page", "ticket"):
            if alert.endswith(f".{route}") and alert.startswith("slo."):
                base, severity = alert[: -len(route) - 1], route
        return [
            p
            for p in self.parts
            if p.alert == base and p.window is None and (severity is None or p.severity == severity) and (backend is None or p.backend == backend)
        ]

    def backends(self, alert: str) -> tuple[Backend, ...]:
        found = {p.backend for p in self.select(alert)}
        return tuple(b for b in BACKENDS if b in found)

    def resources(self, alerts: Iterable[str], backend: Optional[Backend] = None) -> set[str]:
        """The resources behind alert ids (on one backend), silent window alarms included (a tier's composite reads them)."""
        out: set[str] = set()
        for alert in alerts:
            for part in self.select(alert, backend):
                out.add(part.resource)
                out |= {p.resource for p in self.parts if p.alert == part.alert and p.tier == part.tier and p.backend == part.backend}
        return out


def _part(service: Service, declaration: Declaration, backend: Backend, alert: AlertOf) -> AlertPart:
    name = declaration.logical
    if alert.id == ROLL_UP:
        return AlertPart(name, backend, alert.id, {}, by_state="page")
    if alert.id.startswith("health."):
        check = next(c for c in service.health_checks if f"health.{c.name}" == alert.id)
        return AlertPart(name, backend, alert.id, {"alert": check.severity})
    if alert.id.startswith("slo.") and alert.tier is None and alert.level in LEVEL_ROUTE.values():
        # the composite over the SLO's tiers of one severity (Datadog): it notifies for them, once
        return AlertPart(name, backend, alert.id, {"alert": alert.level})  # type: ignore[dict-item]  # a Severity, checked above
    if alert.id.startswith("slo."):
        slo = next(s for s in service.slos if f"slo.{s.name}" == alert.id)
        tier = next(t for t in slo.burn_rate if str(t.long) == alert.tier)
        return AlertPart(name, backend, alert.id, {"alert": tier.severity}, tier=alert.tier, window=alert.window)
    if alert.signal is None:  # every threshold alert's declaration carries it (a signal of `alerts`, or a custom alert)
        raise ReplayError(f"{declaration.logical} realises {alert.id!r}, which is no alert the replay knows")
    if alert.level is not None:  # an alarm per level
        return AlertPart(name, backend, alert.id, {"alert": LEVEL_ROUTE[alert.level]})
    top: Severity = "page" if alert.signal.threshold.critical is not None else "ticket"  # a monitor's Alert is its highest level
    return AlertPart(name, backend, alert.id, {"alert": top, "warning": "ticket", "no_data": top})


def alert_index(service: Service, deployment: Deployment, deployed: Iterable[str]) -> AlertIndex:
    """The service's alert parts, from the program's own walks, kept to the resources the plan holds (`deployed`)."""
    present = set(deployed)
    backends = deployment.backends_of(service)
    walks: list[tuple[Backend, list[Declaration]]] = []
    if "datadog" in backends:
        walks.append(("datadog", recorded_datadog(service, deployment)))
    if "aws" in backends:
        walks.append(("aws", recorded_aws(service, deployment)))
    parts = [
        _part(service, d, backend, d.alert)
        for backend, declarations in walks
        for d in declarations
        if d.alert is not None and d.logical in present
    ]
    return AlertIndex(service.service, tuple(sorted(parts, key=lambda p: (p.alert, p.tier or "", p.backend, p.resource))))
