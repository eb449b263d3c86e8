"""HTTP services: requests, errors and latency, as APM traces (Datadog) and the load balancer (CloudWatch) see them."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Optional

from spec import Duration, Service
from spec.slos import LatencySli
from spec.sources import DatadogSource

from . import needs
from .cloudwatch import FAST, AwsScope, Evaluation, Metric, Ratio, Targets, count, per_period, percent, seconds
from .datadog import AWS_DELAY, Expression, aws_tag, env_filter, single
from .model import (
    CloudWatchAlarm,
    CloudWatchGraph,
    CloudWatchPublication,
    DatadogGraph,
    DatadogMetric,
    DatadogPublication,
    Drive,
    Events,
    Gauge,
    Point,
    PointOf,
    Publication,
    Series,
    Signal,
    Spread,
    Values,
)
from .words import DEPLOY, ESCALATE, FIRST

if TYPE_CHECKING:
    import pulumi

ALB = "AWS/ApplicationELB"
_5M, _10M = Duration(300_000), Duration(600_000)
# Latency and error ratios: 1-minute data, 3 of 5 so one spike does not page. No traffic means no latency and no
# errors: not breaching.
# Traffic that drives hold steady beside the series they move (error shares, latencies): 1,200 requests a minute.
NOMINAL_RPS = 20.0


# ---- Datadog: APM trace metrics of the service's entry span ----------------------------------------------------


def apm(service: Service) -> DatadogSource:
    source = service.sources.datadog
    assert source is not None, "guarded by needs.DATADOG"
    return source


def apm_scope(source: DatadogSource, env: str) -> str:
    """The APM scope: the service's own traces in one environment."""
    return f"{{service:{source.apm_service},{env}}}"


def hits(source: DatadogSource, env: str) -> str:
    return f"sum:trace.{source.span}.hits{apm_scope(source, env)}.as_count()"


def errors(source: DatadogSource, env: str) -> str:
    return f"sum:trace.{source.span}.errors{apm_scope(source, env)}.as_count()"


def latency(source: DatadogSource, env: str, percentile: str) -> Expression:
    """A percentile of the APM latency distribution, in seconds."""
    return single(f"{percentile}:trace.{source.span}{apm_scope(source, env)}")


def _error_rate(service: Service, env: str) -> Expression:
    source = apm(service)
    return Expression("100 * errors / hits", {"errors": errors(source, env), "hits": hits(source, env)})


def _client_error_rate(service: Service, env: str) -> Expression:
    source = apm(service)
    scope = f"{{service:{source.apm_service},{env},http.status_class:4xx}}"
    return Expression(
        "100 * client_errors / hits",
        {"client_errors": f"sum:trace.{source.span}.hits.by_http_status{scope}.as_count()", "hits": hits(source, env)},
    )


def _alb_tags(service: Service, *keys: str) -> str:
    """The AWS integration's tags of the service's load balancer (and target group): lowercase dimension values."""
    aws = service.sources.aws
    assert aws is not None, "guarded by needs.LOAD_BALANCER_NAME"
    values = {"loadbalancer": aws.load_balancer, "targetgroup": aws.target_group}
    return ",".join(f"{key}:{aws_tag(values[key], aws.from_stack)}" for key in keys)


def lb_errors(service: Service) -> str:
    """The 5xx the load balancer answers itself (502, 503, 504), from Datadog's AWS integration (AWS_DELAY late)."""
    return f"sum:aws.applicationelb.httpcode_elb_5xx{{{_alb_tags(service, 'loadbalancer')}}}.as_count()"


def lb_requests(service: Service) -> str:
    """Requests the load balancer passed to a target (RequestCount leaves out those refused before one was chosen)."""
    return f"sum:aws.applicationelb.request_count{{{_alb_tags(service, 'loadbalancer')}}}.as_count()"


def _lb_error_rate(service: Service, env: str) -> Expression:
    """5xx the load balancer itself answers, over every request it answered (target chosen or not)."""
    return Expression("100 * lb_errors / (requests + lb_errors)", {"lb_errors": lb_errors(service), "requests": lb_requests(service)})


