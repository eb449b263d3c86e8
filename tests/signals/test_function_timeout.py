"""Issue 19 item 7: a Lambda function's duration against its timeout. "Timeout is the maximum amount of time in seconds
that a Lambda function can run. The default value for this setting is 3 seconds, but you can adjust this in increments
of 1 second up to a maximum value of 900 seconds (15 minutes)." (https://docs.aws.amazon.com/lambda/latest/dg/
configuration-timeout.html): the spec says it (`sources.aws.lambda_function.timeout`), and the alert's thresholds are a
share of it on both backends, so they move with it."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from signals import REGISTRY
from signals.cloudwatch import Math
from signals.datadog import env_filter
from signals.model import CloudWatchAlarm, DatadogMetric
from spec.sources import LambdaSource

from .test_registry import FULL, scope, service


def with_timeout(timeout: str) -> object:
    aws = {**FULL["sources"]["aws"], "lambda_function": {"name": "shop-worker", "concurrency_limit": 200, "timeout": timeout}}
    return service(sources={**FULL["sources"], "aws": aws})


def test_the_alert_is_a_share_of_the_timeout_on_both_backends() -> None:
    signal = REGISTRY["function_timeout_use"]
    assert isinstance(signal.datadog, DatadogMetric) and isinstance(signal.cloudwatch, CloudWatchAlarm)
    for timeout, ms in (("30s", 30000), ("15m", 900000)):
        svc = with_timeout(timeout)
        query = signal.datadog.query(svc, env_filter("prod"))  # type: ignore[arg-type]
        assert query.render() == f"100 * avg:aws.lambda.duration.p95{{functionname:shop-worker}} / {ms}"  # Datadog's p95 is in ms
        source = signal.cloudwatch.source(scope(svc))  # type: ignore[arg-type]
        assert isinstance(source, Math) and source.expression == f"100*m1/{ms}"
        assert [(m.name, m.stat) for m in source.metrics] == [("Duration", "p95")]  # Lambda's Duration, in milliseconds


def test_without_the_timeout_neither_backend_can_measure_it() -> None:
    aws = {**FULL["sources"]["aws"], "lambda_function": {"name": "shop-worker"}}
    svc = service(sources={**FULL["sources"], "aws": aws})
    for backend in ("datadog", "aws"):
        assert "sources.aws.lambda_function.timeout" in REGISTRY["function_timeout_use"].missing(backend, svc)


@pytest.mark.parametrize("timeout", ["1500ms", "500ms", "901s", "1h"])
def test_a_timeout_lambda_cannot_have_is_an_error(timeout: str) -> None:
    with pytest.raises(ValidationError, match="Lambda's timeout is whole seconds, from 1s to 15m"):
        LambdaSource.model_validate({"name": "f", "timeout": timeout})
    assert LambdaSource.model_validate({"name": "f", "timeout": "900s"}).timeout is not None
