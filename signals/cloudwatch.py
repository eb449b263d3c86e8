"""How a signal reads in CloudWatch: a metric (statistic or percentile) or metric math over metrics, the
dimension values it is scoped by, how it is evaluated, and how a spec threshold becomes the alarm's number.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Optional, Union

from spec import Duration, Percent, Rate, Service
from spec.alerts import Quantity
from spec.sources import AwsSource, StackOutput

if TYPE_CHECKING:
    import pulumi


@dataclass(frozen=True)
class Targets:
    """The dimension values of the service's AWS resources: literal names, or another stack's outputs."""

    load_balancer: Optional[pulumi.Input[str]] = None
    target_group: Optional[pulumi.Input[str]] = None
    ecs_cluster: Optional[pulumi.Input[str]] = None
    ecs_service: Optional[pulumi.Input[str]] = None
    rds_instance: Optional[pulumi.Input[str]] = None
    cache_cluster: Optional[pulumi.Input[str]] = None
    cache_members: tuple[pulumi.Input[str], ...] = ()  # a replication group's member clusters
    sqs_queue: Optional[pulumi.Input[str]] = None
    dead_letter_queue: Optional[pulumi.Input[str]] = None
    lambda_function: Optional[pulumi.Input[str]] = None
    rest_api: Optional[pulumi.Input[str]] = None
    http_api: Optional[pulumi.Input[str]] = None
    api_stage: Optional[pulumi.Input[str]] = None
    dynamodb_table: Optional[pulumi.Input[str]] = None
    lambda_timeout: Optional[pulumi.Input[str]] = None  # the function's timeout in seconds, when another stack's output holds it


def concat(*parts: pulumi.Input[str]) -> pulumi.Input[str]:
    """Text of its parts: a plain string when each is one, else (another stack's output inside: Pulumi is running) an
    Output of the text."""
    if all(isinstance(p, str) for p in parts):
        return "".join(str(p) for p in parts)
    import pulumi  # an Output among the parts: the program is running

    return pulumi.Output.concat(*parts)


def resolve_targets(source: Optional[AwsSource], read: Callable[[str], pulumi.Input[str]]) -> Targets:
    """Literal values as written; `{output: name}` values through `read` (the program reads a StackReference)."""
    if source is None:
        return Targets()

    def value(v: object) -> Optional[pulumi.Input[str]]:
        if v is None:
            return None
        return read(v.output) if isinstance(v, StackOutput) else str(v)

    return Targets(
        load_balancer=value(source.load_balancer),
        target_group=value(source.target_group),
        ecs_cluster=value(source.ecs.cluster) if source.ecs else None,
        ecs_service=value(source.ecs.service) if source.ecs else None,
        rds_instance=value(source.rds.instance) if source.rds else None,
        cache_cluster=value(source.elasticache.cluster) if source.elasticache else None,
        cache_members=tuple(v for m in source.elasticache.members or [] if (v := value(m)) is not None) if source.elasticache else (),
        sqs_queue=value(source.sqs.queue) if source.sqs else None,
        dead_letter_queue=value(source.sqs.dead_letter_queue) if source.sqs else None,
        lambda_function=value(source.lambda_function.name) if source.lambda_function else None,
        rest_api=value(source.api_gateway.rest_api) if source.api_gateway else None,
        http_api=value(source.api_gateway.http_api) if source.api_gateway else None,
        api_stage=value(source.api_gateway.stage) if source.api_gateway else None,
        dynamodb_table=value(source.dynamodb.table) if source.dynamodb else None,
        lambda_timeout=value(timeout) if source.lambda_function and isinstance(timeout := source.lambda_function.timeout, StackOutput) else None,
    )


@dataclass(frozen=True)
class AwsScope:
    """What a CloudWatch realisation reads: the service, its resolved dimension values, and the environment."""

    service: Service
    targets: Targets
    environment: str


STATISTICS = ("SampleCount", "Average", "Sum", "Minimum", "Maximum")


@dataclass(frozen=True)
class Metric:
    namespace: str
    name: str
    dimensions: Mapping[str, pulumi.Input[str]]
    stat: str  # one of STATISTICS, or an extended statistic: a percentile (p95), a trimmed count (TC(0.5:)), ...

    @property
    def extended(self) -> bool:
        return self.stat not in STATISTICS


def denominator(expression: str) -> str:
    """What a share is taken of: the expression after its last division at the outermost level, without enclosing
    parentheses (`100*m1/(m1+m2)` → `m1+m2`)."""
    depth, cut = 0, -1
    for i, char in enumerate(expression):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "/" and depth == 0:
            cut = i
    assert cut >= 0, f"{expression}: a share divides by what it counts"
    found = expression[cut + 1 :].strip()
    while found.startswith("(") and found.endswith(")") and _encloses(found):
        found = found[1:-1].strip()
    return found


def _encloses(text: str) -> bool:
    """Whether the parenthesis opening `text` closes at its very end (`(a+b)`, not `(a)+(b)`)."""
    depth = 0
    for i, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0:
            return i == len(text) - 1
    return False


@dataclass(frozen=True)
class Ratio:
    """Metric math over counts summed over the period, e.g. `100*m1/m2`, a percentage: m1 the numerator, m2 the
    denominator, m3... the `extra` metrics the expression also reads. A share of counted events (requests, invocations,
    lookups) is a rate alert: the low-traffic guard compares what it is taken of — `requests` when given, else the
    expression's denominator (`m2`, `m1+m2`) — with the service's `min_requests`, and the alarm reads
    `IF(<requests> >= <min>, <expression>, <quiet>)`: a share of too few events reads `quiet` (0 for an alert that fires
    above, 100 below: not breaching), and a period with no event at all has no point."""

    numerator: Metric  # m1
    denominator: Metric  # m2
    expression: str = "100*m1/m2"
    extra: tuple[Metric, ...] = ()  # m3, m4, ...
    requests: Optional[str] = None
    min_requests: int = 0
    quiet: int = 0

    @property
    def metrics(self) -> tuple[Metric, ...]:
        """m1, m2, m3... in order."""
        return (self.numerator, self.denominator, *self.extra)

    @property
    def counted(self) -> str:
        """The expression counting what the share is taken of."""
        return self.requests or denominator(self.expression)

    @property
    def math(self) -> str:
        """The expression the alarm evaluates: guarded when there is a minimum of requests."""
        if self.min_requests:
            return f"IF({self.counted} >= {self.min_requests}, {self.expression}, {self.quiet})"
        return self.expression

    def guarded(self, min_requests: int, quiet: int = 0) -> Ratio:
        """The same ratio reading `quiet` below `min_requests` counted events per period."""
        return replace(self, min_requests=min_requests, quiet=quiet)

    @property
    def label(self) -> str:
        """The expression with metric names for ids (and extended statistics): `100*HTTPCode_Target_5XX_Count/RequestCount`."""
        names = {f"m{i}": m.name + (f" {m.stat}" if m.extended else "") for i, m in enumerate(self.metrics, 1)}
        return re.sub(r"\bm[0-9]+\b", lambda m: names[m.group(0)], self.math)


@dataclass(frozen=True)
class Math:
    """Metric math over any number of metrics (`m1`..`mN`, in order), e.g. `m1+m2+m3` or `100*m1/1000`; `label` says it
    in words where the expression's ids would not."""

    metrics: tuple[Metric, ...]
    expression: pulumi.Input[str]  # an Output when another stack's output is part of it (signals.functions: a timeout)
    label: str

    @property
    def math(self) -> pulumi.Input[str]:
        """The expression the alarm evaluates (as `Ratio.math`; never guarded)."""
        return self.expression


@dataclass(frozen=True)
class Insights:
    """A Metrics Insights query, `q1`: `SELECT <function>(<metric>) FROM SCHEMA("<namespace>", <keys>) WHERE <key> =
    '<value>'`, one series aggregated over every metric of that schema the filter matches (DynamoDB's per-operation
    metrics of one table: more than the 10 metrics a metric-math alarm may read, alarm-limits.html), read through
    `expression` (`FILL(q1, 0)`: a period without data is 0, so the alarm never depends on missing data)."""

    namespace: str
    metric: str
    keys: tuple[str, ...]  # the schema's dimension keys: only metrics with exactly these are read
    where: Mapping[str, pulumi.Input[str]]
    expression: str
    label: str
    function: str = "SUM"

    metrics: tuple[Metric, ...] = ()  # it names no metric of its own

    @property
    def math(self) -> str:
        return self.expression

    @property
    def query(self) -> pulumi.Input[str]:
        """The query's text; through Output.concat when a filter value is another stack's output."""
        schema = ", ".join((f'"{self.namespace}"', *self.keys))
        parts: list[pulumi.Input[str]] = [f"SELECT {self.function}({self.metric}) FROM SCHEMA({schema})"]
        for number, (key, value) in enumerate(self.where.items()):
            parts += [f" {'WHERE' if number == 0 else 'AND'} {key} = '", value, "'"]
        return concat(*parts)


Source = Union[Metric, Ratio, Math, Insights]


def metrics_of(source: Source) -> tuple[Metric, ...]:
    return (source,) if isinstance(source, Metric) else source.metrics


@dataclass(frozen=True)
class Evaluation:
    period: int  # seconds
    evaluation_periods: int
    datapoints: int  # M of the N evaluation periods must breach
    treat_missing_data: str

    def over(self, window: Optional[Duration]) -> Evaluation:
        """Fit the spec's window: N periods covering it (M scaled alike); a window shorter than the period becomes it."""
        if window is None:
            return self
        seconds = window.seconds
        period = self.period if seconds >= self.period else math.ceil(seconds)
        periods = max(1, math.ceil(seconds / period))
        datapoints = max(1, math.ceil(periods * self.datapoints / self.evaluation_periods))
        return replace(self, period=period, evaluation_periods=periods, datapoints=datapoints)


# 3 of 5 one-minute periods; a period with nothing published is not breaching (no requests, invocations or
# operations: nothing failed). The AWS services' own signals start from it.
FAST = Evaluation(60, 5, 3, "notBreaching")


# How a spec quantity becomes the alarm's number: (spec value, period in seconds) -> threshold.
Convert = Callable[[Quantity, int], float]


def seconds(value: Quantity, _: int) -> float:
    assert isinstance(value, Duration)
    return value.seconds


def milliseconds(value: Quantity, _: int) -> float:
    """A duration compared with a metric CloudWatch receives in milliseconds (Lambda Duration, API Gateway Latency)."""
    assert isinstance(value, Duration)
    return value.seconds * 1000


def percent(value: Quantity, _: int) -> float:
    assert isinstance(value, Percent)
    return value.value


def count(value: Quantity, _: int) -> float:
    assert isinstance(value, int)
    return float(value)


def per_period(value: Quantity, period: int) -> float:
    assert isinstance(value, Rate)
    return value.per(period)
