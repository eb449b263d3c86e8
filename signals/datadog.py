"""How a signal reads in Datadog: an `Expression`, a formula over named metric queries.

Monitors render it inline (`100 * sum:…errors{…}.as_count() / sum:…hits{…}.as_count()`); dashboards send the
formula and the queries separately (formulas-and-functions); the docs print the rendered form, so all three
show the same thing. `env` is a tag filter: `env:prod` for monitors, `$env` (the dashboard's template variable)
for widgets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from spec.sources import StackOutput

DASHBOARD_ENV = "$env"


_SHARE = re.compile(r"^100 \* [a-z_]+ / (?P<of>[a-z_]+|\([a-z_ +]+\))$")
_NAME_OR_OUTPUT = re.compile(r"\$\{[^{}]*\}|\b[a-z_]+\b")
_TERM_SCOPE = re.compile(r"^(?P<head>[a-z0-9]+:[a-z][a-z0-9_.]*\{[^{}]*\})(?P<tail>.*)$")


@dataclass(frozen=True)
class Expression:
    """A formula over named metric queries, e.g. `100 * errors / hits`. `by`: tag keys every query is grouped by —
    a multi alert, each value of the keys (a task, a host) evaluated on its own, as Datadog's recommended ECS Fargate
    monitors group by `task_arn`; monitors on it notify as one simple alert (`notify_by: ["*"]`)."""

    formula: str
    terms: dict[str, str] = field(default_factory=dict)
    by: tuple[str, ...] = ()

    def queries(self) -> dict[str, str]:
        """Each named query as Datadog receives it: grouped `by {...}` (before `.as_count()`) when the expression is."""
        if not self.by:
            return dict(self.terms)
        grouping = f" by {{{','.join(self.by)}}}"
        out = {}
        for name, query in self.terms.items():
            match = _TERM_SCOPE.match(query)
            assert match is not None, f"{query}: not <aggregation>:<metric>{{<scope>}}"
            out[name] = f"{match.group('head')}{grouping}{match.group('tail')}"
        return out

    def render(self) -> str:
        """The formula with each name replaced by its query: the monitor's form (another stack's output's placeholder in
        it, `${org/infra/prod.fnTimeout}`, stays as written, whatever its stack is called)."""
        queries = self.queries()
        return _NAME_OR_OUTPUT.sub(lambda m: m.group(0) if m.group(0).startswith("$") else queries.get(m.group(0), m.group(0)), self.formula)

    def counted(self) -> Optional[str]:
        """What a share of counts is taken of, as the monitor writes it: for `100 * <a> / <b>` over `.as_count()` queries,
        `<b>` with its queries (`sum:trace.http.request.hits{...}.as_count()`, or a sum of them in parentheses); None for
        anything else (a gauge's share, a ratio over a constant, a grouped query). The low-traffic guard counts it."""
        match = _SHARE.match(self.formula)
        if match is None or self.by or not all(q.endswith(".as_count()") for q in self.terms.values()):
            return None
        names = set(re.findall(r"\b[a-z_]+\b", match.group("of")))
        if not names or not names <= set(self.terms):
            return None
        queries = self.queries()
        return re.sub(r"\b[a-z_]+\b", lambda m: queries.get(m.group(0), m.group(0)), match.group("of"))

    def metric_names(self) -> tuple[str, ...]:
        """The Datadog metrics the expression reads, in order of first use."""
        names = [m.group(1) for query in self.terms.values() for m in re.finditer(r"^[a-z0-9]+:([a-z][a-z0-9_.]*)\{", query)]
        return tuple(dict.fromkeys(names))


AWS_DELAY = 900  # seconds: Datadog's AWS-integration metrics arrive about 15 minutes late (the evaluation delay)


def single(query: str) -> Expression:
    return Expression("query", {"query": query})


def env_filter(environment: str) -> str:
    return f"env:{environment}"


# A name another stack holds, in a Datadog query until the program knows it: `${<stack>.<output>}`, the offline plan's
# placeholder for that output. The program puts the output's value in its place (program/outputs.py); rules check a
# query's grammar with a stand-in for it.
OUTPUT = re.compile(r"\$\{(?P<stack>[A-Za-z0-9_.\-/]+)\.(?P<output>[A-Za-z_][A-Za-z0-9_]*)\}")
OUTPUT_STAND_IN = "output"
OUTPUT_NUMBER_STAND_IN = "1"  # an output a query computes with (a Lambda timeout's seconds): any number checks its grammar


def with_stand_ins(text: str) -> str:
    """The query with each output's placeholder replaced by a stand-in its grammar can check: a tag value inside a
    scope's braces (`{functionname:output}`), a number anywhere else (`/ (1000 * 1)`)."""
    out, at = [], 0
    for found in OUTPUT.finditer(text):
        out.append(text[at : found.start()])
        depth = sum(part.count("{") - part.count("}") for part in out)
        out.append(OUTPUT_STAND_IN if depth > 0 else OUTPUT_NUMBER_STAND_IN)
        at = found.end()
    return "".join(out) + text[at:]


def output_placeholder(stack: Optional[str], output: str) -> str:
    return f"${{{stack}.{output}}}"


def aws_tag(value: object, stack: Optional[str] = None) -> str:
    """A CloudWatch dimension value as Datadog's AWS integration tags it: lowercase. A name read from another stack's
    output (`{output: albName}` with `from_stack`) is that output's placeholder, which the program fills with the
    output's value, lowercased (`output_tag`)."""
    if isinstance(value, StackOutput):
        return output_placeholder(stack, value.output)
    return str(value).lower()


def output_tag(value: object) -> str:
    """A stack output's value as Datadog tags it: lowercase (a placeholder the offline engine stands in stays as it is)."""
    text = str(value)
    return text if OUTPUT.fullmatch(text) else text.lower()
