"""Issue 19 item 7: a Lambda function's duration against its timeout. "Timeout is the maximum amount of time in seconds
that a Lambda function can run. The default value for this setting is 3 seconds, but you can adjust this in increments
of 1 second up to a maximum value of 900 seconds (15 minutes)." (https://docs.aws.amazon.com/lambda/latest/dg/
configuration-timeout.html): the spec says it (`sources.aws.lambda_function.timeout`), or another stack's output gives
it in seconds, and the alert's thresholds are a share of it on both backends, so they move with it."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from monitors.aws.alarms import metric_alarm_args
from signals import REGISTRY
from signals.cloudwatch import FAST, AwsScope, Math, resolve_targets
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


# ---- The timeout read from another stack's output (`timeout: {output: fnTimeout}`: whole seconds) ----------------


def from_stack() -> object:
    aws = {**FULL["sources"]["aws"], "from_stack": "org/infra/prod", "lambda_function": {"name": "shop-worker", "timeout": {"output": "fnTimeout"}}}
    return service(sources={**FULL["sources"], "aws": aws})


def test_an_output_timeout_divides_by_its_seconds_in_milliseconds_on_both_backends() -> None:
    """Datadog's arithmetic and CloudWatch's metric math take numbers and parentheses: the output's seconds × 1000."""
    signal, svc = REGISTRY["function_timeout_use"], from_stack()
    assert isinstance(signal.datadog, DatadogMetric) and isinstance(signal.cloudwatch, CloudWatchAlarm)
    assert signal.missing("datadog", svc) == [] and signal.missing("aws", svc) == []  # type: ignore[arg-type]
    query = signal.datadog.query(svc, env_filter("prod"))  # type: ignore[arg-type]
    assert query.render() == "100 * avg:aws.lambda.duration.p95{functionname:shop-worker} / (1000 * ${org/infra/prod.fnTimeout})"
    source = signal.cloudwatch.source(scope(svc))  # type: ignore[arg-type]
    assert isinstance(source, Math) and source.expression == "100*m1/(1000*${stack.fnTimeout})"  # the scope's reader: ${stack.<output>}
    assert svc.sources.aws.stack_outputs() == ["fnTimeout"]  # type: ignore[attr-defined]  # the engine is told to answer it


def test_a_stack_named_like_a_query_stays_a_placeholder_in_the_monitor() -> None:
    """The formula's names become their queries; an output's placeholder is never read as one (`org/duration/prod`)."""
    aws = {**FULL["sources"]["aws"], "from_stack": "org/duration/prod", "lambda_function": {"name": "w", "timeout": {"output": "t"}}}
    svc = service(sources={**FULL["sources"], "aws": aws})
    query = REGISTRY["function_timeout_use"].datadog.query(svc, env_filter("prod"))  # type: ignore[union-attr]
    assert query.render().endswith("/ (1000 * ${org/duration/prod.t})")


def test_the_rules_check_the_grammar_around_the_placeholder() -> None:
    from monitors.datadog import rules

    class Args:
        type, priority, tags, monitor_thresholds = "query alert", "1", [], None
        query = "avg(last_5m):100 * avg:aws.lambda.duration.p95{functionname:w} / (1000 * ${org/infra/prod.fnTimeout}) > 90"

    assert rules.monitor_problems(Args()).get("query", []) == []
    Args.query = "avg(last_5m):100 * avg:aws.lambda.duration.p95{functionname:w} / (1000 * ${org/infra/prod.fnTimeout} ms) > 90"
    assert any("not metric terms joined by arithmetic" in p for p in rules.monitor_problems(Args())["query"])


def test_cloudwatchs_rules_read_the_placeholder_as_a_number_not_a_query_id() -> None:
    """A stack named `org/m7/prod` would otherwise read as a reference to a metric query m7 the alarm lacks."""
    from monitors.aws import rules

    alarm = REGISTRY["function_timeout_use"].cloudwatch
    aws = {**FULL["sources"]["aws"], "from_stack": "org/m7/prod", "lambda_function": {"name": "w", "timeout": {"output": "t"}}}
    svc = service(sources={**FULL["sources"], "aws": aws})
    source = alarm.source(AwsScope(svc, resolve_targets(svc.sources.aws, lambda o: f"${{org/m7/prod.{o}}}"), "prod"))  # type: ignore[union-attr, arg-type]
    args = metric_alarm_args("a", "d", source, FAST, threshold=90, comparison="GreaterThanThreshold", actions=["arn:t"], tags={})
    assert [p for p in rules.check_metric_alarm(args) if "no query" in p] == []


@pytest.mark.parametrize("value, text", [(30, "30"), (30.0, "30"), ("45", "45"), (900, "900"), ("${org/infra/prod.fnTimeout}", "${org/infra/prod.fnTimeout}")])
def test_deployed_an_output_reads_as_whole_seconds(value: object, text: str) -> None:
    from program.outputs import timeout_seconds

    assert timeout_seconds(value, "w") == text


@pytest.mark.parametrize("value", [30.5, "30s", "", 0, 901, True, None, "3e1"])
def test_deployed_an_output_lambda_cannot_have_stops_the_deployment(value: object) -> None:
    from program.outputs import timeout_seconds
    from program.settings import SettingsError

    with pytest.raises(SettingsError, match="a Lambda timeout is whole seconds from 1 to 900"):
        timeout_seconds(value, "worker: sources.aws.lambda_function.timeout (output fnTimeout of org/infra/prod)")


def test_the_replay_assumes_a_nominal_timeout_and_says_where() -> None:
    from signals import assumed_outputs
    from signals.functions import NOMINAL_TIMEOUT, timeout_ms

    svc = from_stack()
    (assumed,) = assumed_outputs(svc)  # type: ignore[arg-type]
    assert (assumed.placeholder, assumed.value) == ("${org/infra/prod.fnTimeout}", "60")
    assert "known only to the deployed stack" in assumed.words and "fnTimeout" in assumed.words
    assert timeout_ms(svc) == NOMINAL_TIMEOUT.ms == 60_000  # type: ignore[arg-type]  # what the drive writes against
    assert assumed_outputs(with_timeout("30s")) == ()  # type: ignore[arg-type]
