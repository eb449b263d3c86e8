"""The whole Datadog side of one service, in declaration order, handed to a `declare` callback.

The program passes a callback that creates resources (program/datadog_resources.py); the rule checker passes one
that records the arguments and returns stand-ins (program/checks.py). Same walk, same arguments.

Logical names come from identities: `<service>-<signal>`, `<service>-<slo>-slo`,
`<service>-<slo>-burn-<long window>`, `<service>-health-<check>`, `<service>-maintenance-<window>`, `<service>-dashboard`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dashboards.datadog import service_dashboard
from monitors.common.context import Deployment
from monitors.common.declarations import AlertOf, Declaration, Declare
from monitors.common.runbook import anchor
from monitors.datadog.burn_rates import (
    composite_logical,
    composited,
    slo_traffic_monitor,
    tier_logical,
    tier_monitor,
    tiers_composite,
    traffic_logical,
    traffic_window,
    traffic_windows,
)
from monitors.datadog.downtimes import downtime_args
from monitors.datadog.slos import slo_objective
from monitors.datadog.synthetics import synthetic_test
from monitors.datadog.thresholds import guard_logicals, guarded_composite, threshold_monitor, traffic_monitor
from signals import alert_signals
from spec import Service
from spec.routes import Severity
from spec.slos import BurnRateTier

if TYPE_CHECKING:
    import pulumi


def declare_service(service: Service, deployment: Deployment, declare: Declare) -> dict[str, pulumi.Input[object]]:
    """Declare everything; returns the component's outputs."""
    out: dict[str, pulumi.Input[object]] = {}
    monitor_ids: dict[str, pulumi.Input[str]] = {}
    for alert in alert_signals(service):
        args = threshold_monitor(service, deployment, alert)
        if args is None:  # Datadog cannot measure it for this service (measurability says so at its line)
            continue
        realises = AlertOf.threshold(alert)
        declaration = Declaration("monitor", f"{service.service}-{anchor(alert.key)}", args, None, alert.path, alert=realises)
        monitor_ids[alert.key] = declare(declaration).id
        traffic = traffic_monitor(service, deployment, alert)
        if traffic is not None:  # quiet at low traffic: a composite with its traffic notifies
            traffic_name, composite_name = guard_logicals(service, alert)
            traffic_id = declare(Declaration("monitor", traffic_name, traffic, None, ("min_requests", alert.key), alert=realises)).id
            guarded = guarded_composite(service, deployment, alert, monitor_ids[alert.key], traffic_id)
            reads = (declaration.logical, traffic_name)
            declare(Declaration("monitor", composite_name, guarded, None, ("min_requests", alert.key), reads, alert=realises))
    slo_ids: dict[str, pulumi.Input[str]] = {}
    for slo in service.slos:
        objective_args = slo_objective(service, deployment, slo)
        if objective_args is None:
            continue
        path = ("slos", slo.name)
        slo_id = declare(Declaration("slo", f"{service.service}-{slo.name}-slo", objective_args, None, path)).id
        slo_ids[slo.name] = slo_id
        composites = composited(service, slo)
        members: dict[Severity, list[tuple[BurnRateTier, pulumi.Input[str]]]] = {}
        for tier in slo.burn_rate:
            through = composite_logical(service, slo, tier.severity) if tier.severity in composites else None
            monitor = tier_monitor(service, deployment, slo, tier, slo_id, through)
            logical = tier_logical(service, slo, tier)
            tier_of = AlertOf(f"slo.{slo.name}", tier=str(tier.long))
            ref = declare(Declaration("monitor", logical, monitor, None, (*path, "burn_rate", str(tier.long)), alert=tier_of))
            members.setdefault(tier.severity, []).append((tier, ref.id))
        requests: dict[str, pulumi.Input[str]] = {}  # low traffic: the requests in each tier's short window, by window
        for span in traffic_windows(service, slo):
            counting = slo_traffic_monitor(service, deployment, slo, span)
            requests[span] = declare(Declaration("monitor", traffic_logical(service, slo, span), counting, None, ("min_requests", f"slo.{slo.name}"))).id
        for severity in composites:  # one page (one ticket) for one problem: a composite over the severity's tiers
            ordered = sorted(members[severity], key=lambda m: m[0].long.ms)
            args = tiers_composite(service, deployment, slo, severity, ordered, requests)
            spans = dict.fromkeys(w for w in (traffic_window(service, slo, t) for t, _ in ordered) if w is not None)
            depends = tuple(tier_logical(service, slo, t) for t, _ in ordered) + tuple(traffic_logical(service, slo, w) for w in spans)
            composite_of = AlertOf(f"slo.{slo.name}", level=severity)
            declare(Declaration("monitor", composite_logical(service, slo, severity), args, None, (*path, "burn_rate"), depends, alert=composite_of))
    for check in service.health_checks:
        test = synthetic_test(service, deployment, check)
        health = AlertOf(f"health.{check.name}")
        ref = declare(Declaration("synthetic", f"{service.service}-health-{check.name}", test, None, ("health_checks", check.name), alert=health))
        out[f"synthetic{check.name.title().replace('-', '')}Id"] = ref.id
    for window in service.maintenance:
        if "datadog" in (window.backends or ("datadog",)):
            logical = f"{service.service}-maintenance-{window.name}"
            declare(Declaration("downtime", logical, downtime_args(service, deployment, window), None, ("maintenance", window.name)))
    if service.dashboards.enabled and service.sources.datadog is not None:
        dashboard = service_dashboard(service, deployment, slo_ids)
        out["datadogDashboardUrl"] = declare(Declaration("datadog_dashboard", f"{service.service}-dashboard", dashboard, None, ("dashboards",))).url
    out["datadogMonitorIds"] = monitor_ids
    out["datadogSloIds"] = slo_ids
    return out
