"""Where each signal lives: Datadog APM and infrastructure, and the AWS resources behind the service.

AWS names are either written literally or read from another Pulumi stack's outputs: with
`from_stack: org/infra/prod`, a field written as `{output: albName}` takes that stack's `albName` output,
so the application's infrastructure stack hands over its load balancer and cluster names.
"""

from typing import Annotated, Any, Literal, Optional, Union

from pydantic import Discriminator, Field, StringConstraints, Tag, model_validator

from .base import SpecModel
from .grammar import (
    APM_SERVICE_PATTERN,
    AWS_IDENTIFIER_PATTERN,
    AWS_REGION_PATTERN,
    LOAD_BALANCER_PATTERN,
    SPAN_PATTERN,
    STACK_OUTPUT_PATTERN,
    STACK_PATTERN,
    TARGET_GROUP_PATTERN,
)

RDS_INSTANCE_PATTERN = r"^[a-zA-Z][a-zA-Z0-9-]{0,62}$"
CACHE_CLUSTER_PATTERN = r"^[a-zA-Z][a-zA-Z0-9-]{0,49}$"


class StackOutput(SpecModel):
    """A value taken from an output of the stack named by `sources.aws.from_stack`."""

    output: str = Field(pattern=STACK_OUTPUT_PATTERN, description="Output name in that stack, e.g. albName")


def _kind(value: Any) -> Optional[str]:
    """The union member's tag; capitalised, as pydantic names members, so errors point past it to the key."""
    if isinstance(value, str):
        return "Name"
    if isinstance(value, (dict, StackOutput)):
        return "StackOutput"
    return None


def _literal_or_output(pattern: str) -> object:
    """A literal name (checked against its grammar) or `{output: name}`: one clear error either way."""
    return Annotated[
        Union[
            Annotated[Annotated[str, StringConstraints(pattern=pattern)], Tag("Name")],
            Annotated[StackOutput, Tag("StackOutput")],
        ],
        Discriminator(
            _kind,
            custom_error_type="source",
            custom_error_message="expected a name or {output: <stack output name>}",
        ),
    ]


LoadBalancer = _literal_or_output(LOAD_BALANCER_PATTERN)
TargetGroup = _literal_or_output(TARGET_GROUP_PATTERN)
AwsIdentifier = _literal_or_output(AWS_IDENTIFIER_PATTERN)
RdsInstance = _literal_or_output(RDS_INSTANCE_PATTERN)
CacheCluster = _literal_or_output(CACHE_CLUSTER_PATTERN)


class DatadogSource(SpecModel):
    apm_service: str = Field(pattern=APM_SERVICE_PATTERN, description="APM service name (the `service:` tag)")
    span: str = Field(default="http.request", pattern=SPAN_PATTERN, description="Entry span name, e.g. http.request")
    runtime: Literal["fargate", "host"] = Field(default="fargate", description="Where CPU and memory come from")


class EcsSource(SpecModel):
    cluster: AwsIdentifier = Field(description="ECS cluster name, or {output: name}")  # type: ignore[valid-type]
    service: AwsIdentifier = Field(description="ECS service name, or {output: name}")  # type: ignore[valid-type]


class RdsSource(SpecModel):
    instance: RdsInstance = Field(description="DB instance identifier, or {output: name}")  # type: ignore[valid-type]


class ElastiCacheSource(SpecModel):
    cluster: CacheCluster = Field(description="Cache cluster id, or {output: name}")  # type: ignore[valid-type]


class AwsSource(SpecModel):
    region: str = Field(default="us-east-1", pattern=AWS_REGION_PATTERN)
    from_stack: Optional[str] = Field(
        default=None, pattern=STACK_PATTERN, description="Pulumi stack whose outputs `{output: name}` values read, e.g. org/infra/prod"
    )
    load_balancer: Optional[LoadBalancer] = Field(default=None, description="app/<name>/<id>, or {output: name}")  # type: ignore[valid-type]
    target_group: Optional[TargetGroup] = Field(default=None, description="targetgroup/<name>/<id>, or {output: name}")  # type: ignore[valid-type]
    ecs: Optional[EcsSource] = None
    rds: Optional[RdsSource] = None
    elasticache: Optional[ElastiCacheSource] = None

    def stack_outputs(self) -> list[str]:
        """Names of the outputs read from `from_stack`, sorted."""
        values: list[object] = [self.load_balancer, self.target_group]
        if self.ecs:
            values += [self.ecs.cluster, self.ecs.service]
        if self.rds:
            values.append(self.rds.instance)
        if self.elasticache:
            values.append(self.elasticache.cluster)
        return sorted({v.output for v in values if isinstance(v, StackOutput)})

    @model_validator(mode="after")
    def _stack_named(self) -> "AwsSource":
        outputs = self.stack_outputs()
        if outputs and self.from_stack is None:
            raise ValueError(
                f"{', '.join(outputs)} read stack outputs: name the stack with 'from_stack' (e.g. org/infra/prod)"
            )
        return self


class Sources(SpecModel):
    datadog: Optional[DatadogSource] = None
    aws: Optional[AwsSource] = None
