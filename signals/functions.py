"""Functions: the service's Lambda function — its failed invocations, throttles, duration (also against its timeout) and
concurrency.

CloudWatch: `AWS/Lambda`, dimension `FunctionName` (every version and alias), every minute (Lambda developer guide,
"Working with Lambda function metrics"): `Invocations`, `Errors` and `Throttles` (counts: Sum), `Duration` (milliseconds,
with percentiles) and `ConcurrentExecutions` (Maximum shows how close it is to its limit). Datadog's AWS integration
crawls them as `aws.lambda.invocations`, `.errors`, `.throttles` (counts), `aws.lambda.duration.p95` (a gauge, in
milliseconds) and `aws.lambda.concurrent_executions.maximum`, tagged `functionname:<lowercase name>` (Datadog's AWS
Lambda integration, its metrics list). Against the timeout: "Timeout is the maximum amount of time in seconds that a
Lambda function can run" (https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html); an invocation that
reaches it is stopped and counted in Errors.

The timeout may be another stack's output (`timeout: {output: fnTimeout}`), holding whole seconds as Lambda's
configuration and `aws_lambda_function.timeout` give it: the queries then divide by `1000 * <output>` (milliseconds),
which both vendors' arithmetic accepts — Datadog's monitor queries and graphs take arithmetic between metrics and
numbers, with parentheses (https://docs.datadoghq.com/dashboards/querying/#arithmetic); CloudWatch's metric math takes
the arithmetic operators `+ - * / ^` between time series and scalars, with parentheses
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html#metric-math-syntax). The
value is known only to the deployed stack: the replay takes it to be `NOMINAL_TIMEOUT` on both sides (`assumed`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from spec import Duration, Service
from spec.sources import StackOutput

from . import needs
from .cloudwatch import FAST, AwsScope, Math, Metric, Ratio, concat, milliseconds, per_period, percent
from .datadog import AWS_DELAY, Expression, aws_tag, output_placeholder
from .model import (
    CloudWatchAlarm,
    CloudWatchPublication,
    DatadogGraph,
    DatadogMetric,
    DatadogPublication,
    Drive,
    Events,
    Gauge,
    PointOf,
    Publication,
    Series,
    Signal,
    Values,
)
from .words import DEPLOY, ESCALATE, FIRST

LAMBDA = "AWS/Lambda"
_5M = Duration(300_000)
NOMINAL_INVOCATIONS = 10.0  # per second: what drives hold steady beside an error share or a duration


def _function(service: Service) -> str:
    aws = service.sources.aws
    assert aws is not None and aws.lambda_function is not None, "guarded by needs.LAMBDA_NAME"
    return aws_tag(aws.lambda_function.name, aws.from_stack)


# What the replay takes a timeout to be that only the deployed stack knows (an output of `from_stack`): the alert is a
# share of the timeout, so a value assumed alike in the expression the replay evaluates and in the duration it drives
# proves the same firing and quiet; the replay's report says where it was assumed.
NOMINAL_TIMEOUT = Duration(60_000)


def _timeout(service: Service) -> Duration | StackOutput:
    aws = service.sources.aws
    assert aws is not None and aws.lambda_function is not None and aws.lambda_function.timeout is not None, "guarded by needs.LAMBDA_TIMEOUT"
    return aws.lambda_function.timeout


def timeout_ms(service: Service) -> int:
    """The function's timeout in milliseconds, as Lambda's Duration is (guarded by needs.LAMBDA_TIMEOUT): as written, or
    `NOMINAL_TIMEOUT` where another stack's output holds it (what the replay drives against)."""
    timeout = _timeout(service)
    return int((timeout if isinstance(timeout, Duration) else NOMINAL_TIMEOUT).ms)


@dataclass(frozen=True)
class Assumed:
    """A value the replay assumes for another stack's output: the plan's placeholder, the number put in its place in the
    expressions the replay evaluates, and the words its report says."""

    placeholder: str
    value: str
    words: str


def assumed(service: Service) -> tuple[Assumed, ...]:
    """The timeout, when another stack's output holds it: taken to be NOMINAL_TIMEOUT (in seconds, as the output is)."""
    aws = service.sources.aws
    timeout = aws.lambda_function.timeout if aws is not None and aws.lambda_function is not None else None
    if aws is None or not isinstance(timeout, StackOutput):
        return ()
    seconds = f"{NOMINAL_TIMEOUT.seconds:g}"
    return (
        Assumed(
            output_placeholder(aws.from_stack, timeout.output),
            seconds,
            f"sources.aws.lambda_function.timeout is output {timeout.output} of {aws.from_stack}, known only to the deployed "
            f"stack: replayed as {NOMINAL_TIMEOUT} in the alerts' expressions and the durations driven alike",
        ),
    )


