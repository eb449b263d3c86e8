"""Where each signal lives: Datadog APM and infrastructure, and the AWS resources behind the service.

AWS names are either written literally or read from another Pulumi stack's outputs: with
`from_stack: org/infra/prod`, a field written as `{output: albName}` takes that stack's `albName` output,
so the application's infrastructure stack hands over its load balancer and cluster names.
"""

from typing import Annotated, Any, Literal, Optional, Union

from pydantic import Discriminator, Field, Strict, StringConstraints, Tag, field_validator, model_validator

from .base import SpecModel
from .errors import ErrorAt
from .grammar import (
    API_STAGE_PATTERN,
    APM_SERVICE_PATTERN,
    AWS_IDENTIFIER_PATTERN,
    AWS_REGION_PATTERN,
    DYNAMODB_TABLE_PATTERN,
    EXTERNAL_ID_PATTERN,
    HTTP_API_PATTERN,
    LAMBDA_FUNCTION_PATTERN,
    LOAD_BALANCER_PATTERN,
    REST_API_PATTERN,
    ROLE_ARN_PATTERN,
    SENTRY_ENVIRONMENT_PATTERN,
    SENTRY_SLUG_PATTERN,
    SESSION_NAME_PATTERN,
    SPAN_PATTERN,
    SQS_QUEUE_PATTERN,
    STACK_OUTPUT_PATTERN,
    STACK_PATTERN,
    TARGET_GROUP_PATTERN,
)
from .regions import partition_of, region_problem
from .routes import AlertRoute, Route, Severity, level_severity, own_route
from .units import Duration, Rate

RDS_INSTANCE_PATTERN = r"^[a-zA-Z][a-zA-Z0-9-]{0,62}$"
CACHE_CLUSTER_PATTERN = r"^[a-zA-Z][a-zA-Z0-9-]{0,49}$"
REPLICATION_GROUP_PATTERN = r"^[a-zA-Z][a-zA-Z0-9-]{0,39}$"
# A replication group's hit rate is metric math over its members' CacheHits and CacheMisses: two metrics a member and
# the expression, within the 20 queries a CloudWatch alarm may hold (PutMetricAlarm); 9 members is a primary and its 5
# replicas with room to spare, or a few shards of a cluster-mode group.
REPLICATION_GROUP_MEMBERS_MAX = 9


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
ReplicationGroup = _literal_or_output(REPLICATION_GROUP_PATTERN)
SqsQueue = _literal_or_output(SQS_QUEUE_PATTERN)
LambdaFunction = _literal_or_output(LAMBDA_FUNCTION_PATTERN)
RestApi = _literal_or_output(REST_API_PATTERN)
HttpApi = _literal_or_output(HTTP_API_PATTERN)
ApiStage = _literal_or_output(API_STAGE_PATTERN)
DynamoDbTable = _literal_or_output(DYNAMODB_TABLE_PATTERN)


def _duration_kind(value: Any) -> Optional[str]:
    """A mapping is `{output: name}`; anything else is read as a duration (its own error says what a duration is)."""
    return "StackOutput" if isinstance(value, (dict, StackOutput)) else "Duration"


