"""Which planned resources alert, and whom they notify: Datadog handles in messages, SNS subscriptions behind alarm actions.

Shared by the docs generator and the test kit, over the offline plan (where an alarm's action is a placeholder
such as `${api-page.arn}` naming the topic resource it points at).
"""

from __future__ import annotations

import re
from typing import Any, Optional

from .engine import Plan, PlannedResource
from .render.datadog_summary import handles

# Datadog resources that notify through `@handles` in their message.
DATADOG_NOTIFYING = ("datadog:index/monitor:Monitor", "datadog:index/syntheticsTest:SyntheticsTest")
TOPIC = "aws:sns/topic:Topic"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
_PLACEHOLDER = re.compile(r"^\$\{(?P<name>[^.}]+)\.(?P<attr>[A-Za-z]+)\}$")
ALARM_ACTIONS = ("alarmActions", "okActions", "insufficientDataActions")
_STATE_BLOCK = re.compile(r"\{\{([#^])(is_[a-z_]+)\}\}(.*?)\{\{/\2\}\}", re.S)
# Datadog conditional variables that render when a monitor enters each state.
_RENDERS_IN = {"alert": {"is_alert", "is_warning_to_alert"}, "warning": {"is_warning", "is_alert_to_warning"}}


def is_monitor(resource: PlannedResource) -> bool:
    """A Datadog resource that alerts people: monitors (threshold, burn-rate, composite) and synthetic tests."""
    return resource.type in DATADOG_NOTIFYING


def is_alarm(resource: PlannedResource) -> bool:
    """A CloudWatch alarm of any kind (metric alarm, composite alarm)."""
    return resource.type.startswith("aws:cloudwatch/") and resource.type.endswith("Alarm")


def is_alerting(resource: PlannedResource) -> bool:
    return is_monitor(resource) or is_alarm(resource)


def _topic(reference: str) -> Optional[str]:
    match = _PLACEHOLDER.match(reference)
    return match.group("name") if match else None


def _subscriptions(plan: Plan, action: str, protocol: bool) -> list[str]:
    """An action placeholder resolved to its topic's subscription endpoints; an unknown action stays as written."""
    topic = _topic(action)
    if topic is None:
        return [action]
    endpoints = [
        f"{r.inputs.get('protocol')}:{r.inputs.get('endpoint')}" if protocol else str(r.inputs.get("endpoint"))
        for r in plan.resources
        if r.type == SUBSCRIPTION and _topic(str(r.inputs.get("topic", ""))) == topic
    ]
    return sorted(endpoints) or [f"sns-topic:{topic} (no subscriptions)"]


def message_for(message: str, state: str) -> str:
    """The part of a Datadog message rendered when the monitor enters `state` ('alert' or 'warning')."""

    def keep(match: "re.Match[str]") -> str:
        inverted, variable, body = match.group(1) == "^", match.group(2), match.group(3)
        renders = variable in _RENDERS_IN[state]
        return body if renders != inverted else " "

    return _STATE_BLOCK.sub(keep, message)


def notified(
    plan: Plan,
    resource: PlannedResource,
    when: Optional[str] = None,
    protocol: bool = False,
    actions: tuple[str, ...] = ("alarmActions",),
) -> list[str]:
    """Who hears when the resource alerts: `@handles` of a Datadog message (only those rendered in state `when`,
    'alert' or 'warning', if given); the endpoints of the SNS subscriptions behind an alarm's actions (a secret
    endpoint reads `[secret]`; with `protocol`, each is prefixed by its protocol: `https:[secret]`)."""
    if is_monitor(resource):
        message = str(resource.inputs.get("message", ""))
        return handles(message_for(message, when) if when else message)
    found: set[str] = set()
    for key in actions:
        value: Any = resource.inputs.get(key) or []
        for action in value if isinstance(value, list) else [value]:
            found.update(_subscriptions(plan, str(action), protocol))
    return sorted(found)


_ALARM_REF = re.compile(r'ALARM\("([^"]+)"\)')


def _alarm_name(resource: PlannedResource) -> str:
    return str(resource.inputs.get("alarmName") or resource.inputs.get("name") or resource.name)


def heard_through(plan: Plan, resource: PlannedResource) -> list[str]:
    """For an alarm that notifies nobody itself: the alarms through which it is heard all the same — the composite
    alarms with actions that use it (a burn-rate window), or, for a composite roll-up, its inputs when every one of
    them notifies someone (so the roll-up never pages twice)."""
    alarms = {_alarm_name(r): r for r in plan.resources if is_alarm(r)}
    name = _alarm_name(resource)
    users = [
        other
        for other_name, other in sorted(alarms.items())
        if name in _ALARM_REF.findall(str(other.inputs.get("alarmRule", ""))) and notified(plan, other)
    ]
    if users:
        return [_alarm_name(u) for u in users]
    inputs = _ALARM_REF.findall(str(resource.inputs.get("alarmRule", "")))
    if inputs and all(i in alarms and (notified(plan, alarms[i]) or heard_through(plan, alarms[i])) for i in inputs):
        return sorted(inputs)
    return []
