"""Grammars for user strings that end up inside vendor names, tags and queries.

Values are validated against the narrowest grammar of every place they reach, never escaped.
"""

import re
from typing import Annotated, Optional

from pydantic import StringConstraints

# Service, team, SLO, health-check names: safe in Datadog tags, CloudWatch names, Pulumi names, URLs.
NAME_PATTERN = r"^[a-z][a-z0-9-]{0,38}[a-z0-9]$"
Name = Annotated[str, StringConstraints(pattern=NAME_PATTERN)]

# Datadog tag keys and values (lowercase; tags start with a letter).
TAG_KEY_PATTERN = r"^[a-z][a-z0-9_\-./]{0,62}$"
TAG_VALUE_PATTERN = r"^[a-z0-9_\-:./]{1,120}$"
TagKey = Annotated[str, StringConstraints(pattern=TAG_KEY_PATTERN)]
TagValue = Annotated[str, StringConstraints(pattern=TAG_VALUE_PATTERN)]
RESERVED_TAG_KEYS = frozenset({"service", "team", "env", "managed-by"})

# Datadog notification handle: @pagerduty-x, @slack-channel, @oncall@example.com, @webhook-x.
HANDLE_PATTERN = r"^@[A-Za-z0-9][A-Za-z0-9_.+\-@]{0,199}$"
Handle = Annotated[str, StringConstraints(pattern=HANDLE_PATTERN)]

# Datadog APM service names and span (operation) names, as they appear in trace metrics.
APM_SERVICE_PATTERN = r"^[a-z][a-z0-9_\-.]{0,99}$"
SPAN_PATTERN = r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$"

# The shape of a region (us-east-1, us-gov-west-1, us-isob-east-1, eusc-de-east-1); which exist is botocore's
# region list's (spec.regions).
AWS_REGION_PATTERN = r"^[a-z]{2,4}(-[a-z]+){1,2}-[0-9]{1,2}$"
# ALB and target-group dimension values as CloudWatch shows them.
LOAD_BALANCER_PATTERN = r"^app/[A-Za-z0-9-]{1,32}/[0-9a-f]{16}$"
TARGET_GROUP_PATTERN = r"^targetgroup/[A-Za-z0-9-]{1,32}/[0-9a-f]{16}$"
AWS_IDENTIFIER_PATTERN = r"^[A-Za-z][A-Za-z0-9_\-]{0,254}$"
# SQS queue names: up to 80 letters, digits, '-' and '_'; a FIFO queue's ends in '.fifo' (CreateQueue, QueueName).
SQS_QUEUE_PATTERN = r"^(?=.{1,80}$)[A-Za-z0-9_-]+(\.fifo)?$"
# Lambda function names (not ARNs: CloudWatch's FunctionName dimension is the name), 1-64 characters.
LAMBDA_FUNCTION_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
# API Gateway: a REST API's name as its ApiName dimension shows it (kept to what a Datadog tag can hold), an HTTP
# API's id, a stage name.
REST_API_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$"
HTTP_API_PATTERN = r"^[a-z0-9]{10}$"
API_STAGE_PATTERN = r"^[A-Za-z0-9_-]{1,128}$"
# DynamoDB table names: 3-255 letters, digits, '_', '-' and '.'.
DYNAMODB_TABLE_PATTERN = r"^[A-Za-z0-9_.-]{3,255}$"
# Custom metric alerts: their names (keys of `custom_alerts`, in logical names and docs anchors), Datadog metric names
# (as vigil's monitors query them: lowercase, dotted, at most 200 characters) and CloudWatch's metric grammar
# (PutMetricAlarm: Namespace `[^:].*` of 1-255, MetricName and dimension names of 1-255).
CUSTOM_ALERT_PATTERN = r"^[a-z][a-z0-9_]{1,39}$"
DATADOG_METRIC_PATTERN = r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$"
CLOUDWATCH_NAMESPACE_PATTERN = r"^[^:\s][^:]{0,254}$"
CLOUDWATCH_METRIC_PATTERN = r"^\S.{0,254}$"
CLOUDWATCH_DIMENSION_PATTERN = r"^\S.{0,254}$"
# A wall-clock time in UTC, to the minute or second (a replay scenario's start).
UTC_TIME_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?Z$"
# Pulumi stack references (`org/project/stack`) and output names read from them.
STACK_PATTERN = r"^[A-Za-z0-9_.\-]+(/[A-Za-z0-9_.\-]+){0,2}$"
STACK_OUTPUT_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]{0,127}$"
LOG_GROUP_PATTERN = r"^(?!aws/)[.\-_/#A-Za-z0-9]{1,512}$"
# IAM role ARNs (with an optional path) and STS AssumeRole's external id and session name grammars.
ROLE_ARN_PATTERN = r"^arn:aws(-[a-z]+){0,2}:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_\-/]{1,512}$"
EXTERNAL_ID_PATTERN = r"^[A-Za-z0-9+=,.@:/\-_]{2,1224}$"
SESSION_NAME_PATTERN = r"^[A-Za-z0-9+=,.@\-_]{2,64}$"
# Sentry organization and project slugs; environment names (no spaces or slashes, at most 64 characters).
SENTRY_SLUG_PATTERN = r"^[a-z0-9][a-z0-9_\-]{0,49}$"
SENTRY_ENVIRONMENT_PATTERN = r"^[^\s/]{1,64}$"
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$"
# A TCP port, 1-65535 (0 is not a port one can connect to).
PORT_PATTERN = r"(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])"
HTTPS_URL_PATTERN = rf"^https://[A-Za-z0-9.\-]+(:{PORT_PATTERN})?(/[A-Za-z0-9._~!$&'()*+,;=:@%/\-]*)?(\?[^\s#]*)?$"
RUNBOOK_PATTERN = rf"{HTTPS_URL_PATTERN}|^docs/[A-Za-z0-9_\-./]+\.md(#[a-z0-9-]+)?$"