def limit(service: Service) -> int:
    aws = service.sources.aws
    assert aws is not None and aws.lambda_function is not None, "guarded by needs.LAMBDA"
    return aws.lambda_function.concurrency_limit


def _scope(service: Service) -> str:
    return f"{{functionname:{_function(service)}}}"


def _error_rate(service: Service, env: str) -> Expression:
    scope = _scope(service)
    return Expression(
        "100 * errors / invocations",
        {"errors": f"sum:aws.lambda.errors{scope}.as_count()", "invocations": f"sum:aws.lambda.invocations{scope}.as_count()"},
    )


def _throttles(service: Service, env: str) -> Expression:
    return Expression("throttles", {"throttles": f"sum:aws.lambda.throttles{_scope(service)}.as_count()"})


def _duration(service: Service, env: str) -> Expression:
    """The integration's p95 is in milliseconds: in seconds, as every duration vigil compares."""
    return Expression("duration / 1000", {"duration": f"avg:aws.lambda.duration.p95{_scope(service)}"})


def _timeout_use(service: Service, env: str) -> Expression:
    """The p95 duration (milliseconds) in percent of the function's timeout: written, or another stack's output in
    seconds (its placeholder, which the program fills with the output's value)."""
    timeout, aws = _timeout(service), service.sources.aws
    assert aws is not None
    of = str(timeout.ms) if isinstance(timeout, Duration) else f"(1000 * {output_placeholder(aws.from_stack, timeout.output)})"
    return Expression(f"100 * duration / {of}", {"duration": f"avg:aws.lambda.duration.p95{_scope(service)}"})


def _cw_timeout_use(scope: AwsScope) -> Math:
    """Over the timeout as written (ms), or over 1000 times another stack's output (seconds): its value as CloudWatch's
    dimension values take one (a placeholder offline)."""
    metric, seconds = _metric(scope, "Duration", "p95"), scope.targets.lambda_timeout
    if seconds is None:
        ms = timeout_ms(scope.service)
        return Math((metric,), f"100*m1/{ms}", f"100*Duration p95/{ms} (the timeout, ms)")
    return Math((metric,), concat("100*m1/(1000*", seconds, ")"), "100*Duration p95/(1000*timeout) (the timeout, s, a stack output)")


def _concurrency(service: Service, env: str) -> Expression:
    return Expression(f"100 * concurrency / {limit(service)}", {"concurrency": f"max:aws.lambda.concurrent_executions.maximum{_scope(service)}"})


def _metric(scope: AwsScope, name: str, stat: str) -> Metric:
    function = scope.targets.lambda_function
    assert function is not None, "guarded by needs.LAMBDA"
    return Metric(LAMBDA, name, {"FunctionName": function}, stat)


def _cw_error_rate(scope: AwsScope) -> Ratio:
    return Ratio(_metric(scope, "Errors", "Sum"), _metric(scope, "Invocations", "Sum"))


def _cw_concurrency(scope: AwsScope) -> Math:
    cap = limit(scope.service)
    return Math((_metric(scope, "ConcurrentExecutions", "Maximum"),), f"100*m1/{cap}", f"100*ConcurrentExecutions/{cap}")


def _single(name: str, stat: str) -> Callable[[AwsScope], Metric]:
    return lambda scope: _metric(scope, name, stat)


