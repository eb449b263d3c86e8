"""A declaration as the engine receives it: its type token and camelCase inputs, without registering anything.

The rule checker records each backend's walk with stand-ins for what only the cloud knows (program/checks.py);
`declaration_inputs` turns one recorded declaration into the inputs the offline plan records for the same resource
(pulumi's own input-type translation: `retention_in_days` → `retentionInDays`, nested `...Args` and dicts typed
as input types alike; the stand-ins turned into the plan's `${<logical>.id}` / `${<logical>.arn}` placeholders), so
what reads a plan — the organisation's policies (policy/rules.py) — can read a declaration, at validation, without
planning. tests/test_policies.py proves they are the plan's inputs, on three fixture projects.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections import abc
from collections.abc import Iterable, Mapping
from typing import Any, Optional, get_args, get_origin

from pulumi import _types

from monitors.common.context import Deployment
from monitors.common.declarations import Declaration, Kind, Ref

STAND_IN_ACCOUNT = "000000000000"

# Each kind's Pulumi type token (the resource classes in program/*_resources.py register under these).
TYPE_TOKENS: dict[Kind, str] = {
    "log_group": "aws:cloudwatch/logGroup:LogGroup",
    "metric_filter": "aws:cloudwatch/logMetricFilter:LogMetricFilter",
    "subscription_filter": "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter",
    "topic": "aws:sns/topic:Topic",
    "subscription": "aws:sns/topicSubscription:TopicSubscription",
    "metric_alarm": "aws:cloudwatch/metricAlarm:MetricAlarm",
    "composite_alarm": "aws:cloudwatch/compositeAlarm:CompositeAlarm",
    "health_check": "aws:route53/healthCheck:HealthCheck",
    "cloudwatch_dashboard": "aws:cloudwatch/dashboard:Dashboard",
    "alarm_mute_rule": "aws:cloudwatch/alarmMuteRule:AlarmMuteRule",
    "monitor": "datadog:index/monitor:Monitor",
    "slo": "datadog:index/serviceLevelObjective:ServiceLevelObjective",
    "synthetic": "datadog:index/syntheticsTest:SyntheticsTest",
    "datadog_dashboard": "datadog:index/dashboard:Dashboard",
    "downtime": "datadog:index/downtimeSchedule:DowntimeSchedule",
    "sentry_issue_alert": "sentry:index/sentryIssueAlert:SentryIssueAlert",
    "sentry_metric_alert": "sentry:index/sentryMetricAlert:SentryMetricAlert",
}


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


@functools.cache
def _unwrapped(typ: Any) -> Any:
    """T of Optional[T], Input[T], InputType[T]; None for Any (no type information)."""
    typ = _types.unwrap_type(typ)
    return None if typ is Any else typ


@functools.cache
def _fields(cls: type) -> tuple[dict[str, str], dict[str, type]]:
    """An input type's Pulumi name of each Python name, and type of each Pulumi name (reading them costs type hints)."""
    return _types.input_type_py_to_pulumi_names(cls), _types.input_type_types(cls)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _translated(value: Any, typ: Optional[type]) -> Any:
    """pulumi's serialize_property (pulumi/runtime/rpc.py), for values that are known: input types and dicts typed as
    input types by their Pulumi names, other dicts as they are, None left out of input types."""
    typ = _unwrapped(typ) if typ is not None else None
    if isinstance(value, abc.Sequence) and not isinstance(value, (str, bytes)):
        element = get_args(typ)[0] if typ is not None and get_args(typ) else None
        return [_translated(v, element) for v in value]
    if _types.is_input_type(type(value)):
        types = _fields(type(value))[1]  # type: ignore[arg-type]  # a class is hashable
        return {k: _translated(v, types.get(k)) for k, v in _types.input_type_to_dict(value).items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):  # a typed mirror of an SDK's Args: fields by their camelCase names
        fields = {_camel(f.name): getattr(value, f.name) for f in dataclasses.fields(value)}
        return {k: _translated(v, None) for k, v in fields.items() if v is not None}
    if isinstance(value, Mapping):
        if typ is not None:
            case = _types.reduce_discriminated_union(typ, value, _types._py_name_for)
            typ = case if case is not None else typ
        if typ is not None and _types.is_input_type(typ):
            names, types = _fields(typ)
            named = {names.get(k) or k: v for k, v in value.items()}
            return {k: _translated(v, types.get(k)) for k, v in named.items() if v is not None}
        args = get_args(typ) if typ is not None and get_origin(typ) in (dict, abc.Mapping) else ()
        return {k: _translated(v, args[1] if len(args) == 2 else None) for k, v in value.items()}
    return value


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
    return _placed(_normalised(_translated(declaration.args, None)), names)


def declaration_options(declaration: Declaration, deployment: Deployment) -> dict[str, Any]:
    """The resource options the program gives a declaration, beyond its parent and provider: log groups are retained
    on delete always and protected in production (logs outlive the spec; None: as the component is); anything with a
    fixed cloud name is deleted before it is replaced (two cannot share the name)."""
    extra: dict[str, Any] = {}
    if declaration.kind == "log_group":
        extra.update(protect=True if deployment.production else None, retain_on_delete=True)
    if declaration.name is not None:
        extra["delete_before_replace"] = True
    return extra