def _unhealthy_targets(service: Service, env: str) -> Expression:
    return single(f"sum:aws.applicationelb.un_healthy_host_count{{{_alb_tags(service, 'loadbalancer', 'targetgroup')}}}")


def _throughput(service: Service, env: str) -> Expression:
    source = apm(service)
    return single(f"sum:trace.{source.span}.hits{apm_scope(source, env)}.as_rate()")


# ---- CloudWatch: the Application Load Balancer in front of the service -------------------------------------------


def alb_dimensions(targets: Targets) -> Optional[dict[str, pulumi.Input[str]]]:
    """The service's share of the ALB: its target group when known, else the whole load balancer."""
    if targets.load_balancer is None:
        return None
    dims: dict[str, pulumi.Input[str]] = {"LoadBalancer": targets.load_balancer}
    if targets.target_group is not None:
        dims["TargetGroup"] = targets.target_group
    return dims


def alb_ratio(targets: Targets, numerator: str) -> Optional[Ratio]:
    """100 × a response-code count ÷ RequestCount, both summed per period."""
    dims = alb_dimensions(targets)
    if dims is None:
        return None
    return Ratio(Metric(ALB, numerator, dims, "Sum"), Metric(ALB, "RequestCount", dims, "Sum"))


def _lb_errors(scope: AwsScope) -> Ratio:
    """RequestCount leaves out requests refused before a target was chosen (503: no healthy target), which
    HTTPCode_ELB_5XX_Count counts: the share is taken of both, so it stays within 100 %."""
    assert scope.targets.load_balancer is not None, "guarded by needs.LOAD_BALANCER"
    dims = {"LoadBalancer": scope.targets.load_balancer}  # the load balancer's own codes have no TargetGroup
    return Ratio(Metric(ALB, "HTTPCode_ELB_5XX_Count", dims, "Sum"), Metric(ALB, "RequestCount", dims, "Sum"), "100*m1/(m1+m2)")


def _unhealthy(scope: AwsScope) -> Metric:
    targets = scope.targets
    assert targets.load_balancer is not None and targets.target_group is not None, "guarded by needs.TARGET_GROUP"
    return Metric(ALB, "UnHealthyHostCount", {"LoadBalancer": targets.load_balancer, "TargetGroup": targets.target_group}, "Maximum")


def _alb(scope: AwsScope) -> dict[str, pulumi.Input[str]]:
    dims = alb_dimensions(scope.targets)
    assert dims is not None, "guarded by needs.LOAD_BALANCER"
    return dims


def _ratio(numerator: str) -> Callable[[AwsScope], Ratio]:
    """A response code's share of RequestCount: quiet below the service's `min_requests` (monitors/aws/alarms.py guards
    each period with its share of them, as every share of counts)."""

    def source(scope: AwsScope) -> Ratio:
        ratio = alb_ratio(scope.targets, numerator)
        assert ratio is not None, "guarded by needs.LOAD_BALANCER"
        return ratio

    return source


# ---- the signals -------------------------------------------------------------------------------------------------

_LATENCY_STEPS = (
    FIRST,
    "Compare with throughput and CPU: if the service is saturated, scale out.",
    "In APM, find the slow endpoints and what their time is spent on (database queries, cache misses, downstream calls).",
    DEPLOY,
    ESCALATE,
)


def _latency(percentile: str, watches: str) -> Signal:
    return Signal(
        name=f"latency_{percentile}",
        title=f"{percentile} latency",
        section="latency",
        watches=watches,
        steps=_LATENCY_STEPS,
        datadog=DatadogMetric(
            query=lambda service, env: latency(apm(service), env, percentile),
            aggregation="percentile",
            window=_5M,
            unit=" s",
            graph=DatadogGraph("Latency p50 / p95 / p99 (s)", percentile),
            needs=(needs.DATADOG,),
        ),
        cloudwatch=CloudWatchAlarm(
            title=f"latency {percentile}",
            source=lambda scope: Metric(ALB, "TargetResponseTime", _alb(scope), percentile),
            unit="s",
            evaluation=FAST,
            convert=seconds,
            graph=CloudWatchGraph("latency p50 / p95 / p99", percentile),
            needs=(needs.LOAD_BALANCER,),
        ),
        drive=Drive(f"latency_{percentile}", {"requests": NOMINAL_RPS}),
    )


