"""The signal registry is the one home of every signal: the spec's alert fields are its keys, each signal is realised
(or said to be unmeasurable) on both backends, realisations say what they need, and their queries keep each vendor's
grammar."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from monitors.aws.rules import check_metric_alarm
from monitors.datadog.rules import FUNCTIONS, scope_problems
from monitors.datadog.thresholds import monitor_query
from signals import FAMILIES, REGISTRY, SERIES
from signals.cloudwatch import AwsScope, Evaluation, Insights, Metric, Ratio, metrics_of, resolve_targets
from signals.datadog import env_filter
from signals.model import CloudWatchAlarm, DatadogLogs, DatadogMetric, Unmeasurable
from spec import Duration, Percent, Rate, Service
from spec.alerts import Alerts, Count, CountFromZero
from spec.dashboards import SECTIONS
from vigil.docs.limits import PATH as LIMITS_PAGE
from vigil.docs.signal_tables import TABLES, refreshed

ROOT = Path(__file__).resolve().parents[2]

FULL: dict[str, Any] = {
    "service": "shop",
    "team": "web",
    "runbook": "docs/runbooks/shop.md",
    "sources": {
        "datadog": {"apm_service": "shop", "span": "web.request"},
        "aws": {
            "region": "eu-west-1",
            "load_balancer": "app/shop/0123456789abcdef",
            "target_group": "targetgroup/shop/0123456789abcdef",
            "ecs": {"cluster": "prod", "service": "shop"},
            "rds": {"instance": "Shop-DB"},
            "elasticache": {"cluster": "shop-cache"},
            "sqs": {"queue": "Shop-Orders", "dead_letter_queue": "shop-orders-dlq"},
            "lambda_function": {"name": "shop-worker", "concurrency_limit": 200, "timeout": "30s"},
            "api_gateway": {"rest_api": "shop-api", "stage": "prod"},
            "dynamodb": {"table": "shop-orders"},
        },
    },
    "logs": {"retention": "30d", "metric_filters": ["error", "warn"]},
}


def service(runtime: str = "fargate", **changes: Any) -> Service:
    data = {**FULL, "sources": {**FULL["sources"], "datadog": {**FULL["sources"]["datadog"], "runtime": runtime}}, **changes}
    return Service.model_validate(data)


def scope(svc: Service) -> AwsScope:
    return AwsScope(svc, resolve_targets(svc.sources.aws, lambda output: f"${{stack.{output}}}"), "prod")


def test_the_spec_alert_fields_are_the_registry_keys_in_the_same_order() -> None:
    defined = [s.name for family in FAMILIES for s in family.SIGNALS]
    assert len(defined) == len(set(defined)), "a signal is defined twice"
    assert sorted(defined) == sorted(Alerts.names()), "every spec alert field needs exactly one registry entry"
    assert list(REGISTRY) == list(Alerts.names())


@pytest.mark.parametrize("name", list(REGISTRY))
def test_every_signal_is_realised_or_said_unmeasurable_on_each_backend(name: str) -> None:
    signal = REGISTRY[name]
    assert isinstance(signal.datadog, (DatadogMetric, DatadogLogs, Unmeasurable))
    assert isinstance(signal.cloudwatch, (CloudWatchAlarm, Unmeasurable))
    for realisation in (signal.datadog, signal.cloudwatch):
        if isinstance(realisation, Unmeasurable):
            assert len(realisation.reason) > 20, "say why the backend cannot measure it"
    assert signal.title and signal.watches and signal.steps and signal.section in SECTIONS
    assert signal.direction in ("above", "below")


@pytest.mark.parametrize("name", list(REGISTRY))
def test_a_service_with_every_source_is_measured_on_both_backends(name: str) -> None:
    full = service()
    assert REGISTRY[name].missing("datadog", full) == []
    assert REGISTRY[name].missing("aws", full) == []


def test_a_service_without_sources_is_told_what_each_backend_needs() -> None:
    bare = service(sources={}, logs={"retention": "30d", "metric_filters": []})
    for name, signal in REGISTRY.items():
        for backend in ("datadog", "aws"):
            missing = signal.missing(backend, bare)
            assert missing and all(m.startswith(("sources.", "logs.")) for m in missing), (name, backend, missing)
    assert REGISTRY["cache_hit_rate"].missing("aws", bare) == ["sources.aws.elasticache"]
    assert REGISTRY["cache_hit_rate"].missing("datadog", bare)[0] == "sources.datadog"
    assert REGISTRY["error_log_rate"].missing("aws", bare) == [
        "logs.metric_filters to include 'error' (CloudWatch counts error lines with a metric filter)"
    ]


def test_datadog_queries_a_name_read_from_a_stack_output_as_its_placeholder() -> None:
    """Issue 20 item 4: the query holds the output's placeholder, which the program fills (program/outputs.py)."""
    aws = {**FULL["sources"]["aws"], "from_stack": "org/infra/prod", "rds": {"instance": {"output": "dbName"}}}
    from_stack = service(sources={**FULL["sources"], "aws": aws})
    assert REGISTRY["db_connections"].missing("datadog", from_stack) == []
    assert REGISTRY["db_connections"].missing("aws", from_stack) == []  # CloudWatch reads the output when deployed
    realisation = REGISTRY["db_connections"].datadog
    assert isinstance(realisation, DatadogMetric)
    assert realisation.query(from_stack, "env:prod").render() == "max:aws.rds.database_connections{dbinstanceidentifier:${org/infra/prod.dbName}}"