# A duration written in the spec, or `{output: name}`: a number another stack's output holds (its unit said by the field)
DurationOrOutput = Annotated[
    Union[Annotated[Duration, Tag("Duration")], Annotated[StackOutput, Tag("StackOutput")]],
    Discriminator(_duration_kind),
]


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
    """One cache cluster by its id, or a Redis/Valkey replication group by its id and its member clusters' ids: ElastiCache
    publishes its metrics per node and per cluster (CacheClusterId), never per replication group."""

    cluster: Optional[CacheCluster] = Field(default=None, description="Cache cluster id (CacheClusterId), or {output: name}")  # type: ignore[valid-type]
    replication_group: Optional[ReplicationGroup] = Field(  # type: ignore[valid-type]
        default=None, description="Replication group id (Redis/Valkey), or {output: name}; its members are listed in `members`"
    )
    members: Optional[list[CacheCluster]] = Field(  # type: ignore[valid-type]
        default=None,
        min_length=1,
        max_length=REPLICATION_GROUP_MEMBERS_MAX,
        description="The replication group's member cluster ids (e.g. sessions-001, sessions-002), as CloudWatch's CacheClusterId",
    )

    @model_validator(mode="after")
    def _one_cache(self) -> "ElastiCacheSource":
        if (self.cluster is None) == (self.replication_group is None):
            raise ValueError("give exactly one of 'cluster' (a cache cluster's id) or 'replication_group' (with its 'members')")
        if self.members is not None and self.replication_group is None:
            raise ValueError("'members' lists a replication group's member clusters: give 'replication_group', or watch one 'cluster'")
        members: list[object] = list(self.members or [])
        written = [m if isinstance(m, str) else f"{{output: {m.output}}}" for m in members if isinstance(m, (str, StackOutput))]
        repeated = sorted({m for m in written if written.count(m) > 1})
        if repeated:
            raise ValueError(f"members {', '.join(repeated)} listed twice")
        return self


# SQS's MessageRetentionPeriod (SetQueueAttributes): "from 60 (1 minute) to 1,209,600 (14 days). Default: 345,600 (4 days)."
RETENTION_DEFAULT = Duration.parse("4d")
RETENTION_RANGE = (Duration.parse("60s"), Duration.parse("14d"))


class SqsSource(SpecModel):
    """The SQS queue the service consumes, and the dead-letter queue its failed messages land in."""

    queue: SqsQueue = Field(description="Queue name (not URL), or {output: name}")  # type: ignore[valid-type]
    dead_letter_queue: Optional[SqsQueue] = Field(default=None, description="Its dead-letter queue's name, or {output: name}")  # type: ignore[valid-type]
    dead_letter_retention: Duration = Field(
        default=RETENTION_DEFAULT,
        description="How long the dead-letter queue keeps a message (its MessageRetentionPeriod: 60s to 14d, SQS's default 4d); "
        "alerts.dead_letter_age is a share of it",
    )

    @field_validator("dead_letter_retention")
    @classmethod
    def _retention(cls, value: Duration) -> Duration:
        low, high = RETENTION_RANGE
        if not low.ms <= value.ms <= high.ms or value.ms % 1000:
            raise ValueError(f"{value}: SQS keeps messages from 60s to 14d, in whole seconds")
        return value


LAMBDA_DEFAULT_CONCURRENCY = 1000  # the default concurrent executions quota of a Region (Lambda quotas)
LAMBDA_MAX_TIMEOUT_MS = 900_000  # Lambda's longest timeout: 900 seconds (configuration-timeout)


class LambdaSource(SpecModel):
    """The service's Lambda function."""

    name: LambdaFunction = Field(description="Function name (not ARN), or {output: name}")  # type: ignore[valid-type]
    concurrency_limit: Annotated[int, Strict(), Field(ge=1, le=1_000_000)] = Field(
        default=LAMBDA_DEFAULT_CONCURRENCY,
        description="What its concurrency may reach: its reserved concurrency, else the Region's quota (1000 unless raised)",
    )
    timeout: Optional[DurationOrOutput] = Field(
        default=None,
        description="The function's timeout (whole seconds, 1s to 15m), for alerts on its duration relative to it "
        "(function_timeout_use); the same value as the function's configuration. Or {output: name}: an output of "
        "`from_stack` holding the timeout in whole seconds, as Lambda's configuration and aws_lambda_function.timeout give it",
    )

    @field_validator("timeout")
    @classmethod
    def _timeout(cls, timeout: Optional[Union[Duration, StackOutput]]) -> Optional[Union[Duration, StackOutput]]:
        """Lambda: "Timeout is the maximum amount of time in seconds that a Lambda function can run. The default value
        for this setting is 3 seconds, but you can adjust this in increments of 1 second up to a maximum value of 900
        seconds (15 minutes)." (https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html)"""
        if isinstance(timeout, Duration) and (timeout.ms % 1000 or not 1000 <= timeout.ms <= LAMBDA_MAX_TIMEOUT_MS):
            raise ValueError(f"timeout {timeout}: Lambda's timeout is whole seconds, from 1s to 15m (900 seconds)")
        return timeout


