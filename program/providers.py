"""Explicit providers, one per vendor and AWS account and region, configured from stack settings (keys as secrets)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import pulumi

from monitors.aws import sdk as aws
from monitors.aws.health_checks import HEALTH_CHECK_REGION  # Route 53's HealthCheckStatus exists only there
from monitors.common.context import Deployment
from monitors.datadog import sdk as datadog
from monitors.sentry import sdk as sentry
from spec import Service
from spec.service import BACKENDS
from spec.sources import AwsAccount

from . import registry
from .settings import StackSettings, secret


def aws_provider_name(region: str, account: Optional[AwsAccount] = None) -> str:
    """`aws-eu-west-1` for the stack's own credentials (as ever); `aws-123456789012-eu-west-1` in another account."""
    return f"aws-{account.id}-{region}" if account is not None else f"aws-{region}"


@dataclass
class Providers:
    """The stack's providers, registered by type token as their SDKs' `Provider` classes would (program/registry.py)."""

    settings: StackSettings
    datadog: Optional[pulumi.ProviderResource] = None
    _aws: dict[str, pulumi.ProviderResource] = field(default_factory=dict)
    sentry: Optional[pulumi.ProviderResource] = None

    def aws(self, region: str, account: Optional[AwsAccount] = None) -> pulumi.ProviderResource:
        """The provider of a region, in the stack's account or, assuming the role `account` names, in another one."""
        name = aws_provider_name(region, account)
        if name not in self._aws:
            assume = None
            if account is not None:
                assume = aws.ProviderAssumeRoleArgs(
                    role_arn=account.role_arn, external_id=account.external_id, session_name=account.session_name or "vigil"
                )
            self._aws[name] = registry.register_provider(
                aws.PROVIDER,
                name,
                aws.ProviderArgs(
                    region=region,
                    default_tags=aws.ProviderDefaultTagsArgs(tags={"managed-by": "vigil"}),
                    assume_roles=[assume] if assume is not None else None,
                    allowed_account_ids=[account.id] if account is not None else None,
                ),
            )
        return self._aws[name]


def make_providers(settings: StackSettings, deployment: Deployment, services: list[Service]) -> Providers:
    """Create every provider the services need up front, in a fixed order, so plans are stable: Datadog when a
    service uses it, Sentry when one has a Sentry source the stack deploys, AWS per account and region of the services
    that use it (and us-east-1 of that account for their health checks)."""
    providers = Providers(settings)
    using = {backend: [s for s in services if backend in deployment.backends_of(s)] for backend in BACKENDS}
    if using["datadog"]:
        providers.datadog = registry.register_provider(
            datadog.PROVIDER,
            "datadog",
            datadog.ProviderArgs(
                api_key=secret("datadogApiKey"),
                app_key=secret("datadogAppKey"),
                api_url=settings.datadog_api_url,
                validate="true" if settings.datadog_validate else "false",
            ),
        )
    if any(s.sources.sentry is not None for s in using["sentry"]):
        providers.sentry = registry.register_provider(
            sentry.PROVIDER, "sentry", sentry.ProviderArgs(token=secret("sentryToken"), base_url=settings.sentry_api_url)
        )
    places: dict[str, tuple[str, Optional[AwsAccount]]] = {}  # provider name -> (region, account)
    for svc in using["aws"]:
        account = deployment.account_of(svc)
        for region in {deployment.region_of(svc), *([HEALTH_CHECK_REGION] if svc.health_checks else [])}:
            places.setdefault(aws_provider_name(region, account), (region, account))
    for name in sorted(places):
        providers.aws(*places[name])
    return providers


def options(parent: pulumi.Resource, provider: pulumi.ProviderResource, **extra: object) -> pulumi.ResourceOptions:
    return pulumi.ResourceOptions(parent=parent, provider=provider, **extra)  # type: ignore[arg-type]
