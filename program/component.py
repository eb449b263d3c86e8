"""One ComponentResource per service; every monitoring resource of the service is its child."""

from __future__ import annotations

import pulumi

from monitors.common.context import Deployment
from spec import Service

from .aws_resources import declare_aws
from .datadog_resources import declare_datadog
from .providers import Providers


class ServiceMonitoring(pulumi.ComponentResource):
    def __init__(self, service: Service, deployment: Deployment, providers: Providers) -> None:
        super().__init__("vigil:index:ServiceMonitoring", service.service, None, None)
        outputs: dict[str, pulumi.Input[object]] = {}
        if providers.datadog is not None:
            outputs.update(declare_datadog(self, service, deployment, providers.datadog))
        if providers.settings.uses("aws"):
            region = deployment.region_of(service)
            outputs.update(declare_aws(self, service, deployment, providers, region))
        self.register_outputs(outputs)