SIGNALS = (
    Signal(
        name="error_rate",
        title="error rate (5xx)",
        section="errors",
        watches="Server errors (5xx) as a share of all requests.",
        steps=(
            FIRST,
            DEPLOY,
            "In APM, find which endpoints return the errors and open a few error traces; check the error tracker (Sentry) for a new error group.",
            "Check the dependencies: database connections, cache, downstream APIs (their alerts and dashboard widgets).",
            "If only some tasks fail, replace them (ECS: stop the bad tasks or force a new deployment).",
            ESCALATE,
        ),
        datadog=DatadogMetric(
            query=_error_rate,
            aggregation="sum",
            window=_5M,
            unit="%",
            graph=DatadogGraph("Error rates: 5xx and 4xx (%)", "5xx"),
            needs=(needs.DATADOG,),
        ),
        cloudwatch=CloudWatchAlarm(
            title="5xx error rate",
            source=_ratio("HTTPCode_Target_5XX_Count"),
            unit="%",
            evaluation=FAST,
            convert=percent,
            needs=(needs.LOAD_BALANCER,),
        ),
        drive=Drive("errors", {"requests": NOMINAL_RPS}),
    ),
    Signal(
        name="client_error_rate",
        title="client error rate (4xx)",
        section="errors",
        watches="Client errors (4xx) as a share of all requests: usually a client release, an API change or abusive traffic.",
        steps=(
            "Find the status codes and endpoints that grew (401/403: authentication; 404: routing or a client bug; 429: rate limits).",
            DEPLOY,
            "Check whether one client or address produces most of them (bot, scraper, broken mobile release) and contact its owner or block it.",
        ),
        datadog=DatadogMetric(
            query=_client_error_rate,
            aggregation="sum",
            window=_10M,
            unit="%",
            graph=DatadogGraph("Error rates: 5xx and 4xx (%)", "4xx"),
            needs=(needs.DATADOG,),
        ),
        cloudwatch=CloudWatchAlarm(
            title="4xx error rate",
            source=_ratio("HTTPCode_Target_4XX_Count"),
            unit="%",
            evaluation=Evaluation(300, 3, 3, "notBreaching"),
            convert=percent,
            needs=(needs.LOAD_BALANCER,),
        ),
        drive=Drive("client_errors", {"requests": NOMINAL_RPS}),
    ),
    _latency("p50", "The median response time: most requests are slow, not only a few."),
    _latency("p95", "The response time 95% of requests stay under."),
    _latency("p99", "The response time 99% of requests stay under: the slowest requests."),
    Signal(
        name="throughput_drop",
        title="throughput",
        section="throughput",
        watches="Requests per second; this alert fires when traffic falls below its thresholds — traffic is not reaching the service.",
        steps=(
            FIRST,
            "Check the health checks: is the endpoint reachable from outside (DNS, TLS certificate, load balancer, security groups)?",
            "Check upstream callers and clients: a client release, an expired key or a routing change can stop traffic.",
            "Rule out expected quiet periods (night, holidays); adjust the threshold by pull request if this keeps firing.",
            ESCALATE,
        ),
        datadog=DatadogMetric(
            query=_throughput,
            aggregation="avg",
            window=_10M,
            unit=" req/s",
            graph=DatadogGraph("Throughput (req/s)", "req/s"),
            notify_no_data=True,  # no requests at all is the worst throughput drop
            require_full_window=True,
            needs=(needs.DATADOG,),
        ),
        cloudwatch=CloudWatchAlarm(
            title="request count",
            source=lambda scope: Metric(ALB, "RequestCount", _alb(scope), "Sum"),
            unit="requests per period",
            evaluation=Evaluation(300, 3, 3, "breaching"),  # silence is the worst drop
            convert=per_period,
            graph=CloudWatchGraph("throughput", per_second=True),
            needs=(needs.LOAD_BALANCER,),
        ),
        drive=Drive("requests"),
    ),
    Signal(
        name="lb_error_rate",
        title="load balancer 5xx rate",
        section="errors",
        watches="5xx responses the load balancer answers itself (502, 503, 504: no healthy target, a target that crashed "
        "or timed out) as a share of requests; the service's own traces never see these requests.",
        steps=(
            FIRST,
            "Check the target group's health: are targets unhealthy, deregistering or missing (the unhealthy-targets graph, the ECS service's events)?",
            "502s: targets closed connections or crashed; 504s: targets took longer than the load balancer's idle timeout; 503s: no healthy target at all.",
            DEPLOY,
            ESCALATE,
        ),
        datadog=DatadogMetric(
            query=_lb_error_rate,
            aggregation="sum",
            window=_5M,
            unit="%",
            graph=DatadogGraph("Load balancer 5xx (%)", "lb 5xx"),
            evaluation_delay=AWS_DELAY,
            needs=(needs.DATADOG, needs.LOAD_BALANCER_NAME),
        ),
        cloudwatch=CloudWatchAlarm(
            title="load balancer 5xx rate",
            source=_lb_errors,
            unit="%",
            evaluation=FAST,
            convert=percent,
            needs=(needs.LOAD_BALANCER,),
        ),
        drive=Drive("lb_errors", {"requests": NOMINAL_RPS}),
    ),
    Signal(
        name="unhealthy_targets",
        title="unhealthy targets",
        section="health",
        watches="Targets of the service's target group that fail the load balancer's health check; traffic avoids them, "
        "so the rest carry the load until none is left.",
        steps=(
            FIRST,
            "Find why the targets fail their health check: the target group's health descriptions, the tasks' logs and the ECS service's events (crash loops, OOM kills).",
            "If a deploy started it, roll back; if tasks crash under load, scale out.",
            ESCALATE,
        ),
        datadog=DatadogMetric(
            query=_unhealthy_targets,
            aggregation="avg",
            window=_5M,
            unit=" targets",
            graph=DatadogGraph("Unhealthy targets", "unhealthy"),
            evaluation_delay=AWS_DELAY,
            needs=(needs.DATADOG, needs.LOAD_BALANCER_NAME, needs.TARGET_GROUP_NAME),
        ),
        cloudwatch=CloudWatchAlarm(
            title="unhealthy targets",
            source=_unhealthy,
            unit="targets",
            evaluation=Evaluation(60, 5, 3, "notBreaching"),  # not reported while no target is registered
            convert=count,
            needs=(needs.LOAD_BALANCER, needs.TARGET_GROUP),
        ),
        drive=Drive("unhealthy_targets"),
    ),
)


