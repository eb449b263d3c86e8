"""Organisation policies as pure functions over a resource's type and props (camelCase inputs).

Written once, used three times:
- `vigil validate`, every plan and the program itself apply them to each service's declarations before anything is
  planned or deployed, and report a violation at the spec line that causes it (program/policies.py);
- the project's tests apply them to every resource of the offline plans of both stacks (tests/test_policies.py, which
  also proves the declarations show them the plan's very resources);
- the CrossGuard policy pack (`__main__.py`) applies them at `pulumi preview --policy-pack policy`.

This module imports nothing but the standard library: the policy pack runs it in its own environment, and the
tests import it without `pulumi_policy`. It is the one home of how "who is notified" is read from resource inputs
(the handle grammar, Datadog's alert-state message blocks, alarm actions, alarms and monitors heard through
composites): vigil/routing.py reads plans with these functions (docs, test kit, replay), so the pack, validation and
the tools cannot disagree.

Props may be CrossGuard's read-only proxies, so only the Mapping and Sequence interfaces are used; reading a
value unknown during preview raises CrossGuard's UnknownValueError, which CrossGuard reports as "can't run
policy during preview".

What CrossGuard can and cannot see:
- props are the resource's *inputs*: a Datadog monitor's message, an alarm's actions and description, tags,
  a log group's retentionInDays and skipDestroy. Outputs (ids, ARNs of resources being created) are unknown in
  a preview of new resources; `pulumi up` checks each resource again before creating it, when they are known.
- options: `protect` is visible (PolicyResourceOptions.protect); `retainOnDelete` is NOT — so a prod log group
  passes when it is protected, sets `skipDestroy`, or (in the offline plan, where options are recorded) is
  retained on delete.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Optional

MONITOR = "datadog:index/monitor:Monitor"
SYNTHETICS = "datadog:index/syntheticsTest:SyntheticsTest"
DATADOG_DASHBOARD = "datadog:index/dashboard:Dashboard"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
TOPIC = "aws:sns/topic:Topic"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
DATADOG_NOTIFYING = (MONITOR, SYNTHETICS)
SENTRY_ISSUE_ALERT = "sentry:index/sentryIssueAlert:SentryIssueAlert"
SENTRY_METRIC_ALERT = "sentry:index/sentryMetricAlert:SentryMetricAlert"

# Types that take tags: they must carry team, service and env even when the program forgot the `tags` input.
TAGGABLE = frozenset(
    {
        MONITOR,
        SYNTHETICS,
        DATADOG_DASHBOARD,
        "datadog:index/serviceLevelObjective:ServiceLevelObjective",
        LOG_GROUP,
        TOPIC,
        "aws:cloudwatch/metricAlarm:MetricAlarm",
        "aws:cloudwatch/compositeAlarm:CompositeAlarm",
        "aws:route53/healthCheck:HealthCheck",
    }
)
# Datadog dashboards accept only `team:<name>` tags.
REQUIRED_TAGS_BY_TYPE = {DATADOG_DASHBOARD: ("team",)}

HANDLE = re.compile(r"(?<![\w@])@[A-Za-z0-9][A-Za-z0-9_.+\-@]*[A-Za-z0-9]")  # monitors/datadog/messages.py writes these
_STATE_BLOCK = re.compile(r"\{\{([#^])(is_[a-z_]+)\}\}(.*?)\{\{/\2\}\}", re.S)
# Datadog conditional blocks that render whenever a monitor enters each state. Transition-only blocks
# ({{#is_warning_to_alert}}) render on one path into the state, so their handles are not counted.
RENDERS_IN = {"alert": {"is_alert"}, "warning": {"is_warning"}, "recovery": {"is_recovery"}, "no_data": {"is_no_data"}}
_PLACEHOLDER = re.compile(r"\$\{(?P<name>[^.}]+)\.[A-Za-z]+\}")


@dataclass(frozen=True)
class Org:
    """The organisation's conventions; the policy pack reads overrides from its policy config."""

    page_handles: str = r"^@(pagerduty|opsgenie|victorops)"  # a Datadog handle that wakes someone up
    page_targets: str = r"(?<![a-z])page(?![a-z])"  # an alarm action (SNS topic name or ARN) that pages
    runbook_link: str = r"https://\S*(docs/services/[A-Za-z0-9_.\-]+\.md#[A-Za-z0-9_\-]+|runbook)"
    required_tags: tuple[str, ...] = ("team", "service", "env")
    production: tuple[str, ...] = ("prod",)  # values of the env tag that count as production
    min_prod_retention_days: int = 30

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Org:
        known = {k: config[k] for k in cls.__dataclass_fields__ if k in config}
        for key in ("required_tags", "production"):
            if key in known:
                known[key] = tuple(known[key])
        return cls(**known)


