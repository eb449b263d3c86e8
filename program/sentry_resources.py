"""Declares a service's Sentry alert rules (program/sentry_walk.py) as children of its component, by type token
(program/registry.py)."""

from __future__ import annotations

import pulumi

from monitors.common.context import Deployment
from monitors.common.declarations import Declaration, Ref
from spec import Service

from . import inputs, registry
from .providers import options
from .sentry_walk import declare_service

RESOURCES = inputs.RESOURCES  # one table of what each kind registers as


def declare_sentry(
    parent: pulumi.ComponentResource, service: Service, deployment: Deployment, provider: pulumi.ProviderResource
) -> dict[str, pulumi.Input[object]]:
    opts = options(parent, provider)

    def declare(declaration: Declaration) -> Ref:
        resource = registry.register(RESOURCES[declaration.kind], declaration.logical, declaration.args, opts)
        return Ref(id=resource.id, arn=resource.id)

    return declare_service(service, deployment, declare)
