"""Declares a service's Datadog resources (program/datadog_walk.py) as children of its component."""

from __future__ import annotations

from collections.abc import Callable

import pulumi
import pulumi_datadog as datadog

from monitors.common.context import Deployment
from monitors.common.declarations import Declaration, Ref
from spec import Service

from .datadog_walk import declare_service
from .outputs import Reader, with_outputs
from .providers import options

RESOURCES: dict[str, Callable[..., pulumi.CustomResource]] = {
    "monitor": datadog.Monitor,
    "slo": datadog.ServiceLevelObjective,
    "synthetic": datadog.SyntheticsTest,
    "datadog_dashboard": datadog.Dashboard,
    "downtime": datadog.DowntimeSchedule,
}


def declare_datadog(
    parent: pulumi.ComponentResource, service: Service, deployment: Deployment, provider: datadog.Provider, read: Reader
) -> dict[str, pulumi.Input[object]]:
    """`read`: another stack's outputs, whose placeholders in queries become their values (program/outputs.py)."""
    opts = options(parent, provider)

    def declare(declaration: Declaration) -> Ref:
        resource = RESOURCES[declaration.kind](declaration.logical, with_outputs(declaration.args, read), opts=opts)
        return Ref(id=resource.id, arn=resource.id, url=getattr(resource, "url", None))

    return declare_service(service, deployment, declare)
