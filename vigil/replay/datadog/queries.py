"""The Datadog metric-query grammar vigil emits, parsed (monitors/configuration, monitors/types/metric).

    <time aggregation>(last_<n><m|h|d|w>): <formula> <comparator> <threshold>
    formula: numbers, metric queries, + - * /, unary minus, parentheses, and a metric query inside the functions
             monotonic_diff(...) and default_zero(...) (dashboards/functions)
    metric query: <space aggregation>:<metric>{<tag>,<tag>...}[ by {<key>,...}][.as_count()|.as_rate()]

Time aggregations: avg, sum, min, max, last, and percentile (distributions: the formula is then one `pNN:` query).
Space aggregations: avg, sum, min, max, and pNN on distributions. A scope is `*` or `key:value` tags, all
required. `by {<key>,...}` groups a query per value of those tags (a multi alert: every query of the formula grouped
alike). Anything else — other functions, rollups, negated or wildcard tags — is an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Optional, Union

from ..errors import ReplayError

UNITS = {"m": 60, "h": 3600, "d": 86400, "w": 604800}
TIME_AGGREGATIONS = ("avg", "sum", "min", "max", "last", "percentile")
COMPARATORS = (">", ">=", "<", "<=")
_NUMBER = r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?"
_QUERY = re.compile(r"^\s*(?P<agg>[a-z]+)\(last_(?P<n>\d+)(?P<unit>[a-z]+)\)\s*:(?P<formula>.*?)\s*(?P<cmp>>=|<=|==|!=|>|<)\s*(?P<threshold>" + _NUMBER + r")\s*$", re.S)
_METRIC = re.compile(
    r"(?P<space>[a-z]+\d*(?:\.\d+)?):(?P<metric>[A-Za-z][\w.]*)\{(?P<scope>(?:\$\{[^{}]*\}|[^}])*)\}(?:\s+by\s+\{(?P<by>[^}]*)\})?(?P<modifiers>(?:\.[a-z_]+\([^)]*\))*)"
)
_KEY = re.compile(r"^[A-Za-z][\w\-./]*$")
_TOKEN = re.compile(r"\s*(?:(?P<number>\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)|(?P<op>[-+*/()]))")
_TAG = re.compile(r"^[A-Za-z][\w\-./:]*:[^\s,:*!][^\s,*!]*$")
_PERCENTILE = re.compile(r"^p(\d+(?:\.\d+)?)$")
_FUNCTION = re.compile(r"(?P<name>[a-z_]+)\(\s*")
FUNCTIONS = ("monotonic_diff", "default_zero")


@dataclass(frozen=True)
class MetricQuery:
    text: str
    space: str  # avg, sum, min, max, or pNN
    metric: str
    scope: frozenset[str]
    modifier: Optional[str]  # as_count, as_rate or None
    by: tuple[str, ...] = ()  # grouping tag keys: one series per value (a multi alert)
    functions: tuple[str, ...] = ()  # monotonic_diff, default_zero: outermost first, applied to the query's points

    def within(self, group: tuple[str, ...]) -> MetricQuery:
        """The query for one group: its scope narrowed to those `key:value` tags, ungrouped."""
        return MetricQuery(
            f"{self.text}[{','.join(group)}]", self.space, self.metric, self.scope | frozenset(group), self.modifier, functions=self.functions
        )

    @property
    def bare(self) -> MetricQuery:
        """The query without its functions."""
        if not self.functions:
            return self
        prefix = "".join(f"{name}(" for name in self.functions)
        return replace(self, text=self.text[len(prefix): len(self.text) - len(self.functions)], functions=())

    @property
    def percentile(self) -> Optional[float]:
        match = _PERCENTILE.match(self.space)
        return float(match.group(1)) if match else None


@dataclass(frozen=True)
class Number:
    value: float


@dataclass(frozen=True)
class Term:
    query: MetricQuery


@dataclass(frozen=True)
class Negate:
    operand: Formula


@dataclass(frozen=True)
class Binary:
    op: str
    left: Formula
    right: Formula


Formula = Union[Number, Term, Negate, Binary]


@dataclass(frozen=True)
class MonitorQuery:
    text: str
    time_aggregation: str
    window: int  # seconds
    unit: str  # m, h, d or w as written: it sets require_full_window's bucket size
    formula: Formula
    comparator: str
    threshold: float


def parse_metric(text: str) -> MetricQuery:
    match = _METRIC.fullmatch(text.strip())
    if not match:
        raise ReplayError(f"not a metric query the replay knows: {text!r}")
    space, scope_text, modifiers = match.group("space"), match.group("scope").strip(), match.group("modifiers")
    if space not in ("avg", "sum", "min", "max") and not _PERCENTILE.match(space):
        raise ReplayError(f"{text}: space aggregation {space!r} is not supported (avg, sum, min, max, pNN)")
    tags = frozenset() if scope_text == "*" else frozenset(t.strip() for t in scope_text.split(","))
    for tag in tags:
        if not _TAG.match(tag):
            raise ReplayError(f"{text}: the scope tag {tag!r} is not a plain key:value (negations, wildcards and bare tags are not supported)")
    by: tuple[str, ...] = ()
    if match.group("by") is not None:
        by = tuple(k.strip() for k in match.group("by").split(","))
        if not all(_KEY.match(k) for k in by) or len(set(by)) != len(by):
            raise ReplayError(f"{text}: by {{{match.group('by')}}} must name distinct tag keys")
    found = re.findall(r"\.([a-z_]+)\(([^)]*)\)", modifiers)
    modifier: Optional[str] = None
    for name, argument in found:
        if name not in ("as_count", "as_rate") or argument.strip() or modifier:
            raise ReplayError(f"{text}: .{name}({argument}) is not supported (one .as_count() or .as_rate())")
        modifier = name
    return MetricQuery(match.group(0), space, match.group("metric"), tags, modifier, by)


class _FormulaParser:
    """Formulas with metric queries inline (monitors, SLO numerators) or named (`query1`, time-slice SLOs)."""

    def __init__(self, text: str, named: Optional[dict[str, MetricQuery]] = None) -> None:
        self.text = text
        self.tokens: list[Union[str, Formula]] = []
        position = 0
        names = sorted(named or {}, key=len, reverse=True)
        while text[position:].strip():
            rest = text[position:]
            position += len(rest) - len(rest.lstrip())
            metric = _METRIC.match(text, position)
            if metric:
                self.tokens.append(Term(parse_metric(metric.group(0))))
                position = metric.end()
                continue
            function = _FUNCTION.match(text, position)
            if function and function.group("name") in FUNCTIONS:
                wrapped: list[str] = []
                at = position
                while (found := _FUNCTION.match(text, at)) and found.group("name") in FUNCTIONS:
                    wrapped.append(found.group("name"))
                    at = found.end()
                inner = _METRIC.match(text, at)
                closed = re.compile(r"(?:\s*\)){" + str(len(wrapped)) + "}").match(text, inner.end()) if inner else None
                if inner is None or closed is None:
                    raise ReplayError(f"{'('.join(wrapped)}(...) takes one metric query in {text!r}")
                query = parse_metric(inner.group(0))
                written = "".join(f"{n}(" for n in wrapped) + query.text + ")" * len(wrapped)
                self.tokens.append(Term(replace(query, text=written, functions=tuple(wrapped))))
                position = closed.end()
                continue
            name = next((n for n in names if text.startswith(n, position) and not text[position + len(n):position + len(n) + 1].isalnum()), None)
            if name and named:
                self.tokens.append(Term(named[name]))
                position += len(name)
                continue
            token = _TOKEN.match(text, position)
            if not token:
                raise ReplayError(f"cannot read {text[position:position + 30]!r} in {text!r}")
            self.tokens.append(Number(float(token.group("number"))) if token.group("number") else token.group("op"))
            position = token.end()
        self.position = 0

    def parse(self) -> Formula:
        node = self._sum()
        if self.position != len(self.tokens):
            raise ReplayError(f"unexpected {self.tokens[self.position]!r} in {self.text!r}")
        return node

    def _peek(self) -> object:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def _take(self) -> Union[str, Formula]:
        if self.position >= len(self.tokens):
            raise ReplayError(f"{self.text!r} ends too early")
        self.position += 1
        return self.tokens[self.position - 1]

    def _sum(self) -> Formula:
        node = self._product()
        while self._peek() in ("+", "-"):
            op = str(self._take())
            node = Binary(op, node, self._product())
        return node

    def _product(self) -> Formula:
        node = self._unary()
        while self._peek() in ("*", "/"):
            op = str(self._take())
            node = Binary(op, node, self._unary())
        return node

    def _unary(self) -> Formula:
        if self._peek() == "-":
            self._take()
            return Negate(self._unary())
        token = self._take()
        if token == "(":
            node = self._sum()
            if self._take() != ")":
                raise ReplayError(f"missing ')' in {self.text!r}")
            return node
        if isinstance(token, str):
            raise ReplayError(f"unexpected {token!r} in {self.text!r}")
        return token


def parse_formula(text: str, named: Optional[dict[str, MetricQuery]] = None) -> Formula:
    return _FormulaParser(text, named).parse()


def terms(formula: Formula) -> list[MetricQuery]:
    if isinstance(formula, Term):
        return [formula.query]
    if isinstance(formula, Negate):
        return terms(formula.operand)
    if isinstance(formula, Binary):
        return terms(formula.left) + terms(formula.right)
    return []


def grouping(formula: Formula) -> tuple[str, ...]:
    """The tag keys the formula's queries are grouped by (every query alike, or none grouped)."""
    found = {q.by for q in terms(formula)}
    if len(found) > 1:
        raise ReplayError(f"the queries are grouped differently ({'; '.join(sorted(','.join(b) or 'not grouped' for b in found))}): not supported")
    return found.pop() if found else ()