class ApiGatewaySource(SpecModel):
    """The API Gateway API in front of the service: a REST API by name, or an HTTP API by id; optionally one stage."""

    rest_api: Optional[RestApi] = Field(default=None, description="REST API name (CloudWatch's ApiName), or {output: name}")  # type: ignore[valid-type]
    http_api: Optional[HttpApi] = Field(default=None, description="HTTP API id (CloudWatch's ApiId), or {output: name}")  # type: ignore[valid-type]
    stage: Optional[ApiStage] = Field(default=None, description="Stage name; default: every stage of the API")  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _one_api(self) -> "ApiGatewaySource":
        if (self.rest_api is None) == (self.http_api is None):
            raise ValueError("give exactly one of 'rest_api' (a REST API's name) or 'http_api' (an HTTP API's id)")
        return self


class DynamoDbSource(SpecModel):
    """A DynamoDB table the service owns."""

    table: DynamoDbTable = Field(description="Table name, or {output: name}")  # type: ignore[valid-type]


class AwsAccount(SpecModel):
    """Another AWS account, reached by assuming a role in it: one provider per account and region."""

    role_arn: str = Field(pattern=ROLE_ARN_PATTERN, description="Role to assume in that account, e.g. arn:aws:iam::123456789012:role/vigil-monitoring")
    external_id: Optional[str] = Field(default=None, pattern=EXTERNAL_ID_PATTERN, description="External id the role's trust policy requires")
    session_name: Optional[str] = Field(default=None, pattern=SESSION_NAME_PATTERN, description="Session name shown in CloudTrail; default vigil")

    @property
    def id(self) -> str:
        """The 12-digit account id, from the role's ARN."""
        return self.role_arn.split(":")[4]

    @property
    def partition(self) -> str:
        return self.role_arn.split(":")[1]


class AwsSource(SpecModel):
    region: str = Field(default="us-east-1", pattern=AWS_REGION_PATTERN)
    account: Optional[AwsAccount] = Field(
        default=None, description="Another AWS account, by the role to assume in it; default: the stack's credentials' account"
    )
    from_stack: Optional[str] = Field(
        default=None, pattern=STACK_PATTERN, description="Pulumi stack whose outputs `{output: name}` values read, e.g. org/infra/prod"
    )
    load_balancer: Optional[LoadBalancer] = Field(default=None, description="app/<name>/<id>, or {output: name}")  # type: ignore[valid-type]
    target_group: Optional[TargetGroup] = Field(default=None, description="targetgroup/<name>/<id>, or {output: name}")  # type: ignore[valid-type]
    ecs: Optional[EcsSource] = None
    rds: Optional[RdsSource] = None
    elasticache: Optional[ElastiCacheSource] = None
    sqs: Optional[SqsSource] = None
    lambda_function: Optional[LambdaSource] = None
    api_gateway: Optional[ApiGatewaySource] = None
    dynamodb: Optional[DynamoDbSource] = None

    def stack_outputs(self) -> list[str]:
        """Names of the outputs read from `from_stack`, sorted."""
        values: list[object] = [self.load_balancer, self.target_group]
        if self.ecs:
            values += [self.ecs.cluster, self.ecs.service]
        if self.rds:
            values.append(self.rds.instance)
        if self.elasticache:
            values += [self.elasticache.cluster, self.elasticache.replication_group, *(self.elasticache.members or [])]
        if self.sqs:
            values += [self.sqs.queue, self.sqs.dead_letter_queue]
        if self.lambda_function:
            values += [self.lambda_function.name, self.lambda_function.timeout]
        if self.api_gateway:
            values += [self.api_gateway.rest_api, self.api_gateway.http_api, self.api_gateway.stage]
        if self.dynamodb:
            values.append(self.dynamodb.table)
        return sorted({v.output for v in values if isinstance(v, StackOutput)})

    @field_validator("region")
    @classmethod
    def _region(cls, region: str) -> str:
        problem = region_problem(region)
        if problem:
            raise ValueError(problem)
        return region

    @model_validator(mode="after")
    def _stack_named(self) -> "AwsSource":
        outputs = self.stack_outputs()
        if outputs and self.from_stack is None:
            raise ValueError(
                f"{', '.join(outputs)} read stack outputs: name the stack with 'from_stack' (e.g. org/infra/prod)"
            )
        if self.account is not None and self.account.partition != partition_of(self.region):
            raise ErrorAt(("account", "role_arn"),
                f"account role {self.account.role_arn} is in partition {self.account.partition}, but region {self.region} "
                f"is in {partition_of(self.region)}"
            )
        return self