QUANTITY_UNITS = {
    Percent: ("%",),
    Duration: (" s",),
    Rate: (" req/s", " lines", " throttles", " requests"),
    Count: (" connections", " messages"),
    CountFromZero: (" targets", " messages"),
}


@pytest.mark.parametrize("runtime", ["fargate", "host"])
@pytest.mark.parametrize("name", list(REGISTRY))
def test_datadog_queries_keep_datadog_grammar_and_name_their_metrics(name: str, runtime: str) -> None:
    realisation = REGISTRY[name].datadog
    svc = service(runtime)
    if isinstance(realisation, DatadogLogs):
        assert "env:prod" in realisation.search(svc, env_filter("prod"))
        return
    assert isinstance(realisation, DatadogMetric)
    expression = realisation.query(svc, env_filter("prod"))
    names = set(re.findall(r"\b[a-z_]+\b", expression.formula)) - set(FUNCTIONS)  # monotonic_diff(default_zero(depth))
    assert names == set(expression.terms), "every formula name is a term"
    assert scope_problems(expression.render()) == []
    assert monitor_query(realisation, expression.render(), "5m", ">", "1").startswith(f"{realisation.aggregation}(last_5m):")
    assert expression.metric_names() and all(re.fullmatch(r"[a-z][a-z0-9_.]*", m) for m in expression.metric_names())
    assert realisation.unit in QUANTITY_UNITS[Alerts.quantity(name)]


def test_datadog_aws_integration_tags_are_lowercase() -> None:
    realisation = REGISTRY["db_connections"].datadog
    assert isinstance(realisation, DatadogMetric)
    expression = realisation.query(service(), "env:prod")
    assert "dbinstanceidentifier:shop-db" in expression.render()


@pytest.mark.parametrize("name", list(REGISTRY))
def test_cloudwatch_sources_make_a_valid_alarm_and_name_their_metrics(name: str) -> None:
    realisation = REGISTRY[name].cloudwatch
    assert isinstance(realisation, CloudWatchAlarm)
    found = realisation.source(scope(service()))
    from monitors.aws.alarms import metric_alarm_args

    args = metric_alarm_args("a", "d", found, realisation.evaluation, threshold=1.0, comparison="GreaterThanThreshold", actions=["arn:t"], tags={})
    assert check_metric_alarm(args) == []
    names = realisation.metric_names(scope(service()))
    read = ((f"{found.namespace}/{found.metric}",) if isinstance(found, Insights) else tuple(f"{m.namespace}/{m.name}" for m in metrics_of(found)))
    assert names == read and names
    if isinstance(found, Ratio):
        assert set(re.findall(r"\bm[0-9]+\b", found.expression)) == {"m1", "m2"}
    assert isinstance(realisation.evaluation, Evaluation) and 1 <= realisation.evaluation.datapoints <= realisation.evaluation.evaluation_periods


def test_metric_dimensions_come_from_the_spec_or_the_stack_reference() -> None:
    aws = {**FULL["sources"]["aws"], "from_stack": "org/infra/prod", "load_balancer": {"output": "albName"}}
    realisation = REGISTRY["latency_p95"].cloudwatch
    assert isinstance(realisation, CloudWatchAlarm)
    found = realisation.source(scope(service(sources={**FULL["sources"], "aws": aws})))
    assert isinstance(found, Metric) and found.dimensions["LoadBalancer"] == "${stack.albName}"


def test_the_hand_written_docs_list_every_signal_from_the_registry() -> None:
    tables = refreshed(ROOT)
    assert set(tables) == {*TABLES, LIMITS_PAGE}  # docs/limits.md has its own table: the vendors' limits
    for path, text in tables.items():
        if path == LIMITS_PAGE:
            continue
        region = text.split("<!-- signals:begin -->")[1].split("<!-- signals:end -->")[0]
        # docs/replay.md lists the replay's series (what a scenario sets), the others the alert signals
        series = [f"{s.name}.<check>" if s.per_check else f"{s.name}.<alert>" if s.per_alert else s.name for s in SERIES.values()]
        names = series if path == "docs/replay.md" else list(REGISTRY)
        for name in names:
            assert f"| `{name}` |" in region, f"{path} lacks {name}"
    outdated = [path for path, text in tables.items() if (ROOT / path).read_text(encoding="utf-8") != text]
    assert outdated == [], "run `vigil docs`: the signal tables of these hand-written docs are stale"


def test_a_doc_that_lost_its_table_markers_is_one_clear_error(tmp_path: Path) -> None:
    from vigil.docs.signal_tables import SignalTablesError

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "spec.md").write_text("# The service spec\n\n| signal | unit |\n| --- | --- |\n")
    with pytest.raises(SignalTablesError, match=r"docs/spec.md has no `<!-- signals:begin -->`"):
        refreshed(tmp_path)
    (tmp_path / "docs" / "spec.md").write_text("# The service spec\n\n<!-- signals:begin -->\nold\n<!-- signals:end -->\ntail\n")
    text = refreshed(tmp_path)["docs/spec.md"]  # the other docs are absent: left out
    assert text.startswith("# The service spec\n\n<!-- signals:begin -->\n| signal |") and text.endswith("<!-- signals:end -->\ntail\n")
    assert "\nold\n" not in text and "| `error_rate` |" in text
