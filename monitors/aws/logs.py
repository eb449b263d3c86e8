"""The service's log group (where its structured JSON logs land, how long they stay), the metric filters
that count log lines per level, and the optional subscription that forwards them to Datadog."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from monitors.aws import sdk as aws
from monitors.common.context import Deployment
from monitors.common.declarations import Declaration
from signals.logs import log_metric_name, log_namespace
from spec import Service

from .names import aws_name, logical

if TYPE_CHECKING:
    import pulumi


def log_group_name(service: Service, deployment: Deployment) -> str:
    return service.logs.group or f"/{service.team}/{service.service}/{deployment.environment}"


def log_group_args(service: Service, deployment: Deployment) -> aws.cloudwatch.LogGroupArgs:
    return aws.cloudwatch.LogGroupArgs(
        name=log_group_name(service, deployment),
        retention_in_days=service.logs.retention_days,
        log_group_class=service.logs.log_class,
        kms_key_id=service.logs.kms_key,
        tags=deployment.tags(service),
    )


def level_pattern(level: str) -> str:
    """A JSON filter pattern; `level` is one of the spec's fixed levels, never free text."""
    return f'{{ $.level = "{level}" }}'


def metric_filter_args(
    service: Service, deployment: Deployment, level: str, log_group: pulumi.Input[str]
) -> aws.cloudwatch.LogMetricFilterArgs:
    """One count per matching line; 0 when lines arrive but none match, so the rate has data."""
    return aws.cloudwatch.LogMetricFilterArgs(
        name=aws_name(service, deployment, level, "log-events"),
        log_group_name=log_group,
        pattern=level_pattern(level),
        metric_transformation=aws.cloudwatch.LogMetricFilterMetricTransformationArgs(
            name=log_metric_name(level),
            namespace=log_namespace(service, deployment.environment),
            value="1",
            default_value="0",
            unit="Count",
        ),
    )


def subscription_filter_args(
    service: Service, deployment: Deployment, log_group: pulumi.Input[str], destination_arn: str
) -> aws.cloudwatch.LogSubscriptionFilterArgs:
    """Every line to the Datadog Forwarder (a Lambda that already lets CloudWatch Logs invoke it)."""
    return aws.cloudwatch.LogSubscriptionFilterArgs(
        name=aws_name(service, deployment, "datadog-forwarder"),
        log_group=log_group,
        destination_arn=destination_arn,
        filter_pattern="",
    )


def log_declarations(
    service: Service, deployment: Deployment, region: str, log_group: pulumi.Input[str], group_logical: str
) -> list[Declaration]:
    out = [
        Declaration(
            "metric_filter",
            logical(service, "logs", level, "filter"),
            metric_filter_args(service, deployment, level, log_group),
            region,
            ("logs", "metric_filters"),
            (group_logical,),
        )
        for level in service.logs.metric_filters
    ]
    forwarder: Optional[str] = deployment.log_forwarder_arn
    if forwarder:
        out.append(
            Declaration(
                "subscription_filter",
                logical(service, "logs", "forwarder"),
                subscription_filter_args(service, deployment, log_group, forwarder),
                region,
                ("logs",),
                (group_logical,),
            )
        )
    return out