# ---- Replay: the series of an HTTP service, and what the vendors receive for them --------------------------------

SERIES = (
    Series(name="requests", unit="rate", means="Requests per second arriving at the service (at its load balancer when it has one)."),
    Series(name="errors", unit="percent", means="Share of the requests reaching the service that it answers with a 5xx."),
    Series(name="client_errors", unit="percent", means="Share of the requests reaching the service that it answers with a 4xx."),
    Series(
        name="lb_errors",
        unit="percent",
        means="Share of all requests the load balancer answers with a 5xx itself (no healthy target, a target that crashed "
        "or timed out): they never reach the service, its traces or `RequestCount`.",
    ),
    Series(name="latency_p50", unit="duration", means="Median response time of the requests reaching the service."),
    Series(name="latency_p95", unit="duration", means="95th percentile response time."),
    Series(name="latency_p99", unit="duration", means="99th percentile response time."),
    Series(
        name="slow",
        unit="percent",
        means="Share of requests slower than the service's latency SLO threshold (`latency_below`; with several latency "
        "SLOs, slower than the largest threshold while the rest stay within the smallest).",
    ),
    Series(name="unhealthy_targets", unit="count", means="Targets of the service's target group failing the load balancer's health check."),
)
_LATENCY_SERIES = ("latency_p50", "latency_p95", "latency_p99", "slow")
_KNOTS = ((0.50, "latency_p50"), (0.95, "latency_p95"), (0.99, "latency_p99"))
PERCENTILES = tuple(name for _, name in _KNOTS)  # in order: a scenario's latencies must not decrease along it