class SentryIssueRule(SpecModel):
    """A Sentry issue alert: fires once per issue, at most every `frequency`."""

    enabled: bool = Field(default=True, description="false: no such alert")
    route: AlertRoute = Field(default="ticket", description="page, ticket, or targets of its own {sentry: [...]}")
    frequency: Duration = Field(default=Duration(30 * 60_000), description="Notify at most this often per issue (Sentry: 5m to 30d)")

    @property
    def severity(self) -> Severity:
        return level_severity(self.route, "warning")

    @property
    def own_route(self) -> Optional[Route]:
        return own_route(self.route)


class SentryErrors(SpecModel):
    """A Sentry metric alert on the number of error events: critical pages, warning tickets, like every alert."""

    enabled: bool = Field(default=True, description="false: no error-count alert")
    critical: Optional[Rate] = Field(default=None, description="Errors per unit of time that page, e.g. 50/m")
    warning: Optional[Rate] = Field(default=None, description="Errors per unit of time that open a ticket, e.g. 100/h")
    window: Duration = Field(default=Duration(3_600_000), description="Counted over: 1m, 5m, 10m, 15m, 30m, 1h, 2h, 4h or 1d")
    route: Optional[AlertRoute] = Field(default=None, description="page, ticket, or targets of its own, instead of the service's routes")

    def severity(self, level: str) -> Severity:
        return level_severity(self.route, level)

    @property
    def own_route(self) -> Optional[Route]:
        return own_route(self.route)

    def levels(self) -> list[tuple[str, Rate]]:
        """(level, threshold) pairs present, critical first."""
        return [(level, value) for level, value in (("critical", self.critical), ("warning", self.warning)) if value is not None]

    @model_validator(mode="after")
    def _levels(self) -> "SentryErrors":
        if self.enabled and self.critical is None and self.warning is None:
            raise ValueError("give 'critical', 'warning' or both (or enabled: false)")
        if self.critical is not None and self.warning is not None and not self.warning < self.critical:
            raise ValueError(f"warning ({self.warning}) must be below critical ({self.critical}): the alert fires above its thresholds")
        return self


def _default_errors() -> SentryErrors:
    """A ticket when more than 100 errors arrive in an hour: a starting point to tune, never a page by default."""
    return SentryErrors(warning=Rate(100, "h"))


class SentrySource(SpecModel):
    """The service's Sentry project: issue alerts for new and regressed issues, and a metric alert on the error count."""

    organization: str = Field(pattern=SENTRY_SLUG_PATTERN, description="Sentry organization slug")
    project: str = Field(pattern=SENTRY_SLUG_PATTERN, description="Sentry project slug")
    environment: Optional[str] = Field(
        default=None, pattern=SENTRY_ENVIRONMENT_PATTERN, description="Sentry environment the alerts watch; default: the stack's environment"
    )
    new_issues: SentryIssueRule = Field(default_factory=SentryIssueRule, description="An issue is first seen")
    regressions: SentryIssueRule = Field(default_factory=SentryIssueRule, description="A resolved issue comes back")
    errors: SentryErrors = Field(default_factory=_default_errors, description="Error events counted over a window; default: ticket above 100/h")


class Sources(SpecModel):
    datadog: Optional[DatadogSource] = None
    aws: Optional[AwsSource] = None
    sentry: Optional[SentrySource] = Field(default=None, description="Sentry project (only for stacks that deploy the sentry backend)")
