"""Which planned resources alert, and whom they notify: Datadog handles in messages, SNS subscriptions behind alarm actions.

How "who is notified" is read from a resource's inputs — the handle grammar, Datadog's conditional message blocks,
alarm actions, alarms and monitors heard through composites — has one home, policy/rules.py (the organisation's
policies, which the CrossGuard pack and `vigil validate` apply; it imports only the standard library). This module
reads an offline plan with those functions: the offline plan's topic references (an alarm's action is a placeholder
such as `${api-page.arn}` naming the topic resource it points at) resolved to the endpoints subscribed. The docs
generator and the test kit use the functions over a `Plan`; the diff, which works on plan documents (plain dicts),
uses the string-level ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Optional

from policy import rules
from policy.rules import SENTRY_ISSUE_ALERT, SENTRY_METRIC_ALERT, SUBSCRIPTION

if TYPE_CHECKING:  # types only: the diff imports this module without paying for the Pulumi SDK
    from .engine import Plan, PlannedResource

# Read here, defined there: the handle grammar, `@handles` of a text, the part of a message rendered in a state.
HANDLE = rules.HANDLE
handles = rules.handles
message_for = rules.message_for

# Sentry issue-alert actions by rule id: how each names its target (the metric alert's say type and target).
_SENTRY_ACTIONS = {
    "sentry.mail.actions.NotifyEmailAction": lambda a: f"sentry-{str(a.get('targetType', '')).lower()}:{a.get('targetIdentifier')}",
    "sentry.integrations.slack.notify_action.SlackNotifyServiceAction": lambda a: f"slack:{a.get('workspace')}:{a.get('channel')}",
    "sentry.integrations.pagerduty.notify_action.PagerDutyNotifyServiceAction": lambda a: f"pagerduty:{a.get('account')}:{a.get('service')}",
    "sentry.integrations.opsgenie.notify_action.OpsgenieNotifyTeamAction": lambda a: f"opsgenie:{a.get('account')}:{a.get('team')}",
}
_PLACEHOLDER = re.compile(r"^\$\{(?P<name>[^.}]+)\.(?P<attr>[A-Za-z]+)\}$")
_BLOCK = re.compile(r"\{\{#(\w+)\}\}(.*?)\{\{/\1\}\}", re.S)


def policy_resource(resource: PlannedResource) -> rules.Resource:
    """What the organisation's policies see of a planned resource: its type, name, inputs, protect and retainOnDelete
    options, and the resources its inputs reference (the plan's `${<name>.<attribute>}` placeholders)."""
    options = resource.options
    return rules.Resource(
        resource.type, resource.name, resource.inputs, options.get("protect"), options.get("retainOnDelete"), rules.from_placeholders(resource.inputs)
    )


def is_monitor(resource: PlannedResource) -> bool:
    """A Datadog resource that alerts people: monitors (threshold, burn-rate, composite) and synthetic tests."""
    return rules.is_monitor(resource.type)


def is_alarm(resource: PlannedResource) -> bool:
    """A CloudWatch alarm of any kind (metric alarm, composite alarm)."""
    return rules.is_alarm(resource.type)


def is_alerting(resource: PlannedResource) -> bool:
    return is_monitor(resource) or is_alarm(resource)


def is_sentry_alert(resource: PlannedResource) -> bool:
    """A Sentry alert rule (issue or metric alert): it notifies through Sentry's own integrations."""
    return resource.type in (SENTRY_ISSUE_ALERT, SENTRY_METRIC_ALERT)


def sentry_targets(resource: PlannedResource, when: Optional[str] = None) -> list[str]:
    """Whom a Sentry alert notifies: `sentry-team:<id>`, `sentry-member:<id>`, `slack:<workspace>:<channel>`,
    `pagerduty:<account>:<service>`, `opsgenie:<account>:<team>`. For a metric alert, `when` ('critical' or
    'warning') keeps that trigger's targets only."""
    found: set[str] = set()
    if resource.type == SENTRY_ISSUE_ALERT:
        for action in resource.inputs.get("actions") or []:
            name = _SENTRY_ACTIONS.get(str(action.get("id")))
            found.add(name(action) if name else str(action.get("id")))
    else:
        kinds = {"team": "sentry-team", "user": "sentry-member"}
        for trigger in resource.inputs.get("triggers") or []:
            if when is not None and trigger.get("label") != when:
                continue
            for action in trigger.get("actions") or []:
                kind = kinds.get(str(action.get("targetType"))) if action.get("type") == "email" else action.get("type")
                integration = f"{action.get('integrationId')}:" if action.get("integrationId") is not None else ""
                found.add(f"{kind}:{integration}{action.get('targetIdentifier')}")
    return sorted(found)


def topic_of(reference: str) -> Optional[str]:
    """The topic resource an offline plan's reference names: `${api-page.arn}` → `api-page`; None for anything else."""
    match = _PLACEHOLDER.match(reference)
    return match.group("name") if match else None


def _subscriptions(plan: Plan, action: str, protocol: bool) -> list[str]:
    """An action placeholder resolved to its topic's subscription endpoints; an unknown action stays as written.

    A topic nobody subscribes to notifies nobody: it adds no route (the policy pack's alarms-heard reads it so too)."""
    topic = topic_of(action)
    if topic is None:
        return [action]
    return sorted(
        f"{r.inputs.get('protocol')}:{r.inputs.get('endpoint')}" if protocol else str(r.inputs.get("endpoint"))
        for r in plan.resources
        if r.type == SUBSCRIPTION and topic_of(str(r.inputs.get("topic", ""))) == topic
    )


def handles_by_severity(message: str) -> dict[str, list[str]]:
    """@-handles by severity: inside `{{#is_alert}}` → page, `{{#is_warning}}` → ticket, outside any block → notify
    (every state); handles in other blocks (recovery, no data) are not counted."""
    out: dict[str, set[str]] = {}
    for block, body in _BLOCK.findall(message):
        severity = {"is_alert": "page", "is_warning": "ticket"}.get(block)
        if severity:
            out.setdefault(severity, set()).update(HANDLE.findall(body))
    always = set(HANDLE.findall(_BLOCK.sub(" ", message)))
    if always:
        out.setdefault("notify", set()).update(always)
    return {k: sorted(v) for k, v in out.items() if v}


def notified(
    plan: Plan,
    resource: PlannedResource,
    when: Optional[str] = None,
    protocol: bool = False,
    actions: tuple[str, ...] = ("alarmActions",),
) -> list[str]:
    """Who hears when the resource alerts: `@handles` of a Datadog message (only those rendered in state `when`,
    'alert' or 'warning', if given); the endpoints of the SNS subscriptions behind an alarm's actions (a secret
    endpoint reads `[secret]`; with `protocol`, each is prefixed by its protocol: `https:[secret]`); the targets of
    a Sentry alert (sentry_targets)."""
    if is_monitor(resource):
        message = str(resource.inputs.get("message", ""))
        return handles(message_for(message, when) if when else message)
    if is_sentry_alert(resource):
        return sentry_targets(resource, {"alert": "critical", "warning": "warning"}.get(when or "", when))
    found: set[str] = set()
    for key in actions:
        value: Any = resource.inputs.get(key) or []
        for action in value if isinstance(value, list) else [value]:
            found.update(_subscriptions(plan, str(action), protocol))
    return sorted(found)


def _heard(plan: Plan) -> tuple[dict[str, set[str]], set[str]]:
    """Each alarm's inputs and the names of every alarm someone hears (policy/rules.py's heard_alarms, the fixpoint
    the policy pack's alarms-heard reads: the test kit and the pack agree by construction)."""
    kinds = (rules.TOPIC, SUBSCRIPTION)
    return rules.heard_alarms([policy_resource(r) for r in plan.resources if is_alarm(r) or r.type in kinds])


def composite_users(plan: Plan, resource: PlannedResource, among: Optional[Iterable[PlannedResource]] = None) -> list[str]:
    """The composite monitors (of `among`, default the whole plan) whose query names the monitor and that notify
    someone: what a Datadog burn-rate tier is heard through (a composite monitor cannot be in another)."""
    candidates = [policy_resource(r) for r in (plan.resources if among is None else among) if r.type == rules.MONITOR]
    return rules.composite_users(resource.name, candidates)


def heard_through(plan: Plan, resource: PlannedResource) -> list[str]:
    """For an alarm or monitor that notifies nobody itself: what it is heard through all the same — the heard
    composite alarms that use it (a burn-rate window), or, for a composite roll-up, its inputs when every one of
    them is heard (so the roll-up never pages twice); for a monitor, the composite monitors that use it and notify
    (a Datadog burn-rate tier: one page for all the SLO's page tiers). Empty when nobody hears it."""
    if is_monitor(resource):
        return composite_users(plan, resource)
    inputs, heard = _heard(plan)
    name = rules.alarm_name(policy_resource(resource))
    users = sorted(other for other in heard if name in inputs[other])
    if users:
        return users
    own = inputs.get(name, set())
    return sorted(own) if own and own <= heard else []
