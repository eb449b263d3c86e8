"""Declares a service's Sentry alert rules (program/sentry_walk.py) as children of its component."""

from __future__ import annotations

from collections.abc import Callable

import pulumi
import pulumiverse_sentry as sentry

from monitors.common.context import Deployment
from monitors.common.declarations import Declaration, Ref
from spec import Service

from .providers import options
from .sentry_walk import declare_service

RESOURCES: dict[str, Callable[..., pulumi.CustomResource]] = {
    "sentry_issue_alert": sentry.SentryIssueAlert,
    "sentry_metric_alert": sentry.SentryMetricAlert,
}


def declare_sentry(
    parent: pulumi.ComponentResource, service: Service, deployment: Deployment, provider: sentry.Provider
) -> dict[str, pulumi.Input[object]]:
    opts = options(parent, provider)

    def declare(declaration: Declaration) -> Ref:
        resource = RESOURCES[declaration.kind](declaration.logical, declaration.args, opts=opts)
        return Ref(id=resource.id, arn=resource.id)

    return declare_service(service, deployment, declare)
