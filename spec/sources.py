"""Where each signal lives: Datadog APM and infrastructure, and the AWS resources behind the service."""

from typing import Literal, Optional

from pydantic import Field

from .base import SpecModel
from .grammar import (
    APM_SERVICE_PATTERN,
    AWS_IDENTIFIER_PATTERN,
    AWS_REGION_PATTERN,
    LOAD_BALANCER_PATTERN,
    SPAN_PATTERN,
    TARGET_GROUP_PATTERN,
)


class DatadogSource(SpecModel):
    apm_service: str = Field(pattern=APM_SERVICE_PATTERN, description="APM service name (the `service:` tag)")
    span: str = Field(default="http.request", pattern=SPAN_PATTERN, description="Entry span name, e.g. http.request")
    runtime: Literal["fargate", "host"] = Field(default="fargate", description="Where CPU and memory come from")


class EcsSource(SpecModel):
    cluster: str = Field(pattern=AWS_IDENTIFIER_PATTERN)
    service: str = Field(pattern=AWS_IDENTIFIER_PATTERN)


class RdsSource(SpecModel):
    instance: str = Field(pattern=r"^[a-zA-Z][a-zA-Z0-9-]{0,62}$", description="DB instance identifier")


class ElastiCacheSource(SpecModel):
    cluster: str = Field(pattern=r"^[a-zA-Z][a-zA-Z0-9-]{0,49}$", description="Cache cluster id")


class AwsSource(SpecModel):
    region: str = Field(default="us-east-1", pattern=AWS_REGION_PATTERN)
    load_balancer: Optional[str] = Field(default=None, pattern=LOAD_BALANCER_PATTERN, description="app/<name>/<id>")
    target_group: Optional[str] = Field(default=None, pattern=TARGET_GROUP_PATTERN, description="targetgroup/<name>/<id>")
    ecs: Optional[EcsSource] = None
    rds: Optional[RdsSource] = None
    elasticache: Optional[ElastiCacheSource] = None


class Sources(SpecModel):
    datadog: Optional[DatadogSource] = None
    aws: Optional[AwsSource] = None