def reaching(values: Values) -> Optional[float]:
    """Requests per second that reach the service: those the load balancer does not answer itself."""
    rps = values.get("requests")
    return None if rps is None else rps * (1 - values.get("lb_errors", 0.0) / 100)


def _share_of(base: Callable[[Values], Optional[float]], series: Optional[str], zero: bool) -> PointOf:
    """Events per step: `base` per second (× the share `series` when given). ALB publishes a count only when it is
    not zero; APM publishes a zero while requests flow (`zero`)."""

    def point(values: Values, seconds: int) -> Optional[Point]:
        rate = base(values)
        if rate is None or (series is not None and series not in values):
            return None
        n = rate * seconds * (values[series] / 100 if series is not None else 1.0)
        if n > 0 or (zero and rate > 0):
            return Events(n)
        return None

    return point


def latency_thresholds(service: Service) -> tuple[float, ...]:
    """The latency SLOs' thresholds in seconds: what `slow` is slower than."""
    return tuple(sorted(slo.sli.latency_below.seconds for slo in service.slos if isinstance(slo.sli, LatencySli)))


def latency_spread(values: Values, weight: float, thresholds: tuple[float, ...]) -> Optional[Spread]:
    """The response times of `weight` requests: the given percentiles hold exactly (nearest rank), and `slow` of them
    are slower than every threshold while the rest stay within the smallest. A band without a percentile takes the
    next given one's value; with only `slow`, fast requests take 100 ms (at most half the smallest threshold) and slow
    ones twice the largest. Raises ValueError when the values contradict each other."""
    knots = [(q, name, values[name]) for q, name in _KNOTS if name in values]
    slow = values.get("slow")
    if (not knots and slow is None) or weight <= 0:
        return None
    for (_, low_name, low), (_, high_name, high) in itertools.pairwise(knots):
        if low > high:
            raise ValueError(f"{low_name} ({_ms(low)}) is above {high_name} ({_ms(high)})")
    cut, fast_limit, slow_limit = 1.0, math.inf, 0.0
    if slow is not None:
        if not thresholds:
            raise ValueError("slow needs a latency SLO (slos: sli: {latency_below: ...}) to be slower than")
        cut, fast_limit, slow_limit = 1 - slow / 100, thresholds[0], thresholds[-1]
        for q, name, value in knots:
            if q <= cut and value > fast_limit:
                raise ValueError(f"{name} {_ms(value)} and slow {slow:g}%: more than {100 * (1 - q):g}% of requests would be slower than {_ms(fast_limit)}")
            if q > cut and value <= slow_limit:
                raise ValueError(f"{name} {_ms(value)} and slow {slow:g}%: fewer than {slow:g}% of requests would be slower than {_ms(slow_limit)}")
    fast = min(0.1, fast_limit / 2)
    spread: list[tuple[float, float]] = []
    low = 0.0
    for high in sorted({q for q, _, _ in knots} | ({cut} if 0 < cut < 1 else set()) | {1.0}):
        above = [value for q, _, value in knots if q >= high]
        value = above[0] if above else (knots[-1][2] if knots else fast)
        if high <= cut and value > fast_limit:  # fast requests below a slow percentile: as fast as the band before
            value = min(fast_limit, max(fast, spread[-1][0] if spread else fast))
        if high > cut and value <= slow_limit:  # slow requests above the last percentile given
            value = 2 * slow_limit
        spread.append((value, weight * (high - low)))
        low = high
    return Spread(tuple(spread))


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:g}ms"