def within(formula: Formula, group: tuple[str, ...]) -> Formula:
    """The formula for one group (`key:value` tags): each query narrowed to it."""
    if isinstance(formula, Term):
        return Term(formula.query.within(group))
    if isinstance(formula, Negate):
        return Negate(within(formula.operand, group))
    if isinstance(formula, Binary):
        return Binary(formula.op, within(formula.left, group), within(formula.right, group))
    return formula


def parse_monitor_query(text: str) -> MonitorQuery:
    match = _QUERY.match(text)
    if not match:
        raise ReplayError(f"not a metric monitor query the replay knows: {text!r} (expected <aggregation>(last_<n><unit>): <formula> <comparator> <number>)")
    aggregation, unit = match.group("agg"), match.group("unit")
    if aggregation not in TIME_AGGREGATIONS:
        raise ReplayError(f"time aggregation {aggregation!r} is not supported ({', '.join(TIME_AGGREGATIONS)})")
    if unit not in UNITS:
        raise ReplayError(f"window unit {unit!r} in last_{match.group('n')}{unit} is not one of {', '.join(UNITS)}")
    comparator = match.group("cmp")
    if comparator not in COMPARATORS:
        raise ReplayError(f"comparator {comparator!r} is not supported ({' '.join(COMPARATORS)})")
    formula = parse_formula(match.group("formula"))
    grouping(formula)
    found = terms(formula)
    if not found:
        raise ReplayError(f"{text!r} queries no metric")
    if aggregation == "percentile" and not (isinstance(formula, Term) and formula.query.percentile is not None):
        raise ReplayError("percentile(...) time aggregation takes exactly one pNN: distribution query")
    if any(q.modifier == "as_count" for q in found) and aggregation != "sum":
        raise ReplayError(f"{aggregation}(...) with .as_count(): Datadog evaluates as_count() only with sum (as-count-in-monitor-evaluations)")
    return MonitorQuery(text, aggregation, int(match.group("n")) * UNITS[unit], unit, formula, comparator, float(match.group("threshold")))