# The organisation's overrides of Org, one home for the pack, `vigil validate` and the tests of the user's catalog:
# Pulumi's policy-pack-config format, `{"<policy>": {"<property>": value}}` (https://www.pulumi.com/docs/iac/using-pulumi/crossguard/configuration/),
# e.g. {"prod-logs-retained": {"min_prod_retention_days": 90}}. The pack reads it beside this file; a
# `--policy-pack-config` given to `pulumi preview` still applies on top, but only there.
CONFIG_FILE = Path(__file__).with_name("config.json")
ENFORCEMENT = "enforcementLevel"
ENFORCEMENT_LEVELS = ("advisory", "mandatory", "remediate", "disabled")


class ConfigError(ValueError):
    """The policy config is wrong: what, and at which line of the file."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.line, self.column = line, column


def _config_value(policy: str, key: str, value: Any) -> Optional[str]:
    """Why `value` cannot be the property `key` of Org, or None."""
    default = next((f.default for f in fields(Org) if f.name == key), None)
    if key == ENFORCEMENT:
        return None if value in ENFORCEMENT_LEVELS else f"one of {', '.join(ENFORCEMENT_LEVELS)}"
    if isinstance(default, bool) or default is None:
        return f"a property of the policies: {', '.join(f.name for f in fields(Org))} (or {ENFORCEMENT})"
    if isinstance(default, int):
        return None if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else "a whole number, 0 or more"
    if isinstance(default, tuple):
        return None if isinstance(value, list) and all(isinstance(v, str) and v for v in value) else "a list of non-empty strings"
    if not isinstance(value, str):
        return "a regular expression (a string)"
    try:
        re.compile(value)
    except re.error as exc:
        return f"a regular expression ({exc})"
    return None


def read_config(path: Optional[Path] = None) -> dict[str, Any]:
    """The organisation's policy config (`path`, else CONFIG_FILE; none: the defaults of Org), checked: known policies,
    known properties of the types Org gives them. Raises ConfigError."""
    path = CONFIG_FILE if path is None else path
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigError(f"cannot be read: {exc.strerror or exc}") from None
    try:
        config = json.loads(text)
    except ValueError as exc:
        raise ConfigError(f"not JSON: {getattr(exc, 'msg', exc)}", getattr(exc, "lineno", 1), getattr(exc, "colno", 1)) from None
    if not isinstance(config, dict):
        raise ConfigError('expected an object of policies, e.g. {"prod-logs-retained": {"min_prod_retention_days": 90}}')
    names = [r.name for r in RESOURCE_RULES] + [name for name, _, _ in STACK_RULES]
    for policy, settings in config.items():
        at = max(0, text.find(json.dumps(policy)))
        line = text[:at].count("\n") + 1
        if policy == "all":
            if settings not in ENFORCEMENT_LEVELS and not (isinstance(settings, dict) and set(settings) <= {ENFORCEMENT}):
                raise ConfigError(f"all: an enforcement level ({', '.join(ENFORCEMENT_LEVELS)})", line)
            continue
        if policy not in names:
            raise ConfigError(f"{policy}: no such policy; the policies are {', '.join(names)}", line)
        if isinstance(settings, str) and settings in ENFORCEMENT_LEVELS:
            continue
        if not isinstance(settings, dict):
            raise ConfigError(f"{policy}: expected an object of properties, or an enforcement level", line)
        for key, value in settings.items():
            why = _config_value(policy, key, value)
            if why is not None:
                found = text.find(json.dumps(key), at)  # the property's own line, below its policy's
                raise ConfigError(f"{policy}.{key}: expected {why}, got {json.dumps(value)}", text[:found].count("\n") + 1 if found >= 0 else line)
    return config


def enforcement(config: Mapping[str, Any], policy: str) -> str:
    """The enforcement level the config gives one policy, with Pulumi's precedence: its own, else `all`'s, else
    mandatory. "disabled" turns the policy off everywhere it is applied (the pack, validation, the tests)."""
    for entry in (config.get(policy), config.get("all")):
        if isinstance(entry, str):
            return entry
        if isinstance(entry, Mapping) and ENFORCEMENT in entry:
            return str(entry[ENFORCEMENT])
    return "mandatory"


def enabled(config: Mapping[str, Any], policy: str) -> bool:
    return enforcement(config, policy) != "disabled"


def org_for(config: Mapping[str, Any], policy: str, *overrides: Mapping[str, Any]) -> Org:
    """The conventions one policy applies: the config file's properties for it, then any given on top."""
    entry = config.get(policy)
    merged: dict[str, Any] = dict(entry) if isinstance(entry, Mapping) else {}
    for more in overrides:
        merged.update(more)
    return Org.from_config(merged)


