"""Gateways: the API Gateway API in front of the service — the share of requests answered 5xx, its latency, and its
integration latency beside it.

CloudWatch: `AWS/ApiGateway`, every minute (API Gateway developer guide, "Amazon API Gateway dimensions and metrics" and
"Working with metrics for HTTP APIs"). A REST API, by `ApiName` (and `Stage`): `5XXError` (its Sum the errors, its
Average their rate over `Count`), `Count` (requests: its SampleCount), `Latency` ("The time between when API Gateway
receives a request from a client and when it returns a response to the client. The latency includes the integration
latency and other API Gateway overhead") and `IntegrationLatency` ("The time between when API Gateway relays a request
to the backend and when it receives a response from the backend"), both in milliseconds with percentiles. An HTTP API,
by `ApiId` (and `Stage`): `5xx`, `Count`, `Latency` and `IntegrationLatency` alike. Datadog's AWS integration crawls
them as `aws.apigateway.5xxerror` (REST) or `aws.apigateway.5xx` (HTTP), `aws.apigateway.count` (counts),
`aws.apigateway.latency.p95` and `aws.apigateway.integration_latency.p95` (gauges, in milliseconds: each CloudWatch
statistic is a metric of its own, integrations/guide/aws-integration-troubleshooting), tagged `apiname:`, `apiid:` and
`stage:` (lowercase; Datadog's Amazon API Gateway integration, its metrics list).
https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-metrics-and-dimensions.html
https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-metrics.html
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Optional

from spec import Duration, Service
from spec.sources import ApiGatewaySource

from . import needs
from .cloudwatch import FAST, AwsScope, Metric, Ratio, Targets, milliseconds, percent
from .datadog import AWS_DELAY, Expression, aws_tag
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
    Publication,
    Series,
    Signal,
    Spread,
    Values,
)
from .words import DEPLOY, ESCALATE, FIRST

if TYPE_CHECKING:
    import pulumi

GATEWAY = "AWS/ApiGateway"
_5M = Duration(300_000)
NOMINAL_RPS = 20.0  # requests a second the drives hold steady beside an error share or a latency


def _api(service: Service) -> ApiGatewaySource:
    aws = service.sources.aws
    assert aws is not None and aws.api_gateway is not None, "guarded by needs.API_GATEWAY_NAME"
    return aws.api_gateway


def _errors_metric(rest: bool) -> str:
    return "5XXError" if rest else "5xx"


def _datadog_tags(api: ApiGatewaySource, stack: Optional[str] = None) -> tuple[str, ...]:
    """`apiname:` (REST) or `apiid:` (HTTP), and `stage:` when the spec names one: lowercase, as the integration tags."""
    key, value = ("apiname", api.rest_api) if api.rest_api is not None else ("apiid", api.http_api)
    tags = [f"{key}:{aws_tag(value, stack)}"]
    if api.stage is not None:
        tags.append(f"stage:{aws_tag(api.stage, stack)}")
    return tuple(tags)


def _scope(service: Service) -> str:
    aws = service.sources.aws
    return "{" + ",".join(_datadog_tags(_api(service), aws.from_stack if aws else None)) + "}"


def _error_rate(service: Service, env: str) -> Expression:
    api, scope = _api(service), _scope(service)
    errors = "5xxerror" if api.rest_api is not None else "5xx"
    return Expression(
        "100 * errors / requests",
        {"errors": f"sum:aws.apigateway.{errors}{scope}.as_count()", "requests": f"sum:aws.apigateway.count{scope}.as_count()"},
    )


def _latency(metric: str) -> Callable[[Service, str], Expression]:
    """The integration's p95 is in milliseconds: in seconds, as every duration vigil compares."""
    return lambda service, env: Expression("latency / 1000", {"latency": f"avg:aws.apigateway.{metric}.p95{_scope(service)}"})


def dimensions(targets: Targets) -> Optional[tuple[bool, dict[str, pulumi.Input[str]]]]:
    """Whether the API is a REST API, and its CloudWatch dimensions (with the stage when the spec names one)."""
    if targets.rest_api is None and targets.http_api is None:
        return None
    dims: dict[str, pulumi.Input[str]] = {}
    if targets.rest_api is not None:
        dims["ApiName"] = targets.rest_api
    elif targets.http_api is not None:
        dims["ApiId"] = targets.http_api
    rest = targets.rest_api is not None
    if targets.api_stage is not None:
        dims["Stage"] = targets.api_stage
    return rest, dims


