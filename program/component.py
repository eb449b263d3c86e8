"""One ComponentResource per service; every monitoring resource of the service is its child."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws
import pulumi_datadog as datadog

from monitors.aws.logs import log_group_args
from monitors.common.context import Deployment
from monitors.datadog.thresholds import error_rate_monitor
from spec import Service

from .providers import Providers, options


class ServiceMonitoring(pulumi.ComponentResource):
    def __init__(self, service: Service, deployment: Deployment, providers: Providers) -> None:
        super().__init__("vigil:index:ServiceMonitoring", service.service, None, None)
        self.service = service
        self.deployment = deployment
        outputs: dict[str, pulumi.Input[object]] = {}
        if providers.datadog is not None:
            outputs.update(self._datadog(providers.datadog))
        if providers.settings.uses("aws"):
            region = service.sources.aws.region if service.sources.aws else providers.settings.aws_region
            outputs.update(self._aws(providers, region))
        self.register_outputs(outputs)

    def _datadog(self, provider: datadog.Provider) -> dict[str, pulumi.Input[object]]:
        svc, dep = self.service, self.deployment
        out: dict[str, pulumi.Input[object]] = {}
        if svc.sources.datadog is not None and svc.alerts.error_rate is not None:
            monitor = datadog.Monitor(
                f"{svc.service}-error-rate", error_rate_monitor(svc, dep), opts=options(self, provider)
            )
            out["errorRateMonitorId"] = monitor.id
        return out

    def _aws(self, providers: Providers, region: str) -> dict[str, pulumi.Input[object]]:
        svc, dep = self.service, self.deployment
        log_group = aws.cloudwatch.LogGroup(
            f"{svc.service}-logs",
            log_group_args(svc, dep),
            opts=options(self, providers.aws(region), protect=dep.production, retain_on_delete=True),
        )
        return {"logGroupName": log_group.name}