@dataclass(frozen=True)
class Resource:
    """What a policy sees of one resource. `None` options are options the caller cannot see."""

    type: str
    name: str
    props: Mapping[str, Any]
    protect: Optional[bool] = None
    retain_on_delete: Optional[bool] = None
    depends: Mapping[str, Sequence[str]] = field(default_factory=dict)  # input -> names of resources it references


Check = Callable[[Resource, Org], list[str]]

# --- reading props ---------------------------------------------------------------------------------------------


def _seq(value: Any) -> list[Any]:
    if value is None or isinstance(value, (str, bytes)):
        return [] if value is None else [value]
    return list(value) if isinstance(value, Sequence) else []


def tag_map(props: Mapping[str, Any]) -> dict[str, str]:
    """Tags as a map, from a Datadog `k:v` list or an AWS map."""
    tags = props.get("tags")
    if isinstance(tags, Mapping):
        return {str(k): str(v) for k, v in tags.items()}
    out: dict[str, str] = {}
    for tag in _seq(tags):
        key, _, value = str(tag).partition(":")
        out[key] = value
    return out


def is_monitor(type_: str) -> bool:
    return type_ in DATADOG_NOTIFYING


def is_alarm(type_: str) -> bool:
    return type_.startswith("aws:cloudwatch/") and type_.endswith("Alarm")


def message_of(res: Resource) -> str:
    if is_monitor(res.type):
        return str(res.props.get("message") or "")
    return str(res.props.get("alarmDescription") or "")


def handles(text: str) -> list[str]:
    """The Datadog `@handles` in a text, sorted, each once."""
    return sorted(set(HANDLE.findall(text)))


def message_for(message: str, state: str) -> str:
    """The part of a Datadog message rendered when the monitor enters `state` ('alert', 'warning', 'recovery' or
    'no_data'): `{{#is_<x>}}` blocks kept when x renders in it, `{{^is_<x>}}` blocks when it does not (nested ones too)."""

    def keep(match: re.Match[str]) -> str:
        inverted, variable, body = match.group(1) == "^", match.group(2), match.group(3)
        return body if (variable in RENDERS_IN[state]) != inverted else " "

    rendered = _STATE_BLOCK.sub(keep, message)
    while rendered != message:  # a kept block's body may hold blocks of its own
        message, rendered = rendered, _STATE_BLOCK.sub(keep, rendered)
    return rendered


def handles_on_alert(message: str) -> list[str]:
    """Handles notified when a monitor enters its alert state (outside warning, recovery and no-data blocks)."""
    return handles(message_for(message, "alert"))


def alarm_targets(res: Resource) -> list[str]:
    """What an alarm notifies when it fires: resource names it references (when known), else the action strings."""
    if res.props.get("actionsEnabled") is False:
        return []
    if res.depends.get("alarmActions"):
        return sorted(res.depends["alarmActions"])
    return sorted(str(a) for a in _seq(res.props.get("alarmActions")))


