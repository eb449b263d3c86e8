"""Putting a plan's monitors and alarms into the vendors' fakes the way `pulumi up` would: monitors created through
datadog-api-client on the local Datadog server (tests/vendors/datadog_server.py), alarms and topics through boto3 on
moto. What each returns afterwards is what the vendor holds for a clean stack."""

from __future__ import annotations

import re
from typing import Any

from vigil.adopt.compare import COMPOSITE_ALARM, METRIC_ALARM, MONITOR, SYNTHETIC, cloudwatch_stored, datadog_stored

PLACEHOLDER = re.compile(r"\$\{([^}.]+)\.(id|arn)\}")
REGION_OF_PROVIDER = re.compile(r"^aws-(?:[0-9]{12}-)?(?P<region>[a-z]{2}(?:-gov)?-[a-z]+-[0-9])$")
SLO_ID = "0123456789abcdef0123456789abcdef"


def _resolve(text: Any, values: dict[str, str]) -> Any:
    """Placeholders by the values known; an SLO's or a health check's id (resources the fakes do not hold) by a stand-in."""
    if isinstance(text, str):
        def value(m: re.Match[str]) -> str:
            if m.group(1) in values:
                return values[m.group(1)]
            return SLO_ID if m.group(1).endswith("-slo") or "-health-" in m.group(1) else m.group(0)

        return PLACEHOLDER.sub(value, text)
    if isinstance(text, list):
        return [_resolve(t, values) for t in text]
    if isinstance(text, dict):
        return {k: _resolve(v, values) for k, v in text.items()}
    return text


def create_monitors(plan: dict[str, Any], url: str, keys: tuple[str, str] = ("test-api-key", "test-app-key")) -> dict[str, int]:
    """Every planned monitor (and each synthetic test's monitor) created as the provider sends it; logical name → id."""
    from datadog_api_client import ApiClient, Configuration
    from datadog_api_client.model_utils import validate_and_convert_types
    from datadog_api_client.v1.api.monitors_api import MonitorsApi
    from datadog_api_client.v1.model.monitor import Monitor

    configuration = Configuration(host=url)
    configuration.api_key["apiKeyAuth"], configuration.api_key["appKeyAuth"] = keys
    ids: dict[str, int] = {}
    pending = [r for r in plan["resources"] if r["type"] in (MONITOR, SYNTHETIC)]
    with ApiClient(configuration) as client:
        api = MonitorsApi(client)
        for _ in range(4):  # composites name monitors created before them
            later = []
            for resource in pending:
                body = datadog_stored(resource)
                if resource["type"] == SYNTHETIC:
                    body["query"] = "no_query"
                body = _resolve(body, {k: str(v) for k, v in ids.items()})
                if "${" in str(body.get("query", "")):
                    later.append(resource)
                    continue
                body["options"] = {k: v for k, v in body["options"].items() if v is not None}
                body = {k: v for k, v in body.items() if v is not None}
                model = validate_and_convert_types(body, (Monitor,), ["body"], True, True, configuration)
                ids[resource["name"]] = int(api.create_monitor(model).id)
            pending = later
    return ids


def put_alarms(plan: dict[str, Any]) -> dict[str, str]:
    """Every planned topic (with its subscriptions) and alarm put with boto3 in its provider's region; topic logical
    name → ARN. Call under moto."""
    import boto3

    regions = {r["name"]: m.group("region") for r in plan["resources"] if (m := REGION_OF_PROVIDER.match(r["name"])) and r["type"] == "pulumi:providers:aws"}
    arns: dict[str, str] = {}
    for resource in plan["resources"]:
        if resource["type"] == "aws:sns/topic:Topic":
            sns = boto3.client("sns", region_name=regions[resource["options"]["provider"]])
            arns[resource["name"]] = sns.create_topic(Name=resource["inputs"]["name"])["TopicArn"]
    for resource in plan["resources"]:
        if resource["type"] == "aws:sns/topicSubscription:TopicSubscription":
            sns = boto3.client("sns", region_name=regions[resource["options"]["provider"]])
            inputs = _resolve(resource["inputs"], arns)
            endpoint = inputs["endpoint"] if inputs["endpoint"] != "[secret]" else "https://events.pagerduty.com/integration/secret/enqueue"
            sns.subscribe(TopicArn=inputs["topic"], Protocol=inputs["protocol"], Endpoint=endpoint)
    for kind in (METRIC_ALARM, COMPOSITE_ALARM):
        for resource in plan["resources"]:
            if resource["type"] != kind:
                continue
            cloudwatch = boto3.client("cloudwatch", region_name=regions[resource["options"]["provider"]])
            alarm = _resolve(cloudwatch_stored(resource), arns)
            tags = [{"Key": k, "Value": v} for k, v in sorted((resource["inputs"].get("tags") or {}).items())]
            params = {k: v for k, v in alarm.items() if v is not None and v != []}
            params["Tags"] = tags
            if kind == METRIC_ALARM:
                cloudwatch.put_metric_alarm(**params)
            else:
                cloudwatch.put_composite_alarm(**params)
    return arns


def moto_composite_alarms() -> None:
    """moto 5 stores composite alarms (an alarm with a rule: DescribeAlarms lists it under CompositeAlarms) but does not
    route PutCompositeAlarm; this routes it to the same store, with the actions suppressor kept as DescribeAlarms prints it."""
    from moto.cloudwatch.responses import CloudWatchResponse
    from moto.core.responses import EmptyResult

    def put_composite_alarm(self: Any) -> Any:
        self.put_metric_alarm()
        alarm = self.cloudwatch_backend.alarms[self._get_param("AlarmName")]
        alarm.actions_suppressor = self._get_param("ActionsSuppressor")
        alarm.actions_suppressor_wait_period = self._get_param("ActionsSuppressorWaitPeriod")
        alarm.actions_suppressor_extension_period = self._get_param("ActionsSuppressorExtensionPeriod")
        return EmptyResult()

    CloudWatchResponse.put_composite_alarm = put_composite_alarm  # type: ignore[attr-defined]