SIGNALS = (
    Signal(
        name="function_error_rate",
        title="function error rate",
        section="functions",
        watches="Invocations of the service's Lambda function that end in an error (its own exceptions, timeouts, runtime errors), as a share of all invocations.",
        steps=(
            FIRST,
            DEPLOY,
            "Read the function's error logs (its log group) at the time of the alert: one new exception usually explains it; timeouts show as `Task timed out`.",
            "Check what it calls (databases, queues, APIs): their alerts and dashboards.",
            ESCALATE,
        ),
        datadog=DatadogMetric(
            query=_error_rate,
            aggregation="sum",
            window=_5M,
            unit="%",
            graph=DatadogGraph("Function errors (%)", "errors"),
            evaluation_delay=AWS_DELAY,
            needs=(needs.DATADOG, needs.LAMBDA_NAME),
        ),
        cloudwatch=CloudWatchAlarm(
            title="function error rate",
            source=_cw_error_rate,
            unit="%",
            evaluation=FAST,
            convert=percent,
            needs=(needs.LAMBDA,),
        ),
        drive=Drive("function_errors", {"invocations": NOMINAL_INVOCATIONS}),
    ),
    Signal(
        name="function_throttles",
        title="function throttles",
        section="functions",
        watches="Invocation requests Lambda refused because the function had no concurrency left: callers got an error, or their events wait for a retry.",
        steps=(
            FIRST,
            "Compare the function's concurrency with its limit (the concurrency graph): a reserved concurrency set too low, or the Region's quota shared with other functions?",
            "Look for what raised the traffic or the duration (each invocation holds its concurrency longer).",
            "Raise the reserved concurrency, or ask AWS for a higher quota, once the cause is known.",
        ),
        datadog=DatadogMetric(
            query=_throttles,
            aggregation="sum",
            window=_5M,
            unit=" throttles",
            graph=DatadogGraph("Function throttles", "throttles"),
            evaluation_delay=AWS_DELAY,
            counts_window=True,
            needs=(needs.DATADOG, needs.LAMBDA_NAME),
        ),
        cloudwatch=CloudWatchAlarm(
            title="function throttles",
            source=_single("Throttles", "Sum"),
            unit="throttles per period",
            evaluation=FAST,
            convert=per_period,
            needs=(needs.LAMBDA,),
        ),
        drive=Drive("function_throttles"),
        sparse=True,  # Lambda publishes Throttles only while it throttles
    ),
    Signal(
        name="function_duration_p95",
        title="function p95 duration",
        section="functions",
        watches="The time 95% of the function's invocations take: slow invocations hold concurrency longer, and reach the timeout.",
        steps=(
            FIRST,
            "Compare with the function's timeout: invocations near it fail as timeouts.",
            "Check what it waits for (database, downstream APIs) and cold starts (a new version, more concurrency).",
            DEPLOY,
            ESCALATE,
        ),
        datadog=DatadogMetric(
            query=_duration,
            aggregation="avg",
            window=_5M,
            unit=" s",
            graph=DatadogGraph("Function duration p95 (s)", "p95"),
            evaluation_delay=AWS_DELAY,
            needs=(needs.DATADOG, needs.LAMBDA_NAME),
        ),
        cloudwatch=CloudWatchAlarm(
            title="function duration p95",
            source=_single("Duration", "p95"),
            unit="ms",
            evaluation=FAST,
            convert=milliseconds,
            needs=(needs.LAMBDA,),
        ),
        drive=Drive("function_duration_p95", {"invocations": NOMINAL_INVOCATIONS}, same=("function_timeout_use",)),
    ),
    Signal(
        name="function_concurrency",
        title="function concurrency",
        section="functions",
        watches="The function's concurrent executions in percent of its limit (`sources.aws.lambda_function.concurrency_limit`): at 100 %, Lambda throttles.",
        steps=(
            FIRST,
            "Find what raised it: more traffic (callers, a queue's backlog) or longer invocations (the duration graph).",
            "If it is the Region's quota, other functions share it: check which grew.",
            "Raise the reserved concurrency or the quota, or slow the producers, before it reaches the limit.",
        ),
        datadog=DatadogMetric(
            query=_concurrency,
            aggregation="avg",
            window=_5M,
            unit="%",
            graph=DatadogGraph("Function concurrency (% of limit)", "concurrency"),
            evaluation_delay=AWS_DELAY,
            needs=(needs.DATADOG, needs.LAMBDA_NAME),
        ),
        cloudwatch=CloudWatchAlarm(
            title="function concurrency",
            source=_cw_concurrency,
            unit="%",
            evaluation=FAST,
            convert=percent,
            needs=(needs.LAMBDA,),
        ),
        drive=Drive("function_concurrency"),
    ),
    Signal(
        name="function_timeout_use",
        title="function duration against its timeout",
        section="functions",
        watches="The time 95% of the function's invocations take, in percent of its timeout "
        "(`sources.aws.lambda_function.timeout`): at 100 %, Lambda stops them and counts them as errors. A duration threshold "
        "has to be moved with every change of the timeout; this one moves with it.",
        steps=(
            FIRST,
            "Check what the invocations wait for (database, downstream APIs) and cold starts; raising the timeout buys time, not speed.",
            "Invocations that reach the timeout fail as `Task timed out`: read the function's logs for them.",
            DEPLOY,
            ESCALATE,
        ),
        datadog=DatadogMetric(
            query=_timeout_use,
            aggregation="avg",
            window=_5M,
            unit="%",
            graph=DatadogGraph("Function duration p95 (% of timeout)", "of timeout"),
            evaluation_delay=AWS_DELAY,
            needs=(needs.DATADOG, needs.LAMBDA_NAME, needs.LAMBDA_TIMEOUT),
        ),
        cloudwatch=CloudWatchAlarm(
            title="function duration p95 of its timeout",
            source=_cw_timeout_use,
            unit="%",
            evaluation=FAST,
            convert=percent,
            needs=(needs.LAMBDA, needs.LAMBDA_TIMEOUT),
        ),
        drive=Drive("function_timeout_use", {"invocations": NOMINAL_INVOCATIONS}, same=("function_duration_p95",)),
    ),
)


