"""Declares a service's Datadog resources (program/datadog_walk.py) as children of its component, by type token
(program/registry.py)."""

from __future__ import annotations

import pulumi

from monitors.common.context import Deployment
from monitors.common.declarations import Declaration, Ref
from spec import Service

from . import inputs, registry
from .datadog_walk import declare_service
from .outputs import Reader, with_outputs
from .providers import options

RESOURCES = inputs.RESOURCES  # one table of what each kind registers as


def declare_datadog(
    parent: pulumi.ComponentResource, service: Service, deployment: Deployment, provider: pulumi.ProviderResource, read: Reader
) -> dict[str, pulumi.Input[object]]:
    """`read`: another stack's outputs, whose placeholders in queries become their values (program/outputs.py)."""
    opts = options(parent, provider)

    def declare(declaration: Declaration) -> Ref:
        resource = registry.register(RESOURCES[declaration.kind], declaration.logical, with_outputs(declaration.args, read), opts)
        return Ref(id=resource.id, arn=resource.id, url=getattr(resource, "url", None))

    return declare_service(service, deployment, declare)
