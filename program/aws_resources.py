"""Declares a service's CloudWatch resources as children of its component.

The walk (program/aws_walk.py) says what to declare; this file turns each declaration into a
resource with the right provider (per region) and safety options:
- log groups are retained on delete always, and protected in production: logs outlive the spec; a group the spec adopts
  (`logs.adopt`: Lambda's own, an ECS task's) is imported by its name (Pulumi's `import` option) instead of created;
- anything with a fixed cloud name is deleted before it is replaced (two cannot share the name);
- composites, mute rules and filters depend on what they name, so CloudWatch never sees a rule over a missing alarm.
"""

from __future__ import annotations

from typing import Any

import pulumi

from monitors.aws import sdk as aws
from monitors.common.context import Deployment
from monitors.common.declarations import Declaration, Ref
from monitors.common.sdk import Resource
from signals.cloudwatch import AwsScope, resolve_targets
from spec import Service

from . import registry
from .aws_walk import declare_service
from .outputs import Reader
from .providers import Providers, options
from .settings import secret

RESOURCES: dict[str, Resource] = {
    "log_group": aws.cloudwatch.LogGroup,
    "metric_filter": aws.cloudwatch.LogMetricFilter,
    "subscription_filter": aws.cloudwatch.LogSubscriptionFilter,
    "topic": aws.sns.Topic,
    "subscription": aws.sns.TopicSubscription,
    "metric_alarm": aws.cloudwatch.MetricAlarm,
    "composite_alarm": aws.cloudwatch.CompositeAlarm,
    "health_check": aws.route53.HealthCheck,
    "cloudwatch_dashboard": aws.cloudwatch.Dashboard,
    "alarm_mute_rule": aws.cloudwatch.AlarmMuteRule,
}


def declare_aws(
    parent: pulumi.ComponentResource, service: Service, deployment: Deployment, providers: Providers, region: str, read: Reader
) -> dict[str, pulumi.Input[object]]:
    """`read`: another stack's outputs (program/outputs.py), which the dimension values of `{output: name}` sources take."""
    declared: dict[str, pulumi.CustomResource] = {}
    account = deployment.account_of(service)

    def declare(declaration: Declaration) -> Ref:
        extra: dict[str, Any] = {}
        if declaration.kind == "log_group":
            extra.update(protect=True if deployment.production else None, retain_on_delete=True)  # None: as the component is
            if service.logs.adopt:
                extra["import_"] = declaration.name  # a log group's import id is its name
        if declaration.name is not None:
            extra["delete_before_replace"] = True
        depends = [declared[name] for name in declaration.depends_on]
        opts = options(parent, providers.aws(declaration.aws_region, account), depends_on=depends or None, **extra)
        resource = registry.register(RESOURCES[declaration.kind], declaration.logical, declaration.args, opts)
        declared[declaration.logical] = resource
        return Ref(id=resource.id, arn=getattr(resource, "arn", resource.id))

    scope = AwsScope(service, resolve_targets(service.sources.aws, read), deployment.environment)
    return declare_service(service, deployment, region=region, scope=scope, secret=secret, declare=declare, sns_kms_key=providers.settings.sns_kms_key)
