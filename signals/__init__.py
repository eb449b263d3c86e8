"""The signal registry: every alert signal defined once, in one module per family.

A family module (`http`, `compute`, `datastores`, `logs`, ...) lists its `SIGNALS`: what each watches, its
dashboard section, the docs' words, and how Datadog and CloudWatch measure it (or why one cannot); for the alert
replay, its `SERIES` and what the vendors receive for them (`published`) — the `Family` protocol. The spec's
alert fields (`spec.alerts.Alerts`) name the same signals; monitors, alarms, dashboards, vendor rules and docs
all read them from here. Adding a signal: its spec field, one entry in its family, tests (docs/architecture.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Protocol

from spec import Service
from spec.alerts import Alerts, Threshold

from . import compute, custom, datastores, functions, gateways, health, http, logs, queues, tables
from .cloudwatch import AwsScope
from .model import Backend, Publication, Series, Signal


class Family(Protocol):
    """What a family module defines, checked by mypy on `FAMILIES` (a missing or misspelt name is a type error, never
    a family silently left out): its signals, the replay's series that drive them, and what the vendors receive."""

    @property
    def SIGNALS(self) -> tuple[Signal, ...]: ...

    @property
    def SERIES(self) -> tuple[Series, ...]: ...

    def published(self, scope: AwsScope) -> list[Publication]:
        """Everything the vendors receive for the family's series, for one service (metrics, log lines, probed URLs)."""
        ...


FAMILIES: tuple[Family, ...] = (http, compute, datastores, logs, health, queues, functions, gateways, tables, custom)
_DEFINED = {signal.name: signal for family in FAMILIES for signal in family.SIGNALS}
# In the spec's order: the order monitors, alarms and docs sections come in.
REGISTRY: dict[str, Signal] = {name: _DEFINED[name] for name in Alerts.names() if name in _DEFINED}
# The alert replay's series (docs/replay.md), family by family: what a scenario sets.
SERIES: dict[str, Series] = {series.name: series for family in FAMILIES for series in family.SERIES}


def signal(name: str) -> Signal:
    return REGISTRY[name]


@dataclass(frozen=True)
class AlertSignal:
    """One threshold alert of a service with its signal: a registry signal under `alerts.<key>`, or a custom alert's own
    under `custom_alerts.<key>`. Builders, rules, docs and the replay walk these, never the two spec maps apart."""

    key: str  # the alert id: the signal's name or the custom alert's
    signal: Signal
    threshold: Threshold
    path: tuple[str, str]  # where the spec writes it: ("alerts", key) or ("custom_alerts", key)


def alert_signals(service: Service) -> list[AlertSignal]:
    """Every threshold alert of the service, in a fixed order: the spec's signals, then custom alerts by name."""
    out = [AlertSignal(name, REGISTRY[name], threshold, ("alerts", name)) for name, threshold in service.alerts.items()]
    out += [AlertSignal(name, custom.custom_signal(name, alert), alert, ("custom_alerts", name)) for name, alert in service.custom_alerts.items()]
    return out


def alert_signal(service: Service, key: str) -> Optional[AlertSignal]:
    """One threshold alert of the service by its id, or None when it has none of that name: for what starts from an id
    (a test, a scenario's `alert:`); the builders, rules and walks pass the `AlertSignal` itself, never its id."""
    return next((found for found in alert_signals(service) if found.key == key), None)


@dataclass(frozen=True)
class Graphed:
    """A signal a service's dashboards draw: one it alerts on (its threshold drawn as lines), or one its
    `dashboards.graphs` asks for without an alert (`threshold` None)."""

    key: str
    signal: Signal
    threshold: Optional[Threshold]


def graphed_signals(service: Service) -> list[Graphed]:
    """What the service's dashboards draw, in the registry's order (custom alerts last): the signals it alerts on and
    those `dashboards.graphs` asks for — nothing else, however many sources the service has."""
    alerts = {alert.key: alert for alert in alert_signals(service)}
    asked = set(service.dashboards.graphs)
    out = [Graphed(name, signal, alerts[name].threshold if name in alerts else None) for name, signal in REGISTRY.items() if name in alerts or name in asked]
    return out + [Graphed(a.key, a.signal, a.threshold) for a in alerts.values() if a.path[0] == "custom_alerts"]


def service_signals(service: Service) -> dict[str, Signal]:
    """The registry's signals and the service's custom alerts' signals, by name."""
    return {**REGISTRY, **{name: custom.custom_signal(name, alert) for name, alert in service.custom_alerts.items()}}


def publications(scope: AwsScope) -> list[Publication]:
    """Everything the vendors receive for one service's series (metrics, log lines, probed URLs), every family's."""
    return [p for family in FAMILIES for p in family.published(scope)]


def assumed_outputs(service: Service) -> tuple[functions.Assumed, ...]:
    """Other stacks' outputs whose numbers only the deployed stack knows, as the replay assumes them (today the
    function's timeout: functions.assumed)."""
    return functions.assumed(service)


__all__ = [
    "FAMILIES",
    "REGISTRY",
    "SERIES",
    "AlertSignal",
    "Backend",
    "Family",
    "Graphed",
    "Publication",
    "Series",
    "Signal",
    "alert_signal",
    "alert_signals",
    "assumed_outputs",
    "graphed_signals",
    "publications",
    "service_signals",
    "signal",
]
