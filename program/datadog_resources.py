"""Declares a service's Datadog resources as children of its component."""

from __future__ import annotations

import pulumi
import pulumi_datadog as datadog

from monitors.common.context import Deployment
from monitors.datadog.thresholds import error_rate_monitor
from spec import Service

from .providers import options


def declare_datadog(
    parent: pulumi.ComponentResource, service: Service, deployment: Deployment, provider: datadog.Provider
) -> dict[str, pulumi.Input[object]]:
    out: dict[str, pulumi.Input[object]] = {}
    if service.sources.datadog is not None and service.alerts.error_rate is not None:
        monitor = datadog.Monitor(
            f"{service.service}-error-rate", error_rate_monitor(service, deployment), opts=options(parent, provider)
        )
        out["errorRateMonitorId"] = monitor.id
    return out
