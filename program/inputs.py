"""A declaration as the engine receives it: its type token and camelCase inputs, without registering anything.

The rule checker records each backend's walk with stand-ins for what only the cloud knows (program/checks.py);
`declaration_inputs` turns one recorded declaration into the inputs the offline plan records for the same resource
(the typed mirrors' own serialisation, monitors/common/sdk.py `inputs`, which the program registers too; the stand-ins
turned into the plan's `${<logical>.id}` / `${<logical>.arn}` placeholders), so what reads a plan — the organisation's
policies (policy/rules.py) — can read a declaration, at validation, without planning and without importing Pulumi.
tests/test_policies.py proves they are the plan's inputs, on three fixture projects.

`RESOURCES` is the one table of which resource type each kind of declaration registers as (program/*_resources.py
register through it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from monitors.aws import sdk as aws
from monitors.common.context import Deployment
from monitors.common.declarations import Declaration, Kind, Ref
from monitors.common.sdk import Resource, inputs
from monitors.datadog import sdk as datadog
from monitors.sentry import sdk as sentry

STAND_IN_ACCOUNT = "000000000000"

# The resource type (token, Args, outputs) each kind of declaration registers as.
RESOURCES: dict[Kind, Resource] = {
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
    "monitor": datadog.Monitor,
    "slo": datadog.ServiceLevelObjective,
    "synthetic": datadog.SyntheticsTest,
    "datadog_dashboard": datadog.Dashboard,
    "downtime": datadog.DowntimeSchedule,
    "sentry_issue_alert": sentry.SentryIssueAlert,
    "sentry_metric_alert": sentry.SentryMetricAlert,
}
TYPE_TOKENS: dict[Kind, str] = {kind: resource.token for kind, resource in RESOURCES.items()}


def stand_in(declaration: Declaration) -> Ref:
    """What the rule checker hands back for a declaration in place of the cloud's id and ARN: plain names the vendor
    rules accept where an id or ARN goes (a composite monitor's query names monitor ids), each naming its logical."""
    stand_in_id = f"{declaration.logical}-id"
    if declaration.region is None:  # Datadog and Sentry: the id is what others reference
        return Ref(id=stand_in_id, arn=stand_in_id, url=f"https://app.datadoghq.com/dashboard/{stand_in_id}")
    return Ref(id=stand_in_id, arn=f"arn:aws:stand-in:{declaration.region}:{STAND_IN_ACCOUNT}:{declaration.logical}")


def placeholders(declarations: Iterable[Declaration]) -> dict[str, str]:
    """Each stand-in of the declarations, and the offline plan's placeholder for the same value."""
    out: dict[str, str] = {}
    for declaration in declarations:
        ref = stand_in(declaration)
        out[str(ref.id)] = f"${{{declaration.logical}.id}}"
        if ref.arn != ref.id:
            out[str(ref.arn)] = f"${{{declaration.logical}.arn}}"
    return out


def _normalised(value: Any) -> Any:
    """As the offline engine records inputs (vigil/engine.py's normalise): maps sorted, integral floats as ints."""
    if isinstance(value, dict):
        return {str(k): _normalised(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_normalised(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# A stand-in, whole (a run of name characters): `<logical>-id`, or an ARN `arn:aws:stand-in:<region>:<account>:<logical>`.
STAND_IN = re.compile(r"(?<![\w\-])(?:arn:aws:stand-in:[a-z0-9\-]+:[0-9]{12}:[\w\-]+|[\w\-]+-id)(?![\w\-])")


def _placed(value: Any, names: Mapping[str, str]) -> Any:
    if isinstance(value, str):
        return STAND_IN.sub(lambda m: names.get(m.group(0), m.group(0)), value) if names else value
    if isinstance(value, dict):
        return {k: _placed(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [_placed(v, names) for v in value]
    return value


def declaration_inputs(declaration: Declaration, names: Mapping[str, str] = {}) -> dict[str, Any]:
    """The inputs the engine receives for a declaration, camelCase, as the offline plan records them (secrets read
    `[secret]`); `names` (from `placeholders`) turns the checker's stand-ins into the plan's placeholders."""
    return _placed(_normalised(inputs(declaration.args)), names)


def declaration_options(declaration: Declaration, deployment: Deployment, adopt: bool = False) -> dict[str, Any]:
    """The resource options the program gives a declaration, beyond its parent and provider: log groups are retained
    on delete always and protected in production (logs outlive the spec; None: as the component is), and one the spec
    adopts (`logs.adopt`) is imported by its name, its import id; anything with a fixed cloud name is deleted before
    it is replaced (two cannot share the name)."""
    extra: dict[str, Any] = {}
    if declaration.kind == "log_group":
        extra.update(protect=True if deployment.production else None, retain_on_delete=True)
        if adopt:
            extra["import_"] = declaration.name
    if declaration.name is not None:
        extra["delete_before_replace"] = True
    return extra
