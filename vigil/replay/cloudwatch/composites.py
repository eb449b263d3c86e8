"""CloudWatch composite alarms (Create_Composite_Alarm.html, PutCompositeAlarm, CompositeAlarm).

The rule: `ALARM(x)`, `OK(x)`, `INSUFFICIENT_DATA(x)`, `TRUE`, `FALSE`, joined by `AND`, `OR`, `NOT` and
parentheses; x is an alarm name or ARN, quoted or not. The composite is ALARM while its rule holds, else OK,
re-evaluated in the same minute its inputs change (the re-evaluation lag is not documented; assumed none).

The actions suppressor: actions are held while the suppressor alarm is in ALARM. On entering ALARM, the composite
waits up to `waitPeriod` seconds for the suppressor to reach ALARM; after the suppressor leaves ALARM, it keeps
holding for `extensionPeriod` seconds. When a hold ends, the composite acts on its state at that moment if that
differs from the last state it acted on.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Optional, Union

from ...engine import PlannedResource
from ..clock import Clock
from ..errors import ReplayError
from ..plans import check_inputs, number, referenced, region_of
from ..timeline import ALARM, INSUFFICIENT_DATA, OK, Timeline
from .actions import action_targets, notify

TYPE = "aws:cloudwatch/compositeAlarm:CompositeAlarm"
_DESCRIPTIVE = ("alarmName", "alarmDescription", "tags", "tagsAll", "region")
_UNDERSTOOD = (*_DESCRIPTIVE, "alarmRule", "alarmActions", "okActions", "insufficientDataActions", "actionsEnabled", "actionsSuppressor")
_TOKEN = re.compile(
    r'\s*(?:(?P<state>ALARM|OK|INSUFFICIENT_DATA)\s*\(\s*(?:"(?P<quoted>[^"]*)"|(?P<bare>[^)\s]+))\s*\)'
    r"|(?P<word>TRUE|FALSE|AND|OR|NOT)\b|(?P<paren>[()]))"
)
_ARN = re.compile(r"^arn:aws[\w-]*:cloudwatch:[^:]*:[^:]*:alarm:(?P<name>.+)$")


@dataclass(frozen=True)
class StateOf:
    state: str
    alarm: str  # the alarm's name as written


@dataclass(frozen=True)
class Constant:
    value: bool


@dataclass(frozen=True)
class Not:
    operand: Rule


@dataclass(frozen=True)
class Junction:
    op: str  # AND / OR
    operands: tuple[Rule, ...]


Rule = Union[StateOf, Constant, Not, Junction]


class _RuleParser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[tuple[str, str]] = []
        position = 0
        while text[position:].strip():
            match = _TOKEN.match(text, position)
            if not match:
                raise ReplayError(f"alarm rule: cannot read {text[position:].strip()[:30]!r}")
            if match.group("state"):
                self.tokens.append(("state", match.group("state")))
                self.tokens.append(("alarm", match.group("quoted") if match.group("quoted") is not None else match.group("bare")))
            else:
                self.tokens.append(("word", match.group("word") or match.group("paren")))
            position = match.end()
        self.position = 0

    def parse(self) -> Rule:
        rule = self._or()
        if self.position != len(self.tokens):
            raise ReplayError(f"alarm rule: unexpected {self.tokens[self.position][1]!r}")
        return rule

    def _peek(self) -> Optional[str]:
        return self.tokens[self.position][1] if self.position < len(self.tokens) else None

    def _take(self) -> tuple[str, str]:
        if self.position >= len(self.tokens):
            raise ReplayError("alarm rule: ends too early")
        self.position += 1
        return self.tokens[self.position - 1]

    def _or(self) -> Rule:
        parts = [self._and()]
        while self._peek() == "OR":
            self._take()
            parts.append(self._and())
        return parts[0] if len(parts) == 1 else Junction("OR", tuple(parts))

    def _and(self) -> Rule:
        parts = [self._not()]
        while self._peek() == "AND":
            self._take()
            parts.append(self._not())
        return parts[0] if len(parts) == 1 else Junction("AND", tuple(parts))

    def _not(self) -> Rule:
        if self._peek() == "NOT":
            self._take()
            return Not(self._not())
        return self._atom()

    def _atom(self) -> Rule:
        kind, value = self._take()
        if kind == "state":
            return StateOf(value, self._take()[1])
        if value in ("TRUE", "FALSE"):
            return Constant(value == "TRUE")
        if value == "(":
            rule = self._or()
            if self._take()[1] != ")":
                raise ReplayError("alarm rule: missing ')'")
            return rule
        raise ReplayError(f"alarm rule: unexpected {value!r}")


def parse_rule(text: str) -> Rule:
    return _RuleParser(text).parse()


def alarms_in(rule: Rule) -> set[str]:
    if isinstance(rule, StateOf):
        return {rule.alarm}
    if isinstance(rule, Not):
        return alarms_in(rule.operand)
    if isinstance(rule, Junction):
        return set().union(*(alarms_in(r) for r in rule.operands))
    return set()


def holds(rule: Rule, states: Mapping[str, str]) -> bool:
    """The rule's truth, given each referenced alarm's state (by the name written in the rule)."""
    if isinstance(rule, StateOf):
        return states[rule.alarm] == rule.state
    if isinstance(rule, Constant):
        return rule.value
    if isinstance(rule, Not):
        return not holds(rule.operand, states)
    results = (holds(r, states) for r in rule.operands)
    return all(results) if rule.op == "AND" else any(results)


@dataclass(frozen=True)
class Suppressor:
    alarm: str  # the suppressor's resource name
    wait: int
    extension: int


@dataclass(frozen=True)
class CompositeAlarm:
    resource: PlannedResource
    name: str
    region: str
    rule: Rule
    inputs: Mapping[str, str]  # alarm reference as written in the rule -> resource name
    suppressor: Optional[Suppressor]
    actions: Mapping[str, tuple[str, ...]]

    @property
    def depends_on(self) -> set[str]:
        return set(self.inputs.values()) | ({self.suppressor.alarm} if self.suppressor else set())


def resolve_alarm(reference: str, region: str, by_name: Mapping[tuple[str, str], str], owner: PlannedResource) -> str:
    """The resource an alarm reference names: an alarm name in the same region, an ARN, or a plan placeholder."""
    resource = referenced(reference)
    if resource is not None:
        if resource not in by_name.values():
            raise ReplayError(f"{reference} names no alarm of the plan", owner.name)
        return resource
    match = _ARN.match(reference)
    name = match.group("name") if match else reference
    found = by_name.get((region, name))
    if found is None:
        raise ReplayError(f"the alarm {reference!r} is not in the plan (in the same region)", owner.name)
    return found


def compile_composite(resource: PlannedResource, by_name: Mapping[tuple[str, str], str]) -> CompositeAlarm:
    """`by_name` maps (region, alarm name) to the resource name of every alarm in the plan."""
    inputs = resource.inputs
    check_inputs(resource, _UNDERSTOOD)
    region = region_of(resource)
    try:
        rule = parse_rule(str(inputs.get("alarmRule") or ""))
    except ReplayError as exc:
        raise exc.about(resource.name) from None
    references = {ref: resolve_alarm(ref, region, by_name, resource) for ref in sorted(alarms_in(rule))}
    suppressor = None
    found = inputs.get("actionsSuppressor")
    if found:
        check_inputs(resource, ("alarm", "waitPeriod", "extensionPeriod"), found, "actionsSuppressor.")
        suppressor = Suppressor(
            resolve_alarm(str(found.get("alarm")), region, by_name, resource),
            int(number(resource, found.get("waitPeriod"), "actionsSuppressor.waitPeriod")),
            int(number(resource, found.get("extensionPeriod"), "actionsSuppressor.extensionPeriod")),
        )
    enabled = inputs.get("actionsEnabled", True) is not False
    return CompositeAlarm(
        resource=resource,
        name=str(inputs.get("alarmName") or resource.name),
        region=region,
        rule=rule,
        inputs=references,
        suppressor=suppressor,
        actions={
            ALARM: action_targets(inputs.get("alarmActions")) if enabled else (),
            OK: action_targets(inputs.get("okActions")) if enabled else (),
            INSUFFICIENT_DATA: action_targets(inputs.get("insufficientDataActions")) if enabled else (),
        },
    )


def run_composite(alarm: CompositeAlarm, states: Mapping[str, Sequence[str]], clock: Clock) -> Timeline:
    """`states` holds each input alarm's state at every tick of the clock, by resource name."""
    timeline = Timeline(alarm.resource.name, alarm.resource.type, "aws", INSUFFICIENT_DATA)
    acted = INSUFFICIENT_DATA  # the last state whose actions ran (or would have, had it any)
    state = timeline.initial
    hold: Optional[str] = None  # None, "wait", "suppressed" or "extension"
    until = 0
    ticks = clock.ticks()
    refs = list(alarm.inputs)
    rows = list(zip(*(states[resource] for resource in alarm.inputs.values()), strict=True)) if refs else [()] * len(ticks)
    judged: dict[tuple[str, ...], str] = {}  # the rule's verdict on each combination of its inputs' states
    for index, t in enumerate(ticks):
        new = judged.get(rows[index])
        if new is None:
            new = judged[rows[index]] = ALARM if holds(alarm.rule, dict(zip(refs, rows[index], strict=True))) else OK
        changed = new != state
        if changed:
            timeline.enter(t, new)
            state = new
        if alarm.suppressor is None:
            if changed:
                notify(timeline, alarm.actions, t, acted, state)
                acted = state
            continue
        suppressing = states[alarm.suppressor.alarm][index] == ALARM
        if suppressing:
            hold = "suppressed"
        elif hold == "suppressed":
            hold, until = "extension", t + alarm.suppressor.extension
        elif changed and state == ALARM and hold is None:
            hold, until = "wait", t + alarm.suppressor.wait
        if hold in ("wait", "extension") and t >= until:
            hold = None
        if hold is None and state != acted:
            notify(timeline, alarm.actions, t, acted, state)
            acted = state
    return timeline

