"""Declares a service's CloudWatch resources as children of its component.

The walk (program/aws_walk.py) says what to declare; this file turns each declaration into a
resource with the right provider (per region) and safety options (program/inputs.py's declaration_options, which the
policy checks read too):
- log groups are retained on delete always, and protected in production: logs outlive the spec;
- anything with a fixed cloud name is deleted before it is replaced (two cannot share the name);
- composites, mute rules and filters depend on what they name, so CloudWatch never sees a rule over a missing alarm.
"""

from __future__ import annotations

from collections.abc import Callable

import pulumi
import pulumi_aws as aws

from monitors.common.context import Deployment
from monitors.common.declarations import Declaration, Ref
from signals.cloudwatch import AwsScope, resolve_targets
from spec import Service

from .aws_walk import declare_service
from .inputs import declaration_options
from .providers import Providers, options
from .settings import SettingsError, secret

RESOURCES: dict[str, Callable[..., pulumi.CustomResource]] = {
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


def _stack_reader(parent: pulumi.Resource, service: Service) -> Callable[[str], pulumi.Input[str]]:
    """Reads `{output: name}` sources from the stack `sources.aws.from_stack` names (one reference per service)."""
    source = service.sources.aws
    if source is None or source.from_stack is None or not source.stack_outputs():
        def unused(name: str) -> pulumi.Input[str]:
            raise SettingsError(f"{service.service}: sources.aws reads output {name!r} without from_stack")

        return unused
    reference = pulumi.StackReference(
        f"{service.service}-sources", stack_name=source.from_stack, opts=pulumi.ResourceOptions(parent=parent)
    )
    return lambda name: reference.require_output(name).apply(str)


def declare_aws(
    parent: pulumi.ComponentResource, service: Service, deployment: Deployment, providers: Providers, region: str
) -> dict[str, pulumi.Input[object]]:
    declared: dict[str, pulumi.CustomResource] = {}
    account = deployment.account_of(service)

    def declare(declaration: Declaration) -> Ref:
        extra = declaration_options(declaration, deployment)
        depends = [declared[name] for name in declaration.depends_on]
        resource = RESOURCES[declaration.kind](
            declaration.logical,
            declaration.args,
            opts=options(parent, providers.aws(declaration.aws_region, account), depends_on=depends or None, **extra),
        )
        declared[declaration.logical] = resource
        return Ref(id=resource.id, arn=getattr(resource, "arn", resource.id))

    scope = AwsScope(service, resolve_targets(service.sources.aws, _stack_reader(parent, service)), deployment.environment)
    return declare_service(service, deployment, region, scope, secret, declare, providers.settings.sns_kms_key)
