"""HTTP services: requests, errors and latency, as APM traces (Datadog) and the load balancer (CloudWatch) see them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Optional

import pulumi

from spec import Duration, Service
from spec.sources import DatadogSource

from . import needs
from .cloudwatch import AwsScope, Evaluation, Metric, Ratio, Targets, per_period, percent, seconds
from .datadog import Expression, single
from .model import CloudWatchAlarm, CloudWatchGraph, DatadogGraph, DatadogMetric, Signal
from .words import DEPLOY, ESCALATE, FIRST

ALB = "AWS/ApplicationELB"
_5M, _10M = Duration(300_000), Duration(600_000)
# Latency and error ratios: 1-minute data, 3 of 5 so one spike does not page. No traffic means no latency and no
# errors: not breaching.
FAST = Evaluation(60, 5, 3, "notBreaching")


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


def _alb(scope: AwsScope) -> dict[str, pulumi.Input[str]]:
    dims = alb_dimensions(scope.targets)
    assert dims is not None, "guarded by needs.LOAD_BALANCER"
    return dims


def _ratio(numerator: str) -> Callable[[AwsScope], Ratio]:
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
    ),
)
