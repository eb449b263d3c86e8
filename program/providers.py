"""Explicit providers, one per vendor and AWS region, configured from stack settings (keys as secrets)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import pulumi
import pulumi_aws as aws
import pulumi_datadog as datadog

from monitors.aws.health_checks import HEALTH_CHECK_REGION  # Route 53's HealthCheckStatus exists only there
from monitors.common.context import Deployment
from spec import Service
from spec.service import BACKENDS

from .settings import StackSettings, secret


@dataclass
class Providers:
    settings: StackSettings
    datadog: Optional[datadog.Provider] = None
    _aws: dict[str, aws.Provider] = field(default_factory=dict)

    def aws(self, region: str) -> aws.Provider:
        if region not in self._aws:
            self._aws[region] = aws.Provider(
                f"aws-{region}",
                region=region,
                default_tags=aws.ProviderDefaultTagsArgs(tags={"managed-by": "vigil"}),
            )
        return self._aws[region]


def make_providers(settings: StackSettings, deployment: Deployment, services: list[Service]) -> Providers:
    """Create every provider the services need up front, in a fixed order, so plans are stable: Datadog when a
    service uses it, AWS per region of the services that use it (and us-east-1 for their health checks)."""
    providers = Providers(settings)
    using = {backend: [s for s in services if backend in deployment.backends_of(s)] for backend in BACKENDS}
    if using["datadog"]:
        providers.datadog = datadog.Provider(
            "datadog",
            api_key=secret("datadogApiKey"),
            app_key=secret("datadogAppKey"),
            api_url=settings.datadog_api_url,
            validate="true" if settings.datadog_validate else "false",
        )
    regions = {deployment.region_of(s) for s in using["aws"]} | ({HEALTH_CHECK_REGION} if any(s.health_checks for s in using["aws"]) else set())
    for region in sorted(regions):
        providers.aws(region)
    return providers


def options(parent: pulumi.Resource, provider: pulumi.ProviderResource, **extra: object) -> pulumi.ResourceOptions:
    return pulumi.ResourceOptions(parent=parent, provider=provider, **extra)  # type: ignore[arg-type]