def environment(res: Resource) -> Optional[str]:
    return tag_map(res.props).get("env")


def _word(word: str, text: str) -> bool:
    return re.search(rf"(?<![a-z]){word}(?![a-z])", text) is not None


def severity(res: Resource) -> Optional[str]:
    """'critical', 'warning' or None (cannot tell). In order: a `severity` tag (critical/page, warning/ticket);
    a Datadog priority (1 is critical, others are not); the name (words critical/page or warning/ticket);
    a Datadog monitor with a critical threshold (it alerts at critical). Builders should set the tag."""
    tag = tag_map(res.props).get("severity")
    if tag in ("critical", "page"):
        return "critical"
    if tag in ("warning", "ticket"):
        return "warning"
    if not (is_monitor(res.type) or is_alarm(res.type)):
        return None
    if is_monitor(res.type):
        options = res.props.get("optionsList")
        priority = res.props.get("priority")
        if priority is None and isinstance(options, Mapping):
            priority = options.get("monitorPriority")
        if priority is not None:
            return "critical" if int(priority) == 1 else "warning"
    name = str(res.props.get("alarmName") or res.props.get("name") or res.name).lower()
    if _word("critical", name) or _word("page", name):
        return "critical"
    if _word("warning", name) or _word("ticket", name):
        return "warning"
    thresholds = res.props.get("monitorThresholds")
    if res.type == MONITOR and isinstance(thresholds, Mapping) and thresholds.get("critical") is not None:
        return "critical"
    return None


# --- the policies ------------------------------------------------------------------------------------------------


def is_composite_monitor(res: Resource) -> bool:
    return res.type == MONITOR and res.props.get("type") == "composite"


def routes_somewhere(res: Resource, org: Org) -> list[str]:
    """Every alert routes somewhere: a synthetic test's or composite monitor's message names a handle (nothing can
    use them to notify). A monitor without a handle may still be heard through a composite monitor, and an alarm
    without actions through a composite alarm: that needs the whole stack (monitors_heard, alarms_heard below)."""
    if (res.type == SYNTHETICS or is_composite_monitor(res)) and not HANDLE.search(message_of(res)):
        return [f"{res.name}: the monitor's message notifies nobody (no @handle)"]
    return []


def sentry_alerts_notify(res: Resource, org: Org) -> list[str]:
    """A Sentry issue alert has an action; every trigger of a Sentry metric alert has one (Sentry accepts a trigger
    without actions, which notifies nobody)."""
    if res.type == SENTRY_ISSUE_ALERT and not _seq(res.props.get("actions")):
        return [f"{res.name}: the Sentry issue alert has no action: nobody hears it"]
    if res.type == SENTRY_METRIC_ALERT:
        triggers = [t for t in _seq(res.props.get("triggers")) if isinstance(t, Mapping)]
        return [f"{res.name}: the {t.get('label')} trigger has no action: nobody hears it" for t in triggers if not _seq(t.get("actions"))]
    return []


def prod_critical_pages(res: Resource, org: Org) -> list[str]:
    """In production, a critical alert notifies the page route when it fires."""
    if environment(res) not in org.production or severity(res) != "critical":
        return []
    if is_monitor(res.type):
        handles = handles_on_alert(message_of(res))
        if not HANDLE.search(message_of(res)) and not is_composite_monitor(res) and res.type != SYNTHETICS:
            return []  # it tells nobody itself: the composite monitor that uses it pages (monitors_heard checks one does)
        if not any(re.search(org.page_handles, h) for h in handles):
            return [f"{res.name}: critical in production but notifies no paging handle on alert (got {', '.join(handles) or 'none'})"]
    if is_alarm(res.type):
        targets = alarm_targets(res)
        if not any(re.search(org.page_targets, t.lower()) for t in targets):
            return [f"{res.name}: critical in production but its alarm actions reach no page topic (got {', '.join(targets) or 'none'})"]
    return []


