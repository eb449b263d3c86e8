"""The service's log group: where its structured JSON logs land, and how long they stay."""

import pulumi_aws as aws

from monitors.common.context import Deployment
from spec import Service


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
