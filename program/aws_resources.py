"""Declares a service's CloudWatch resources as children of its component."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from monitors.aws.logs import log_group_args
from monitors.common.context import Deployment
from spec import Service

from .providers import Providers, options


def declare_aws(
    parent: pulumi.ComponentResource, service: Service, deployment: Deployment, providers: Providers, region: str
) -> dict[str, pulumi.Input[object]]:
    # Logs are data: never deleted with the spec (retained), and protected in production.
    log_group = aws.cloudwatch.LogGroup(
        f"{service.service}-logs",
        log_group_args(service, deployment),
        opts=options(parent, providers.aws(region), protect=deployment.production, retain_on_delete=True),
    )
    return {"logGroupName": log_group.name}