def tagged(res: Resource, org: Org) -> list[str]:
    """Every taggable resource carries team, service and env tags with values."""
    if res.type not in TAGGABLE and "tags" not in res.props:
        return []
    tags = tag_map(res.props)
    required = REQUIRED_TAGS_BY_TYPE.get(res.type, org.required_tags)
    missing = [k for k in required if not tags.get(k)]
    return [f"{res.name}: missing tag(s) {', '.join(missing)}"] if missing else []


def prod_logs_retained(res: Resource, org: Org) -> list[str]:
    """Production log groups have a retention policy of at least the minimum, and survive their removal."""
    if res.type != LOG_GROUP or environment(res) not in org.production:
        return []
    out = []
    days = res.props.get("retentionInDays")
    if not days:
        out.append(f"{res.name}: production log group without retentionInDays")
    elif int(days) < org.min_prod_retention_days:
        out.append(f"{res.name}: production log group keeps logs {int(days)} days, less than {org.min_prod_retention_days}")
    kept = bool(res.protect) or bool(res.retain_on_delete) or bool(res.props.get("skipDestroy"))
    if not kept:
        seen = "" if res.retain_on_delete is not None else " (retainOnDelete cannot be seen here)"
        out.append(f"{res.name}: production log group is neither protected, retained on delete nor skipDestroy{seen}")
    return out


def links_runbook(res: Resource, org: Org) -> list[str]:
    """Every monitor and alarm links a runbook (its generated doc section, or a runbook URL) in its text."""
    if not (is_monitor(res.type) or is_alarm(res.type)):
        return []
    if not re.search(org.runbook_link, message_of(res)):
        field_name = "message" if is_monitor(res.type) else "alarmDescription"
        return [f"{res.name}: its {field_name} links no runbook"]
    return []


def alarm_topics_have_subscribers(resources: Sequence[Resource], org: Org) -> list[str]:
    """Stack-wide: every SNS topic an alarm notifies has at least one subscription."""
    subscribed = {name for r in resources if r.type == SUBSCRIPTION for name in r.depends.get("topic", [])}
    topics = {r.name for r in resources if r.type == TOPIC}
    out = []
    for alarm in (r for r in resources if is_alarm(r.type)):
        for target in alarm.depends.get("alarmActions", []):
            if target in topics and target not in subscribed:
                out.append(f"{alarm.name}: notifies topic {target}, which has no subscription")
    return out


_ALARM_REF = re.compile(r'ALARM\("([^"]+)"\)')


def alarm_name(res: Resource) -> str:
    """The name composite alarm rules use for an alarm (its alarmName or name input, else its resource name)."""
    return str(res.props.get("alarmName") or res.props.get("name") or res.name)


def heard_alarms(resources: Sequence[Resource]) -> tuple[dict[str, set[str]], set[str]]:
    """Each alarm's inputs (the alarms its rule names), by alarm name, and the names of every alarm someone hears: those
    whose actions reach someone (a topic of the stack nobody subscribes to reaches nobody), then, until nothing changes,
    those feeding a heard composite (a burn-rate window) and composites whose every input is heard (a roll-up that
    must not page twice)."""
    topics = {r.name for r in resources if r.type == TOPIC}
    subscribed = {name for r in resources if r.type == SUBSCRIPTION for name in r.depends.get("topic", [])}
    alarms = {alarm_name(r): r for r in resources if is_alarm(r.type)}
    inputs = {name: set(_ALARM_REF.findall(str(r.props.get("alarmRule", "")))) for name, r in alarms.items()}
    heard = {name for name, r in alarms.items() if any(t not in topics or t in subscribed for t in alarm_targets(r))}
    changed = True
    while changed:
        changed = False
        for name in sorted(set(alarms) - heard):
            feeds_heard = any(name in inputs[other] for other in heard)
            rolls_up_heard = bool(inputs[name]) and inputs[name] <= heard
            if feeds_heard or rolls_up_heard:
                heard.add(name)
                changed = True
    return inputs, heard


