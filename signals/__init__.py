"""The signal registry: every alert signal defined once, in one module per family.

A family module (`http`, `compute`, `datastores`, `logs`, ...) lists its `SIGNALS`: what each watches, its
dashboard section, the docs' words, and how Datadog and CloudWatch measure it (or why one cannot). The spec's
alert fields (`spec.alerts.Alerts`) name the same signals; monitors, alarms, dashboards, vendor rules and docs
all read them from here. Adding a signal: its spec field, one entry in its family, tests (docs/architecture.md).
"""

from __future__ import annotations

from spec.alerts import Alerts

from . import compute, datastores, health, http, logs
from .cloudwatch import AwsScope
from .model import Backend, Publication, Series, Signal

FAMILIES = (http, compute, datastores, logs, health)
_DEFINED = {signal.name: signal for family in FAMILIES for signal in family.SIGNALS}
# In the spec's order: the order monitors, alarms and docs sections come in.
REGISTRY: dict[str, Signal] = {name: _DEFINED[name] for name in Alerts.names() if name in _DEFINED}
# The alert replay's series (docs/replay.md), family by family: what a scenario sets.
SERIES: dict[str, Series] = {series.name: series for family in FAMILIES for series in getattr(family, "SERIES", ())}


def signal(name: str) -> Signal:
    return REGISTRY[name]


def publications(scope: AwsScope) -> list[Publication]:
    """Everything the vendors receive for one service's series (metrics, log lines, probed URLs), every family's."""
    return [p for family in FAMILIES if hasattr(family, "published") for p in family.published(scope)]


__all__ = ["FAMILIES", "REGISTRY", "SERIES", "Backend", "Publication", "Series", "Signal", "publications", "signal"]
