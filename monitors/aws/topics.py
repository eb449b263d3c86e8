"""SNS routing: one topic per service, severity and region, subscribed from the spec's routes.

Per service rather than per team: routes are written (and overlaid per environment) per service, so two
services of one team may route differently, and removing a service removes exactly its topics.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Optional

from monitors.aws import sdk as aws
from monitors.common.context import Deployment
from monitors.common.declarations import Declaration, Declare
from signals import AlertSignal
from spec import Service
from spec.routes import Route, Severity, SnsSubscription

from .names import aws_name, logical

if TYPE_CHECKING:
    import pulumi

Topics = Mapping[Severity, "pulumi.Input[str]"]  # the ARN of each severity's topic, for the routes with subscribers


def notify(topics: Topics, severity: Severity) -> list[pulumi.Input[str]]:
    """An alarm's actions: its severity's topic. None when the route has no SNS subscriber (no topic is made for
    it): the rules then name the route, since such an alarm would notify nobody."""
    return [topics[severity]] if severity in topics else []


def topic_logical(service: Service, severity: Severity, region_suffix: Optional[str] = None) -> str:
    """`api-page-topic`; a topic in a second region (us-east-1 for health checks) adds it: `api-page-topic-us-east-1`."""
    return logical(service, severity, "topic", *([region_suffix] if region_suffix else []))


def topic_args(service: Service, deployment: Deployment, severity: Severity, kms_key: Optional[str]) -> aws.sns.TopicArgs:
    return aws.sns.TopicArgs(
        name=aws_name(service, deployment, severity),
        display_name=f"{service.service} {deployment.environment} {severity}",
        kms_master_key_id=kms_key,
        tags={**deployment.tags(service), "severity": severity},
    )


def subscription_key(subscription: SnsSubscription) -> str:
    """A stable, short identity for a subscription's logical name: the secret's name, or a hash of the endpoint."""
    if subscription.endpoint_secret is not None:
        return f"{subscription.protocol}-{subscription.endpoint_secret.lower()}"
    digest = hashlib.sha256(subscription.identity.encode()).hexdigest()[:8]
    return f"{subscription.protocol}-{digest}"


def subscription_args(
    topic_arn: pulumi.Input[str], subscription: SnsSubscription, endpoint: pulumi.Input[str]
) -> aws.sns.TopicSubscriptionArgs:
    """An https endpoint (e.g. PagerDuty) confirms itself; an email subscription waits for its recipient to confirm."""
    return aws.sns.TopicSubscriptionArgs(
        topic=topic_arn,
        protocol=subscription.protocol,
        endpoint=endpoint,
        endpoint_auto_confirms=True if subscription.protocol == "https" else None,
    )


def _subscriptions(
    name: str, arn: pulumi.Input[str], route: Optional[Route], *, region: str, path: tuple[str, ...],
    secret: Callable[[str], pulumi.Input[str]], declare: Declare,
) -> None:
    for subscription in route.sns if route else []:
        endpoint = subscription.endpoint if subscription.endpoint is not None else secret(str(subscription.endpoint_secret))
        declare(
            Declaration(
                "subscription",
                f"{name}-{subscription_key(subscription)}",
                subscription_args(arn, subscription, endpoint),
                region,
                (*path, "sns"),
                depends_on=(name,),
            )
        )


def topic_declarations(
    service: Service,
    deployment: Deployment,
    severity: Severity,
    *,
    region: str,
    region_suffix: Optional[str],
    kms_key: Optional[str],
    secret: Callable[[str], pulumi.Input[str]],
    declare: Declare,
) -> pulumi.Input[str]:
    """Declare the topic and its subscriptions; returns the topic's ARN for alarm and OK actions."""
    name = topic_logical(service, severity, region_suffix)
    topic = Declaration("topic", name, topic_args(service, deployment, severity, kms_key), region, ("routes", severity))
    arn = declare(topic).arn
    _subscriptions(name, arn, service.routes.get(severity), region=region, path=("routes", severity), secret=secret, declare=declare)
    return arn


def alert_topic_declarations(
    service: Service,
    deployment: Deployment,
    alert: AlertSignal,
    severity: Severity,
    *,
    region: str,
    kms_key: Optional[str],
    secret: Callable[[str], pulumi.Input[str]],
    declare: Declare,
) -> pulumi.Input[str]:
    """The topic of an alert with a route of its own, per severity its levels notify (so a paging level's topic is
    named for paging, as organisation policies read it): `api-cpu-page-topic`, AWS name `api-prod-cpu-page`."""
    signal, route = alert.key, alert.threshold.own_route
    name = logical(service, signal, severity, "topic")
    args = aws.sns.TopicArgs(
        name=aws_name(service, deployment, signal, severity),
        display_name=f"{service.service} {deployment.environment} {signal} {severity}",
        kms_master_key_id=kms_key,
        tags={**deployment.tags(service), "severity": severity, "alert": signal},
    )
    path = (*alert.path, "route")
    arn = declare(Declaration("topic", name, args, region, path)).arn
    _subscriptions(name, arn, route, region=region, path=path, secret=secret, declare=declare)
    return arn