def _found(scope: AwsScope) -> tuple[bool, dict[str, pulumi.Input[str]]]:
    found = dimensions(scope.targets)
    assert found is not None, "guarded by needs.API_GATEWAY"
    return found


def _cw_error_rate(scope: AwsScope) -> Ratio:
    """5xx responses (Sum) over requests (Count's SampleCount, as API Gateway documents it), in percent."""
    rest, dims = _found(scope)
    return Ratio(Metric(GATEWAY, _errors_metric(rest), dims, "Sum"), Metric(GATEWAY, "Count", dims, "SampleCount"))


def _cw_latency(name: str) -> Callable[[AwsScope], Metric]:
    def source(scope: AwsScope) -> Metric:
        _, dims = _found(scope)
        return Metric(GATEWAY, name, dims, "p95")

    return source


SIGNALS = (
    Signal(
        name="gateway_error_rate",
        title="gateway 5xx rate",
        section="gateway",
        watches="Requests the API Gateway answers with a 5xx (the integration failed or timed out, or the gateway itself erred), as a share of all requests.",
        steps=(
            FIRST,
            "Open the API's execution or access logs: integration errors and timeouts (29 s for REST APIs) point at the backend, 500s with no integration call at the gateway's own configuration.",
            DEPLOY,
            "Check the backend (its Lambda function's errors and duration, or the service behind it) and its own alerts.",
            ESCALATE,
        ),
        datadog=DatadogMetric(
            query=_error_rate,
            aggregation="sum",
            window=_5M,
            unit="%",
            graph=DatadogGraph("Gateway 5xx (%)", "5xx"),
            evaluation_delay=AWS_DELAY,
            needs=(needs.DATADOG, needs.API_GATEWAY_NAME),
        ),
        cloudwatch=CloudWatchAlarm(
            title="gateway 5xx rate",
            source=_cw_error_rate,
            unit="%",
            evaluation=FAST,
            convert=percent,
            needs=(needs.API_GATEWAY,),
        ),
        drive=Drive("gateway_errors", {"gateway_requests": NOMINAL_RPS}),
    ),
    Signal(
        name="gateway_latency_p95",
        title="gateway p95 latency",
        section="gateway",
        watches="The time 95% of requests take from the API Gateway receiving them to its answer, the backend's time included.",
        steps=(
            FIRST,
            "Compare with the integration latency (the backend's share): a slow backend, or the gateway itself (authorizers, mapping templates)?",
            "Check the backend's own latency and its dependencies; for Lambda, its duration and cold starts.",
            DEPLOY,
            ESCALATE,
        ),
        datadog=DatadogMetric(
            query=_latency("latency"),
            aggregation="avg",
            window=_5M,
            unit=" s",
            graph=DatadogGraph("Gateway latency p95 (s)", "p95"),
            evaluation_delay=AWS_DELAY,
            needs=(needs.DATADOG, needs.API_GATEWAY_NAME),
        ),
        cloudwatch=CloudWatchAlarm(
            title="gateway latency p95",
            source=_cw_latency("Latency"),
            unit="ms",
            evaluation=FAST,
            convert=milliseconds,
            graph=CloudWatchGraph("gateway latency p95", "latency"),
            needs=(needs.API_GATEWAY,),
        ),
        drive=Drive("gateway_latency_p95", {"gateway_requests": NOMINAL_RPS}),
    ),
    Signal(
        name="gateway_integration_latency_p95",
        title="gateway integration p95 latency",
        section="gateway",
        watches="The time 95% of requests take from the API Gateway relaying them to the backend to its answer: the "
        "backend's share of the gateway's latency; a latency that grows while this does not is the gateway's own.",
        steps=(
            FIRST,
            "The backend is slow: check its own latency and dependencies; for Lambda, its duration, cold starts and concurrency.",
            "REST APIs time out the integration after 29 s by default (an API Gateway quota): requests near it fail with a 504.",
            DEPLOY,
            ESCALATE,
        ),
        datadog=DatadogMetric(
            query=_latency("integration_latency"),
            aggregation="avg",
            window=_5M,
            unit=" s",
            graph=DatadogGraph("Gateway latency p95 (s)", "integration p95"),
            evaluation_delay=AWS_DELAY,
            needs=(needs.DATADOG, needs.API_GATEWAY_NAME),
        ),
        cloudwatch=CloudWatchAlarm(
            title="gateway integration latency p95",
            source=_cw_latency("IntegrationLatency"),
            unit="ms",
            evaluation=FAST,
            convert=milliseconds,
            graph=CloudWatchGraph("gateway latency p95", "integration"),
            needs=(needs.API_GATEWAY,),
        ),
        drive=Drive("gateway_integration_latency_p95", {"gateway_requests": NOMINAL_RPS}),
    ),
)


