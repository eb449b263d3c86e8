"""The Datadog query grammar vigil emits, parsed — and what is refused."""

import pytest

from vigil.replay import ReplayError
from vigil.replay.datadog.queries import Binary, Term, parse_monitor_query, terms


def test_the_error_rate_query() -> None:
    query = parse_monitor_query(
        "sum(last_5m):100 * sum:trace.http.request.errors{service:api,env:prod}.as_count() / sum:trace.http.request.hits{service:api,env:prod}.as_count() > 1"
    )
    assert (query.time_aggregation, query.window, query.comparator, query.threshold) == ("sum", 300, ">", 1)
    errors, hits = terms(query.formula)
    assert (errors.space, errors.metric, errors.scope, errors.modifier) == ("sum", "trace.http.request.errors", frozenset({"service:api", "env:prod"}), "as_count")
    assert hits.metric == "trace.http.request.hits"
    assert isinstance(query.formula, Binary) and query.formula.op == "/"


def test_percentile_parentheses_and_below() -> None:
    p95 = parse_monitor_query("percentile(last_5m):p95:trace.http.request{service:api,env:prod} > 0.5")
    assert isinstance(p95.formula, Term) and p95.formula.query.percentile == 95
    cache = parse_monitor_query(
        "sum(last_15m):100 * sum:a.hits{c:x}.as_count() / (sum:a.hits{c:x}.as_count() + sum:a.misses{c:x}.as_count()) < 70"
    )
    assert (cache.window, cache.comparator, len(terms(cache.formula))) == (900, "<", 3)
    assert parse_monitor_query("avg(last_1h):100 - avg:system.cpu.idle{*} >= 90").unit == "h"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("avg(last_5m):avg:cpu{*} by {host} / avg:cpu{*} > 1", "grouped differently"),
        ("avg(last_5m):avg:cpu{*} by {host,host} > 1", "distinct tag keys"),
        ("avg(last_5m):sum:hits{*}.as_count() > 1", "only with sum"),
        ("median(last_5m):avg:cpu{*} > 1", "time aggregation"),
        ("avg(last_5m):avg:cpu{!host:a} > 1", "plain key:value"),
        ("avg(last_5m):avg:cpu{*}.rollup(sum, 60) > 1", "not supported"),
        ("avg(last_5m):abs(avg:cpu{*}) > 1", "cannot read"),
        ("avg(last_5m):avg:cpu{*} == 1", "comparator"),
        ("percentile(last_5m):avg:latency{*} > 1", "pNN"),
        ("avg(last_5m):avg:cpu{*}", "not a metric monitor query"),
    ],
)
def test_what_the_replay_does_not_know_is_an_error(query: str, message: str) -> None:
    with pytest.raises(ReplayError, match=message):
        parse_monitor_query(query)
