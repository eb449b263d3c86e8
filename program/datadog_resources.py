"""Declares a service's Datadog resources as children of its component.

Logical names come from identities: `<service>-<signal>`, `<service>-<slo>-slo`,
`<service>-<slo>-burn-<long window>`, `<service>-health-<check>`, `<service>-dashboard`.
"""

from __future__ import annotations

import pulumi
import pulumi_datadog as datadog

from dashboards.datadog import service_dashboard
from monitors.common.context import Deployment
from monitors.common.runbook import anchor
from monitors.datadog.burn_rates import burn_rate_monitor, tier_key
from monitors.datadog.slos import slo_objective
from monitors.datadog.synthetics import synthetic_test
from monitors.datadog.thresholds import threshold_monitors
from spec import Service

from .providers import options


def declare_datadog(
    parent: pulumi.ComponentResource, service: Service, deployment: Deployment, provider: datadog.Provider
) -> dict[str, pulumi.Input[object]]:
    opts = options(parent, provider)
    out: dict[str, pulumi.Input[object]] = {}
    monitor_ids: dict[str, pulumi.Output[str]] = {}
    for signal, args in threshold_monitors(service, deployment).items():
        monitor = datadog.Monitor(f"{service.service}-{anchor(signal)}", args, opts=opts)
        monitor_ids[signal] = monitor.id
    slo_ids: dict[str, pulumi.Output[str]] = {}
    for slo in service.slos:
        objective_args = slo_objective(service, deployment, slo)
        if objective_args is None:
            continue
        objective = datadog.ServiceLevelObjective(f"{service.service}-{slo.name}-slo", objective_args, opts=opts)
        slo_ids[slo.name] = objective.id
        for tier in slo.burn_rate:
            datadog.Monitor(
                f"{service.service}-{slo.name}-burn-{tier_key(tier)}",
                burn_rate_monitor(service, deployment, slo, tier, objective.id),
                opts=opts,
            )
    for check in service.health_checks:
        test = datadog.SyntheticsTest(f"{service.service}-health-{check.name}", synthetic_test(service, deployment, check), opts=opts)
        out[f"synthetic{check.name.title().replace('-', '')}Id"] = test.id
    if service.dashboards.enabled and service.sources.datadog is not None:
        dashboard = datadog.Dashboard(f"{service.service}-dashboard", service_dashboard(service, deployment, slo_ids), opts=opts)
        out["datadogDashboardUrl"] = dashboard.url
    out["datadogMonitorIds"] = pulumi.Output.all(**monitor_ids) if monitor_ids else {}
    out["datadogSloIds"] = pulumi.Output.all(**slo_ids) if slo_ids else {}
    return out