# ---- Replay: the gateway's series, and what the vendors receive for them -----------------------------------------

SERIES = (
    Series(name="gateway_requests", unit="rate", means="Requests per second the API Gateway receives."),
    Series(name="gateway_errors", unit="percent", means="Share of the gateway's requests it answers with a 5xx."),
    Series(name="gateway_latency_p95", unit="duration", means="The gateway's 95th percentile latency."),
    Series(
        name="gateway_integration_latency_p95",
        unit="duration",
        means="The gateway's 95th percentile integration latency: from relaying a request to the backend to its answer.",
    ),
)


def _requests(values: Values, seconds: int) -> Optional[Spread]:
    """One sample of 1 per request: Count's SampleCount (and Sum) is the request count."""
    rate = values.get("gateway_requests")
    return Spread(((1.0, rate * seconds),)) if rate else None


def _errors(values: Values, seconds: int) -> Optional[Spread]:
    """One sample per request, 1 when answered 5xx: its Sum the errors, its Average their rate."""
    rate = values.get("gateway_requests")
    if not rate or "gateway_errors" not in values:
        return None
    failed = rate * seconds * values["gateway_errors"] / 100
    return Spread(((1.0, failed), (0.0, rate * seconds - failed)))


def _latency_ms(series: str) -> Callable[[Values, int], Optional[Gauge]]:
    def point(values: Values, seconds: int) -> Optional[Gauge]:
        if series not in values or not values.get("gateway_requests"):
            return None
        return Gauge(values[series] * 1000)

    return point


def _requests_counted(values: Values, seconds: int) -> Optional[Events]:
    """Requests as Datadog's AWS integration crawls them: a count."""
    rate = values.get("gateway_requests")
    return Events(rate * seconds) if rate else None


def _errors_counted(values: Values, seconds: int) -> Optional[Events]:
    rate = values.get("gateway_requests")
    if not rate or "gateway_errors" not in values:
        return None
    return Events(rate * seconds * values["gateway_errors"] / 100)


def published(scope: AwsScope) -> list[Publication]:
    """API Gateway publishes every minute; Datadog's AWS integration crawls the same metrics (counts of requests and
    errors, the p95 latency as a gauge)."""
    found = dimensions(scope.targets)
    out: list[Publication] = []
    if found is not None:
        rest, dims = found
        out += [
            CloudWatchPublication(GATEWAY, "Count", dims, _requests, ("gateway_requests",)),
            CloudWatchPublication(GATEWAY, _errors_metric(rest), dims, _errors, ("gateway_errors",)),
            CloudWatchPublication(GATEWAY, "Latency", dims, _latency_ms("gateway_latency_p95"), ("gateway_latency_p95",)),
            CloudWatchPublication(
                GATEWAY, "IntegrationLatency", dims, _latency_ms("gateway_integration_latency_p95"), ("gateway_integration_latency_p95",)
            ),
        ]
    aws = scope.service.sources.aws
    api = aws.api_gateway if aws is not None else None
    if api is not None and aws is not None:
        tags = _datadog_tags(api, aws.from_stack)
        errors = "aws.apigateway.5xxerror" if api.rest_api is not None else "aws.apigateway.5xx"
        out += [
            DatadogPublication("aws.apigateway.count", tags, "count", _requests_counted, ("gateway_requests",)),
            DatadogPublication(errors, tags, "count", _errors_counted, ("gateway_errors",)),
            DatadogPublication("aws.apigateway.latency.p95", tags, "gauge", _latency_ms("gateway_latency_p95"), ("gateway_latency_p95",)),
            DatadogPublication(
                "aws.apigateway.integration_latency.p95",
                tags,
                "gauge",
                _latency_ms("gateway_integration_latency_p95"),
                ("gateway_integration_latency_p95",),
            ),
        ]
    return out