def alarms_heard(resources: Sequence[Resource], org: Org) -> list[str]:
    """Stack-wide: every alarm is heard — it has actions that reach someone, or feeds a composite that is heard, or is
    a composite whose every input is heard (heard_alarms)."""
    _, heard = heard_alarms(resources)
    return [
        f"{r.name}: the alarm's actions reach no subscriber and no composite alarm that is heard uses it: nobody hears it"
        for r in sorted((r for r in resources if is_alarm(r.type)), key=alarm_name)
        if alarm_name(r) not in heard
    ]


def notifying_composites(resources: Sequence[Resource]) -> list[Resource]:
    """The composite monitors whose message names a handle: what a Datadog monitor that notifies nobody itself (a
    burn-rate tier) is heard through when its query references the monitor (its property dependencies: one page for all
    the SLO's page tiers). A composite monitor cannot be part of another, so one level of composites is all there is."""
    return [r for r in resources if is_composite_monitor(r) and HANDLE.search(message_of(r))]


def composite_users(name: str, resources: Sequence[Resource]) -> list[str]:
    """The notifying composite monitors that use monitor `name`."""
    return sorted(r.name for r in notifying_composites(resources) if name in r.depends.get("query", []))


def monitors_heard(resources: Sequence[Resource], org: Org) -> list[str]:
    """Stack-wide: every monitor is heard — its message names a handle, or a composite monitor that names one uses it."""
    used = {name for r in notifying_composites(resources) for name in r.depends.get("query", [])}
    return [
        f"{r.name}: the monitor's message notifies nobody and no composite monitor that notifies uses it: nobody hears it"
        for r in resources
        if r.type == MONITOR and not is_composite_monitor(r) and not HANDLE.search(message_of(r)) and r.name not in used
    ]


@dataclass(frozen=True)
class PolicyRule:
    name: str
    description: str
    check: Check


RESOURCE_RULES: tuple[PolicyRule, ...] = (
    PolicyRule("alerts-route-somewhere", "Every synthetic test and composite monitor notifies a handle (monitors, alarms: see monitors-heard, alarms-heard).", routes_somewhere),
    PolicyRule("sentry-alerts-notify", "Every Sentry alert rule, and every trigger of one, has an action.", sentry_alerts_notify),
    PolicyRule("prod-critical-alerts-page", "Critical alerts in production notify the page route.", prod_critical_pages),
    PolicyRule("resources-tagged", "Every taggable resource is tagged with team, service and env.", tagged),
    PolicyRule("prod-logs-retained", "Production log groups have retention and are protected or retained.", prod_logs_retained),
    PolicyRule("alerts-link-runbook", "Every monitor and alarm links its runbook.", links_runbook),
)
STACK_RULES = (
    ("alarms-heard", "Every alarm has actions or is heard through a composite alarm.", alarms_heard),
    ("monitors-heard", "Every monitor names a handle or is heard through a composite monitor.", monitors_heard),
    ("alarm-topics-have-subscribers", "Every SNS topic an alarm notifies has a subscription.", alarm_topics_have_subscribers),
)


def check_resource(res: Resource, config: Optional[Mapping[str, Any]] = None) -> list[str]:
    """Every resource policy over one resource, with the conventions of `config` (policy config; none: Org's defaults)."""
    given = config or {}
    return [v for rule in RESOURCE_RULES if enabled(given, rule.name) for v in rule.check(res, org_for(given, rule.name))]


def check_stack(resources: Sequence[Resource], config: Optional[Mapping[str, Any]] = None) -> list[str]:
    given = config or {}
    out = [v for r in resources for v in check_resource(r, given)]
    return out + [v for name, _, check in STACK_RULES if enabled(given, name) for v in check(resources, org_for(given, name))]


def from_placeholders(inputs: Mapping[str, Any]) -> dict[str, list[str]]:
    """`depends` for an offline plan, whose references read `${<resource name>.<attribute>}` (a composite monitor's
    query holds several: it depends on each, as CrossGuard's property dependencies say)."""
    out: dict[str, list[str]] = {}
    for key, value in inputs.items():
        names = [m.group("name") for v in _seq(value) if isinstance(v, str) for m in _PLACEHOLDER.finditer(v)]
        if names:
            out[key] = names
    return out
