"""One ComponentResource per service; every monitoring resource of the service is its child."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import pulumi

from monitors.common.context import Deployment
from spec import Service

from .aws_resources import declare_aws
from .datadog_resources import declare_datadog
from .outputs import stack_reader
from .providers import Providers
from .sentry_resources import declare_sentry

TYPE = "vigil:index:ServiceMonitoring"


@dataclass(frozen=True)
class ServiceMonitoringArgs:
    service: Service  # as the stack's environment sees it
    deployment: Deployment
    providers: Providers  # children use these explicitly: one Datadog provider, one Sentry, one AWS per account and region


class ServiceMonitoring(pulumi.ComponentResource):
    """`ServiceMonitoring(name, args, opts)` like every Pulumi component: `opts` may carry aliases (a renamed
    service keeps its resources), `protect` (children inherit it) or a parent; the logical name is the service's."""

    def __init__(self, name: str, args: ServiceMonitoringArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__(TYPE, name, None, opts)
        service, deployment, providers = args.service, args.deployment, args.providers
        outputs: dict[str, pulumi.Input[object]] = {}
        backends = deployment.backends_of(service)
        read = stack_reader(self, service)  # another stack's outputs, for CloudWatch's dimensions and Datadog's queries alike
        if "datadog" in backends:
            assert providers.datadog is not None, "make_providers creates it for every service using Datadog"
            outputs.update(declare_datadog(self, service, deployment, providers.datadog, read))
        if "aws" in backends:
            outputs.update(declare_aws(self, service, deployment, providers, deployment.region_of(service), read))
        if "sentry" in backends and service.sources.sentry is not None:
            assert providers.sentry is not None, "make_providers creates it for every service Sentry alerts on"
            outputs.update(declare_sentry(self, service, deployment, providers.sentry))
        self.register_outputs(outputs)