# ---- Replay: the function's series, and what the vendors receive for them ----------------------------------------

SERIES = (
    Series(name="invocations", unit="rate", means="Invocations of the service's Lambda function per second (`10/s`)."),
    Series(name="function_errors", unit="percent", means="Share of the function's invocations that end in an error."),
    Series(name="function_throttles", unit="rate", means="Invocation requests of the function Lambda throttles, per unit of time."),
    Series(name="function_duration_p95", unit="duration", means="The function's 95th percentile duration."),
    Series(name="function_concurrency", unit="percent", means="The function's concurrent executions, in percent of its concurrency limit."),
    Series(
        name="function_timeout_use",
        unit="percent",
        means="The function's 95th percentile duration in percent of its timeout (`sources.aws.lambda_function.timeout`): "
        "`function_duration_p95` written against the timeout (given both, the lower is its p95).",
    ),
)


def _invocations(values: Values, seconds: int) -> Events | None:
    rate = values.get("invocations")
    return Events(rate * seconds) if rate else None


def _errors(values: Values, seconds: int) -> Events | None:
    """Lambda publishes Errors beside every minute with invocations (a zero when none failed)."""
    rate = values.get("invocations")
    if not rate or "function_errors" not in values:
        return None
    return Events(rate * seconds * values["function_errors"] / 100)


def _throttled(values: Values, seconds: int) -> Events | None:
    rate = values.get("function_throttles")
    return Events(rate * seconds) if rate else None  # nothing throttled: nothing published


def _duration_point(scope: AwsScope) -> PointOf:
    """The p95 duration in milliseconds: `function_duration_p95`, or `function_timeout_use` of the timeout."""
    aws = scope.service.sources.aws
    known = aws is not None and aws.lambda_function is not None and aws.lambda_function.timeout is not None
    ms = timeout_ms(scope.service) if known else None  # NOMINAL_TIMEOUT for a stack's output, as `assumed` says

    def point(values: Values, seconds: int) -> Gauge | None:
        if not values.get("invocations"):
            return None
        found = [values["function_duration_p95"] * 1000] if "function_duration_p95" in values else []
        if "function_timeout_use" in values:
            if ms is None:
                raise ValueError("function_timeout_use needs sources.aws.lambda_function.timeout")
            found.append(values["function_timeout_use"] / 100 * ms)
        # both bound the one p95 (the standard healthy run sets each alert's series under its thresholds): the lower
        return Gauge(min(found)) if found else None

    return point


def _concurrent(scope: AwsScope) -> PointOf:
    cap = limit(scope.service)

    def point(values: Values, seconds: int) -> Gauge | None:
        return Gauge(values["function_concurrency"] * cap / 100) if "function_concurrency" in values else None

    return point


def published(scope: AwsScope) -> list[Publication]:
    """Lambda publishes its function metrics every minute (the p95 duration is a statistic of the minute's invocations:
    the replay gives it as the minute's one value); Datadog's AWS integration crawls them, tagged by the lowercase
    function name."""
    if scope.targets.lambda_function is None:
        return []
    out: list[Publication] = []
    concurrent, duration = _concurrent(scope), _duration_point(scope)
    for name, stat, point, shows in (
        ("Invocations", "Sum", _invocations, ("invocations",)),
        ("Errors", "Sum", _errors, ("function_errors",)),
        ("Throttles", "Sum", _throttled, ("function_throttles",)),
        ("Duration", "p95", duration, ("function_duration_p95", "function_timeout_use")),
        ("ConcurrentExecutions", "Maximum", concurrent, ("function_concurrency",)),
    ):
        metric = _metric(scope, name, stat)
        out.append(CloudWatchPublication(metric.namespace, metric.name, metric.dimensions, point, shows))
    aws = scope.service.sources.aws
    if aws is not None and aws.lambda_function is not None:
        tag = (f"functionname:{_function(scope.service)}",)
        out += [
            DatadogPublication("aws.lambda.invocations", tag, "count", _invocations, ("invocations",)),
            DatadogPublication("aws.lambda.errors", tag, "count", _errors, ("function_errors",)),
            DatadogPublication("aws.lambda.throttles", tag, "count", _throttled, ("function_throttles",)),
            DatadogPublication("aws.lambda.duration.p95", tag, "gauge", duration, ("function_duration_p95", "function_timeout_use")),
            DatadogPublication("aws.lambda.concurrent_executions.maximum", tag, "gauge", concurrent, ("function_concurrency",)),
        ]
    return out
