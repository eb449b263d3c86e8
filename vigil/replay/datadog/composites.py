"""Datadog composite monitors (monitors/types/composite).

The query combines other monitors by id — in the plan, placeholders such as `${api-error-rate.id}` (a synthetic
test's monitor: `${api-health-live.monitorId}`) — with `&&`, `||`, `!` and parentheses. Statuses rank Alert >
Warn > No Data > OK, the first three alert-worthy: `a && b` is the less severe of the two, `a || b` the more
severe, `!a` is No Data for No Data, OK for an alert-worthy status, Alert otherwise. A No Data result keeps the
last known status unless the composite has `notify_no_data`. Composites of composites are refused, as Datadog does.
Evaluated every minute, in the same minute as its monitors (the lag is not documented: assumed none).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Union

from ...engine import PlannedResource
from ..clock import Clock
from ..errors import ReplayError
from ..plans import check_inputs
from ..timeline import DD_ALERT, DD_NO_DATA, DD_OK, DD_WARN, Timeline
from .monitors import DESCRIPTIVE
from .notify import Notifier, notifier

_SEVERITY = {DD_OK: 1, DD_NO_DATA: 2, DD_WARN: 3, DD_ALERT: 4}
_TOKEN = re.compile(r"\s*(?:\$\{(?P<name>[^.}]+)\.(?P<attr>id|monitorId)\}|(?P<op>&&|\|\||!|\(|\))|(?P<number>\d+))")
_OPTIONS = (*DESCRIPTIVE, "query", "notifyNoData", "renotifyInterval", "renotifyStatuses")


@dataclass(frozen=True)
class Ref:
    resource: str


@dataclass(frozen=True)
class Not:
    operand: Expr


@dataclass(frozen=True)
class Both:
    op: str
    left: Expr
    right: Expr


Expr = Union[Ref, Not, Both]


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[tuple[str, str]] = []
        position = 0
        while text[position:].strip():
            match = _TOKEN.match(text, position)
            if not match:
                raise ReplayError(f"composite query: cannot read {text[position:].strip()[:30]!r}")
            if match.group("number"):
                raise ReplayError(f"composite query: monitor id {match.group('number')} is not a monitor of the plan (use its placeholder)")
            self.tokens.append(("ref", match.group("name")) if match.group("name") else ("op", match.group("op")))
            position = match.end()
        self.position = 0

    def parse(self) -> Expr:
        expr = self._or()
        if self.position != len(self.tokens):
            raise ReplayError(f"composite query: unexpected {self.tokens[self.position][1]!r}")
        return expr

    def _peek(self) -> str:
        return self.tokens[self.position][1] if self.position < len(self.tokens) else ""

    def _take(self) -> tuple[str, str]:
        if self.position >= len(self.tokens):
            raise ReplayError("composite query: ends too early")
        self.position += 1
        return self.tokens[self.position - 1]

    def _or(self) -> Expr:
        expr = self._and()
        while self._peek() == "||":
            self._take()
            expr = Both("||", expr, self._and())
        return expr

    def _and(self) -> Expr:
        expr = self._not()
        while self._peek() == "&&":
            self._take()
            expr = Both("&&", expr, self._not())
        return expr

    def _not(self) -> Expr:
        if self._peek() == "!":
            self._take()
            return Not(self._not())
        kind, value = self._take()
        if kind == "ref":
            return Ref(value)
        if value == "(":
            expr = self._or()
            if self._take()[1] != ")":
                raise ReplayError("composite query: missing ')'")
            return expr
        raise ReplayError(f"composite query: unexpected {value!r}")


def monitors_in(expr: Expr) -> set[str]:
    if isinstance(expr, Ref):
        return {expr.resource}
    if isinstance(expr, Not):
        return monitors_in(expr.operand)
    return monitors_in(expr.left) | monitors_in(expr.right)


def status(expr: Expr, states: Mapping[str, str]) -> str:
    if isinstance(expr, Ref):
        return states[expr.resource]
    if isinstance(expr, Not):
        inner = status(expr.operand, states)
        if inner == DD_NO_DATA:
            return DD_NO_DATA
        return DD_OK if inner != DD_OK else DD_ALERT
    left, right = status(expr.left, states), status(expr.right, states)
    pick = min if expr.op == "&&" else max
    return pick(left, right, key=_SEVERITY.__getitem__)


@dataclass(frozen=True)
class CompositeMonitor:
    resource: PlannedResource
    expr: Expr
    notify_no_data: bool
    notifier: Notifier


def compile_composite_monitor(resource: PlannedResource, monitors: Mapping[str, PlannedResource]) -> CompositeMonitor:
    """`monitors` holds the plan's monitors and synthetic tests by resource name."""
    check_inputs(resource, _OPTIONS)
    try:
        expr = _Parser(str(resource.inputs.get("query") or "")).parse()
    except ReplayError as exc:
        raise exc.about(resource.name) from None
    for name in sorted(monitors_in(expr)):
        found = monitors.get(name)
        if found is None:
            raise ReplayError(f"${{{name}...}} names no monitor of the plan", resource.name)
        if found.inputs.get("type") == "composite":
            raise ReplayError(f"{name} is a composite monitor: Datadog composites cannot use composites", resource.name)
    return CompositeMonitor(resource, expr, bool(resource.inputs.get("notifyNoData")), notifier(resource, resource.inputs.get("message"), resource.inputs))


def run_composite_monitor(monitor: CompositeMonitor, states: Mapping[str, Sequence[str]], clock: Clock) -> Timeline:
    """`states` holds each used monitor's status at every minute of the clock, by resource name."""
    timeline = Timeline(monitor.resource.name, monitor.resource.type, "datadog", DD_OK)
    state = DD_OK
    used = sorted(monitors_in(monitor.expr))
    ticks = clock.ticks()
    rows = list(zip(*(states[name] for name in used), strict=True)) if used else [()] * len(ticks)
    judged: dict[tuple[str, ...], str] = {}  # the query's status for each combination of its monitors' statuses
    for index, t in enumerate(ticks):
        new = judged.get(rows[index])
        if new is None:
            new = judged[rows[index]] = status(monitor.expr, dict(zip(used, rows[index], strict=True)))
        if new == DD_NO_DATA and not monitor.notify_no_data:
            new = state
        if new != state:
            monitor.notifier.change(timeline, t, state, new)
            state = new
        else:
            monitor.notifier.tick(timeline, t, state)
    return timeline
