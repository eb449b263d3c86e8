"""The vendors' objects, in their own formats: from files, or live through their SDKs (read-only).

Datadog: a monitor as `GET /api/v1/monitor` returns it (a JSON list of them, or the one object the UI's "Export
monitor" gives): `id`, `type`, `name`, `query`, `message`, `tags`, `priority`, `options` (thresholds, notify_no_data,
renotify_interval...), https://docs.datadoghq.com/api/latest/monitors/#get-all-monitor-details.
CloudWatch: what `aws cloudwatch describe-alarms` prints, `{"MetricAlarms": [...], "CompositeAlarms": [...]}`,
https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html.

`datadog-api-client` and `boto3` are imported inside the functions that read live: the offline commands never pay them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from ..datadog_site import datadog_host, transport_reason


class VendorInputError(Exception):
    """Input that cannot be read, said at its place (`file:line:col: ...`, `file: MetricAlarms[2].AlarmName: ...`)."""


class VendorReadError(Exception):
    """A live read that failed (credentials, network, the vendor's answer)."""


@dataclass
class Estate:
    """What was read: Datadog monitors (API form, snake_case), CloudWatch metric and composite alarms (PascalCase), and
    the SNS subscriptions of the topics the alarms notify, when read live (topic ARN -> [(protocol, endpoint)])."""

    monitors: list[dict[str, Any]] = field(default_factory=list)
    metric_alarms: list[dict[str, Any]] = field(default_factory=list)
    composite_alarms: list[dict[str, Any]] = field(default_factory=list)
    subscriptions: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    origins: dict[int, str] = field(default_factory=dict)  # id(object) -> where it came from, for messages

    def extend(self, other: Estate) -> None:
        self.monitors += other.monitors
        self.metric_alarms += other.metric_alarms
        self.composite_alarms += other.composite_alarms
        self.subscriptions.update(other.subscriptions)
        self.origins.update(other.origins)

    def where(self, obj: dict[str, Any]) -> str:
        return self.origins.get(id(obj), "live")


def _load_json(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise VendorInputError(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise VendorInputError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise VendorInputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise VendorInputError(f"{path}:{exc.lineno}:{exc.colno}: not JSON: {exc.msg}") from None


Types = Mapping[str, Any]  # field -> a type or a tuple of types


def _check(where: str, obj: Any, required: Types, optional: Types) -> None:
    if not isinstance(obj, dict):
        raise VendorInputError(f"{where}: expected an object, got {type(obj).__name__}")
    for key in required:
        if key not in obj or obj[key] is None:
            raise VendorInputError(f"{where}.{key}: missing")
    for key, kind in {**required, **optional}.items():
        value = obj.get(key)
        if value is not None and (not isinstance(value, kind) or (isinstance(value, bool) and bool not in _tuple(kind))):
            raise VendorInputError(f"{where}.{key}: expected {_names(kind)}, got {json.dumps(value)[:60]}")
        if isinstance(value, float) and not math.isfinite(value):  # Python's json reads NaN, Infinity and 1e400
            raise VendorInputError(f"{where}.{key}: expected a finite number, got {value}")
        if key in COUNTS and isinstance(value, int) and value < 1:
            raise VendorInputError(f"{where}.{key}: expected a whole number of at least 1, got {value}")


def _tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def _names(kind: type | tuple[type, ...]) -> str:
    words = {str: "a string", int: "a number", float: "a number", list: "a list", dict: "an object", bool: "true or false"}
    return " or ".join(dict.fromkeys(words[k] for k in _tuple(kind)))


NUMBER = (int, float)
# At least 1 in the vendors' own references (PutMetricAlarm: Period, EvaluationPeriods, DatapointsToAlarm, MetricStat's
# Period): a 0 would be read as a window of nothing.
COUNTS = ("Period", "EvaluationPeriods", "DatapointsToAlarm")
MONITOR_FIELDS = {"type": str, "query": str}
MONITOR_OPTIONAL = {"id": int, "name": str, "message": str, "tags": list, "priority": int, "options": dict}
OPTION_TYPES = {"thresholds": dict, "notify_no_data": bool, "no_data_timeframe": NUMBER, "renotify_interval": NUMBER, "evaluation_delay": NUMBER,
                "require_full_window": bool, "timeout_h": NUMBER, "include_tags": bool, "notify_by": list}


def check_monitor(where: str, monitor: Any) -> dict[str, Any]:
    """A monitor object as Datadog's API reference shows it: the fields vigil reads, of their types."""
    _check(where, monitor, MONITOR_FIELDS, MONITOR_OPTIONAL)
    options = monitor.get("options") or {}
    _check(f"{where}.options", options, {}, OPTION_TYPES)
    for key, value in (options.get("thresholds") or {}).items():
        if value is not None and (not isinstance(value, NUMBER) or isinstance(value, bool) or not math.isfinite(value)):
            raise VendorInputError(f"{where}.options.thresholds.{key}: expected a finite number, got {json.dumps(value)[:60]}")
    for i, tag in enumerate(monitor.get("tags") or []):
        if not isinstance(tag, str):
            raise VendorInputError(f"{where}.tags[{i}]: expected a string, got {json.dumps(tag)[:60]}")
    return monitor


ALARM_FIELDS = {"AlarmName": str}
METRIC_ALARM_OPTIONAL = {
    "AlarmArn": str, "AlarmDescription": str, "ActionsEnabled": bool, "OKActions": list, "AlarmActions": list, "InsufficientDataActions": list,
    "MetricName": str, "Namespace": str, "Statistic": str, "ExtendedStatistic": str, "Dimensions": list, "Period": int, "Unit": str,
    "EvaluationPeriods": int, "DatapointsToAlarm": int, "Threshold": NUMBER, "ComparisonOperator": str, "TreatMissingData": str,
    "Metrics": list, "ThresholdMetricId": str,
}
COMPOSITE_ALARM_OPTIONAL = {
    "AlarmArn": str, "AlarmDescription": str, "ActionsEnabled": bool, "OKActions": list, "AlarmActions": list, "InsufficientDataActions": list,
    "AlarmRule": str, "ActionsSuppressor": str, "ActionsSuppressorWaitPeriod": int, "ActionsSuppressorExtensionPeriod": int,
}


def _actions(where: str, alarm: dict[str, Any]) -> None:
    for key in ("AlarmActions", "OKActions", "InsufficientDataActions"):
        for i, action in enumerate(alarm.get(key) or []):
            if not isinstance(action, str):
                raise VendorInputError(f"{where}.{key}[{i}]: expected an ARN (a string), got {json.dumps(action)[:60]}")


def check_metric_alarm(where: str, alarm: Any) -> dict[str, Any]:
    _check(where, alarm, ALARM_FIELDS, METRIC_ALARM_OPTIONAL)
    _actions(where, alarm)
    for i, dim in enumerate(alarm.get("Dimensions") or []):
        _check(f"{where}.Dimensions[{i}]", dim, {"Name": str, "Value": str}, {})
    for i, query in enumerate(alarm.get("Metrics") or []):
        _check(f"{where}.Metrics[{i}]", query, {"Id": str}, {"MetricStat": dict, "Expression": str, "Label": str, "ReturnData": bool, "Period": int})
        stat = query.get("MetricStat")
        if stat is not None:
            _check(f"{where}.Metrics[{i}].MetricStat", stat, {"Metric": dict, "Stat": str, "Period": int}, {"Unit": str})
            _check(f"{where}.Metrics[{i}].MetricStat.Metric", stat["Metric"], {"MetricName": str}, {"Namespace": str, "Dimensions": list})
            for j, dim in enumerate(stat["Metric"].get("Dimensions") or []):
                _check(f"{where}.Metrics[{i}].MetricStat.Metric.Dimensions[{j}]", dim, {"Name": str, "Value": str}, {})
    if alarm.get("MetricName") is None and not alarm.get("Metrics"):
        raise VendorInputError(f"{where}: neither MetricName nor Metrics: not a metric alarm as describe-alarms prints one")
    if alarm.get("MetricName") is not None and alarm.get("Period") is None:
        raise VendorInputError(f"{where}.Period: missing (an alarm on one metric has its period, in seconds)")
    return alarm


def check_composite_alarm(where: str, alarm: Any) -> dict[str, Any]:
    _check(where, alarm, {**ALARM_FIELDS, "AlarmRule": str}, COMPOSITE_ALARM_OPTIONAL)
    _actions(where, alarm)
    return alarm


def read_datadog_file(path: Path) -> Estate:
    """A JSON list of monitors (`GET /api/v1/monitor`), or one monitor object (the UI's export)."""
    data = _load_json(path)
    if isinstance(data, dict) and not {"type", "query"} & set(data):
        keys = ", ".join(sorted(data)[:6]) or "none"
        raise VendorInputError(
            f"{path}: expected the JSON list GET /api/v1/monitor returns, or one exported monitor (with type and query); "
            f"got an object with keys {keys}"
        )
    items = data if isinstance(data, list) else [data]
    estate = Estate()
    for i, item in enumerate(items):
        where = f"{path}: [{i}]" if isinstance(data, list) else f"{path}: monitor"
        estate.monitors.append(check_monitor(where, item))
        estate.origins[id(item)] = f"{path} [{i}]" if isinstance(data, list) else str(path)
    return estate


def read_cloudwatch_file(path: Path) -> Estate:
    """`aws cloudwatch describe-alarms` output: `MetricAlarms` and `CompositeAlarms` (either may be absent)."""
    data = _load_json(path)
    if not isinstance(data, dict) or not ({"MetricAlarms", "CompositeAlarms"} & set(data)):
        raise VendorInputError(f"{path}: expected the JSON of `aws cloudwatch describe-alarms`: an object with MetricAlarms and/or CompositeAlarms")
    estate = Estate()
    for key, check, into in (("MetricAlarms", check_metric_alarm, estate.metric_alarms), ("CompositeAlarms", check_composite_alarm, estate.composite_alarms)):
        items = data.get(key) or []
        if not isinstance(items, list):
            raise VendorInputError(f"{path}: {key}: expected a list")
        for i, item in enumerate(items):
            into.append(check(f"{path}: {key}[{i}]", item))
            estate.origins[id(item)] = f"{path} {key}[{i}]"
    return estate


# ---- live ---------------------------------------------------------------------------------------------------------


def read_datadog_live(api_url: str, monitor_tags: Sequence[str] = ()) -> Estate:
    """Every monitor carrying the tags (`service:api`), through datadog-api-client's `list_monitors`, page by page.
    Keys from DD_API_KEY and DD_APP_KEY (the client's own variables); read-only."""
    from datadog_api_client import ApiClient, Configuration
    from datadog_api_client.exceptions import OpenApiException
    from datadog_api_client.v1.api.monitors_api import MonitorsApi
    from urllib3.exceptions import HTTPError  # the client's transport: a name that does not resolve, retries exhausted

    configuration = Configuration(host=datadog_host(api_url))
    configuration.enable_retry = True
    estate = Estate()
    try:
        with ApiClient(configuration) as client:
            api = MonitorsApi(client)
            filters: list[Optional[str]] = list(monitor_tags) or [None]
            seen: set[Any] = set()
            for tags in filters:
                pages = api.list_monitors_with_pagination(page_size=100, monitor_tags=tags) if tags else api.list_monitors_with_pagination(page_size=100)
                for monitor in pages:
                    data = _plain(monitor.to_dict())
                    if data.get("id") in seen:
                        continue
                    seen.add(data.get("id"))
                    estate.monitors.append(check_monitor(f"Datadog monitor {data.get('id')}", data))
    except OpenApiException as exc:
        raise VendorReadError(f"Datadog ({configuration.host}): {str(exc).splitlines()[0]}") from None
    except (OSError, HTTPError) as exc:
        raise VendorReadError(f"Datadog ({configuration.host}): {transport_reason(exc)}") from None
    return estate


def _plain(value: Any) -> Any:
    """The SDK's model dict as JSON would carry it (dates as text)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def aws_client(service: str, region: str, role_arn: Optional[str] = None, external_id: Optional[str] = None) -> Any:
    """A boto3 client in `region`, in the credentials' account or, assuming `role_arn`, in another one."""
    import boto3

    if role_arn is None:
        return boto3.client(service, region_name=region)
    params = {"RoleArn": role_arn, "RoleSessionName": "vigil-read"}
    if external_id:
        params["ExternalId"] = external_id
    creds = boto3.client("sts", region_name=region).assume_role(**params)["Credentials"]
    return boto3.client(
        service, region_name=region, aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )


def read_cloudwatch_live(region: str, prefix: Optional[str] = None, role_arn: Optional[str] = None, external_id: Optional[str] = None,
                         subscriptions: bool = True, tags: bool = False) -> Estate:
    """DescribeAlarms (metric and composite, by name prefix), and the subscriptions of the SNS topics they notify
    (ListSubscriptionsByTopic); with `tags`, each alarm's tags (ListTagsForResource) under `Tags`. Read-only."""
    from botocore.exceptions import BotoCoreError, ClientError

    estate = Estate()
    try:
        cloudwatch = aws_client("cloudwatch", region, role_arn, external_id)
        kwargs: dict[str, Any] = {"AlarmTypes": ["MetricAlarm", "CompositeAlarm"]}
        if prefix:
            kwargs["AlarmNamePrefix"] = prefix
        for page in cloudwatch.get_paginator("describe_alarms").paginate(**kwargs):
            for alarm in page.get("MetricAlarms", []):
                estate.metric_alarms.append(check_metric_alarm(f"CloudWatch alarm {alarm.get('AlarmName')}", _plain(alarm)))
            for alarm in page.get("CompositeAlarms", []):
                estate.composite_alarms.append(check_composite_alarm(f"CloudWatch alarm {alarm.get('AlarmName')}", _plain(alarm)))
        if tags:
            for alarm in [*estate.metric_alarms, *estate.composite_alarms]:
                if alarm.get("AlarmArn"):
                    found = cloudwatch.list_tags_for_resource(ResourceARN=alarm["AlarmArn"]).get("Tags", [])
                    alarm["Tags"] = {t["Key"]: t["Value"] for t in found}
        if subscriptions:
            sns = aws_client("sns", region, role_arn, external_id)
            for topic in sorted(_topics([*estate.metric_alarms, *estate.composite_alarms])):
                try:
                    pages = sns.get_paginator("list_subscriptions_by_topic").paginate(TopicArn=topic)
                    estate.subscriptions[topic] = [(s["Protocol"], s["Endpoint"]) for p in pages for s in p.get("Subscriptions", [])]
                except ClientError:
                    continue  # a topic of another account or region: its subscribers stay unknown (listed)
    except (BotoCoreError, ClientError) as exc:
        raise VendorReadError(f"CloudWatch ({region}): {exc}") from None
    return estate


def _topics(alarms: Iterable[dict[str, Any]]) -> set[str]:
    return {a for alarm in alarms for key in ("AlarmActions", "OKActions") for a in alarm.get(key) or [] if str(a).startswith("arn:") and ":sns:" in a}