# A Datadog @-handle as it appears inside a message's running text: Datadog notifies every one it finds
# (https://docs.datadoghq.com/monitors/notify/#notifications; a downtime's message too, pulumi-datadog's
# DowntimeSchedule `message`: "the same @username notation as events"), and `{{` starts its template language
# (https://docs.datadoghq.com/monitors/notify/variables/). The builders write handles in this grammar.
HANDLE_IN_TEXT = re.compile(r"(?<![\w@])@[A-Za-z0-9][A-Za-z0-9_.+\-@]*[A-Za-z0-9]")


def message_text_problem(text: str) -> Optional[str]:
    """Why spec text that goes into a Datadog notification message (a health check's URL, the runbook, a maintenance
    window's description) cannot: it would notify someone no route names, or change the message's template."""
    handle = HANDLE_IN_TEXT.search(text)
    if handle is not None:
        return f"{handle.group()!r} would notify that handle: this text goes into Datadog's notification messages, where routes alone say who is told"
    if "{{" in text or "}}" in text:
        mark = "{{" if "{{" in text else "}}"
        return f"{mark!r} starts a Datadog template variable or block: this text goes into Datadog's notification messages"
    return None


# What each grammar allows, in words, for error messages.
PATTERN_HELP = {
    NAME_PATTERN: "a lowercase name of 2-40 characters: a-z, 0-9 and '-', starting with a letter",
    TAG_KEY_PATTERN: "a lowercase tag key starting with a letter: a-z, 0-9, '_', '-', '.', '/'",
    TAG_VALUE_PATTERN: "a lowercase tag value: a-z, 0-9, '_', '-', ':', '.', '/'",
    HANDLE_PATTERN: "a Datadog handle such as '@pagerduty-platform' or '@slack-alerts'",
    APM_SERVICE_PATTERN: "a lowercase APM service name",
    SPAN_PATTERN: "a span name such as 'http.request'",
    AWS_REGION_PATTERN: "an AWS region such as 'eu-west-1'",
    LOAD_BALANCER_PATTERN: "an ALB dimension such as 'app/api/50dc6c495c0c9188'",
    TARGET_GROUP_PATTERN: "a target group dimension such as 'targetgroup/api/943f017f100becff'",
    AWS_IDENTIFIER_PATTERN: "an AWS name: letters, digits, '_' and '-', starting with a letter",
    STACK_PATTERN: "a Pulumi stack such as 'org/infra/prod'",
    STACK_OUTPUT_PATTERN: "a stack output name: letters, digits and '_', starting with a letter or '_'",
    LOG_GROUP_PATTERN: "a log group name: letters, digits and . - _ / #, not starting with 'aws/'",
    ROLE_ARN_PATTERN: "an IAM role ARN such as 'arn:aws:iam::123456789012:role/vigil-monitoring'",
    EXTERNAL_ID_PATTERN: "an external id of 2-1224 characters: letters, digits and + = , . @ : / - _",
    SESSION_NAME_PATTERN: "a session name of 2-64 characters: letters, digits and + = , . @ - _",
    SENTRY_SLUG_PATTERN: "a Sentry slug: lowercase letters, digits, '-' and '_', at most 50 characters",
    SENTRY_ENVIRONMENT_PATTERN: "a Sentry environment name: at most 64 characters, no spaces or slashes",
    HTTPS_URL_PATTERN: "an https:// URL (a port, if given, 1-65535)",
    SQS_QUEUE_PATTERN: "an SQS queue name: up to 80 letters, digits, '-' and '_' (a FIFO queue's ending in '.fifo')",
    LAMBDA_FUNCTION_PATTERN: "a Lambda function name (not an ARN): 1-64 letters, digits, '-' and '_'",
    REST_API_PATTERN: "a REST API name: letters, digits, '_', '-' and '.', starting with a letter or digit",
    HTTP_API_PATTERN: "an HTTP API id: 10 lowercase letters and digits",
    API_STAGE_PATTERN: "a stage name: 1-128 letters, digits, '-' and '_'",
    DYNAMODB_TABLE_PATTERN: "a DynamoDB table name: 3-255 letters, digits, '_', '-' and '.'",
    UTC_TIME_PATTERN: "a time in UTC such as 2030-03-01T20:00Z",
    CUSTOM_ALERT_PATTERN: "a custom alert name: 2-40 lowercase letters, digits and '_', starting with a letter",
    DATADOG_METRIC_PATTERN: "a Datadog metric name: lowercase letters, digits and '_', in dot-separated parts, starting with a letter (e.g. shop.orders.pending)",
    CLOUDWATCH_NAMESPACE_PATTERN: "a CloudWatch namespace: 1-255 characters, no ':'",
    CLOUDWATCH_METRIC_PATTERN: "a CloudWatch metric name: 1-255 characters",
    CLOUDWATCH_DIMENSION_PATTERN: "a CloudWatch dimension name: 1-255 characters",
    RUNBOOK_PATTERN: "an https:// URL (a port, if given, 1-65535) or a path under docs/ ending in .md",
}