def _latencies(service: Service) -> PointOf:
    thresholds = latency_thresholds(service)

    def point(values: Values, seconds: int) -> Optional[Point]:
        rate = reaching(values)
        return latency_spread(values, rate * seconds, thresholds) if rate is not None else None

    return point


def _gauge(series: str) -> PointOf:
    return lambda values, seconds: Gauge(values[series]) if series in values else None


def _apm_tags(service: Service, environment: str, *extra: str) -> tuple[str, ...]:
    source = apm(service)
    return (f"service:{source.apm_service}", env_filter(environment), *extra)


def published(scope: AwsScope) -> list[Publication]:
    """What CloudWatch (the ALB's metrics, every minute) and Datadog (APM trace metrics of the entry span; the AWS
    integration's ALB metrics) receive for the series above."""
    service = scope.service
    out: list[Publication] = []
    dims = alb_dimensions(scope.targets)
    lb_errors = _share_of(lambda values: values.get("requests"), "lb_errors", zero=False)
    if dims is not None:
        lb_only = {"LoadBalancer": dims["LoadBalancer"]}
        requests = _share_of(reaching, None, zero=False)
        out += [
            CloudWatchPublication(ALB, "RequestCount", dims, requests, ("requests",)),
            CloudWatchPublication(ALB, "HTTPCode_Target_5XX_Count", dims, _share_of(reaching, "errors", zero=False), ("errors",)),
            CloudWatchPublication(ALB, "HTTPCode_Target_4XX_Count", dims, _share_of(reaching, "client_errors", zero=False), ("client_errors",)),
            CloudWatchPublication(ALB, "TargetResponseTime", dims, _latencies(service), _LATENCY_SERIES),
            CloudWatchPublication(ALB, "HTTPCode_ELB_5XX_Count", lb_only, lb_errors, ("lb_errors",)),
        ]
        if scope.targets.target_group is not None:  # then the load balancer's own RequestCount is another metric
            out.append(CloudWatchPublication(ALB, "RequestCount", lb_only, requests, ("requests",)))
            out.append(CloudWatchPublication(ALB, "UnHealthyHostCount", dims, _gauge("unhealthy_targets"), ("unhealthy_targets",)))
    source = service.sources.datadog
    if source is not None:
        trace, tags = f"trace.{source.span}", _apm_tags(service, scope.environment)
        out += [
            DatadogPublication(f"{trace}.hits", tags, "count", _share_of(reaching, None, zero=False), ("requests",)),
            DatadogPublication(f"{trace}.errors", tags, "count", _share_of(reaching, "errors", zero=True), ("errors",)),
            DatadogPublication(
                f"{trace}.hits.by_http_status", (*tags, "http.status_class:4xx"), "count", _share_of(reaching, "client_errors", zero=False), ("client_errors",)
            ),
            DatadogPublication(trace, tags, "distribution", _latencies(service), _LATENCY_SERIES),
        ]
        aws = service.sources.aws
        if aws is not None and aws.load_balancer is not None:  # the AWS integration tags by lowercase names
            lb = f"loadbalancer:{aws_tag(aws.load_balancer, aws.from_stack)}"
            out += [
                DatadogPublication("aws.applicationelb.request_count", (lb,), "count", _share_of(reaching, None, zero=False), ("requests",), AWS_DELAY),
                DatadogPublication("aws.applicationelb.httpcode_elb_5xx", (lb,), "count", lb_errors, ("lb_errors",), AWS_DELAY),
            ]
            if aws.target_group is not None:
                tg = f"targetgroup:{aws_tag(aws.target_group, aws.from_stack)}"
                unhealthy = _gauge("unhealthy_targets")
                out.append(DatadogPublication("aws.applicationelb.un_healthy_host_count", (lb, tg), "gauge", unhealthy, ("unhealthy_targets",), AWS_DELAY))
    return out
