"""The replay's series live in the registry: every signal says what drives it, every SLI how to burn it, and every
publication is what its vendor would receive (ALB counts absent when zero, latencies as raw values that keep the
scenario's percentiles)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from signals import REGISTRY, SERIES, compute, publications
from signals.cloudwatch import AwsScope, resolve_targets
from signals.custom import series_problem
from signals.http import latency_spread
from signals.model import CloudWatchPublication, DatadogPublication, Events, Gauge, LogPublication, ProbePublication, Spread
from signals.slis import SLIS
from spec import Service
from spec.slos import Slo
from vigil.replay.samples import Distribution

from .test_registry import FULL, service

SERIES_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def scope(svc: Service, env: str = "prod") -> AwsScope:
    return AwsScope(svc, resolve_targets(svc.sources.aws, lambda output: f"${{stack.{output}}}"), env)


def test_series_say_their_unit_and_meaning() -> None:
    assert SERIES, "the registry defines the replay's series"
    for name, series in SERIES.items():
        assert SERIES_NAME.match(name) and series.name == name
        assert series.unit in ("rate", "percent", "duration", "count", "up", "any")
        assert len(series.means) > 20


@pytest.mark.parametrize("name", list(REGISTRY))
def test_every_signal_says_which_series_drive_it(name: str) -> None:
    drive = REGISTRY[name].drive
    assert drive is not None, f"{name}: a Signal needs `drive` (the series that move it) for the standard replay"
    assert drive.series in SERIES and not SERIES[drive.series].per_check
    assert set(drive.steady) <= set(SERIES)
    assert drive.values(7.0)[drive.series] == 7.0


def test_every_sli_but_custom_says_how_to_burn_it() -> None:
    slo = Slo.model_validate({"name": "fast", "objective": "99%", "window": "30d", "sli": {"latency_below": "500ms"}})
    for name, kind in SLIS.items():
        if name == "custom":
            assert kind.drive is None  # its good and total queries are the user's own
            continue
        assert kind.drive is not None
        values = kind.drive(slo, 3.0)
        assert set(values) <= set(SERIES) and 3.0 in values.values()


def _identity(p: Any) -> tuple[object, ...]:
    if isinstance(p, CloudWatchPublication):
        return ("cw", p.namespace, p.name, tuple(sorted(p.dimensions.items())))
    if isinstance(p, DatadogPublication):
        return ("dd", p.metric, tuple(sorted(p.tags)))
    if isinstance(p, LogPublication):
        return ("logs", tuple(sorted(p.tags)))
    assert isinstance(p, ProbePublication)
    return ("probe", p.url)


@pytest.mark.parametrize("runtime", ["fargate", "host"])
def test_a_service_with_every_source_publishes_every_series_once(runtime: str) -> None:
    check = {"name": "live", "url": "https://shop.example.com:8443/health/live", "severity": "ticket"}
    custom = {"fires": "above", "warning": 200, "datadog": {"metric": "shop.orders.pending"}, "aws": {"namespace": "Shop", "metric": "Pending"}}
    rate = {"fires": "above", "warning": "5%", "datadog": {"metric": "shop.checkout.failed", "requests": "shop.checkout.attempts"},
            "aws": {"namespace": "Shop", "metric": "CheckoutFailed", "requests": "CheckoutAttempts"}}  # fmt: skip
    alerts = {"orders_backlog": custom, "checkout_failures": rate}
    svc = service(runtime, health_checks=[check], routes={"ticket": {"datadog": ["@slack-shop"]}}, custom_alerts=alerts)
    found = publications(scope(svc))
    identities = [_identity(p) for p in found]
    assert len(identities) == len(set(identities)), "a metric is published twice"
    shown = {name for p in found for name in p.shows}
    # a series per health check or custom alert is published as <series>.<check or alert>: this service's `live`, and each
    # custom alert the series goes with (the registry's own rule, signals.custom.series_problem: requests for rates only)
    each = {
        f"{name}.{one}"
        for name, s in SERIES.items()
        for one in (["live"] if s.per_check else [a for a, alert in svc.custom_alerts.items() if series_problem(name, alert) is None] if s.per_alert else [])
    }
    assert shown == {name for name, s in SERIES.items() if not (s.per_check or s.per_alert)} | each
    assert {"custom.orders_backlog", "custom.checkout_failures", "custom_requests.checkout_failures"} <= each
    # Route 53 requests the endpoint by fqdn, port and path; the synthetic test by its URL: both are probed
    assert {p.url for p in found if isinstance(p, ProbePublication)} == {"https://shop.example.com:8443/health/live"}
    check["url"] = "https://shop.example.com:443/health/live"  # the default port, written: Route 53 leaves it out
    svc = service(runtime, health_checks=[check], routes={"ticket": {"datadog": ["@slack-shop"]}})
    urls = {p.url for p in publications(scope(svc)) if isinstance(p, ProbePublication)}
    assert urls == {"https://shop.example.com:443/health/live", "https://shop.example.com/health/live"}


def _point(name: str, found: list[Any], values: dict[str, float], kind: type = CloudWatchPublication) -> Any:
    """The point of the one publication of that name (the first task's, for the Agent's per-task metrics)."""
    named = [p for p in found if isinstance(p, kind) and (p.name if kind is CloudWatchPublication else p.metric) == name]
    assert named and all(isinstance(p, DatadogPublication) for p in named[1:]), f"{name}: one publication, or one per task"
    return named[0].point(values, 60)


def test_alb_counts_are_absent_when_zero_and_apm_errors_are_zero_while_requests_flow() -> None:
    found = publications(scope(service()))
    quiet = {"requests": 20.0, "errors": 0.0}
    assert _point("RequestCount", [p for p in found if isinstance(p, CloudWatchPublication) and len(p.dimensions) == 2], quiet) == Events(1200.0)
    assert _point("HTTPCode_Target_5XX_Count", found, quiet) is None  # ALB publishes no zero
    assert _point("trace.web.request.errors", found, quiet, DatadogPublication) == Events(0.0)
    assert _point("trace.web.request.errors", found, {"errors": 5.0}, DatadogPublication) is None  # no traffic, no point
    assert _point("HTTPCode_Target_5XX_Count", found, {"requests": 20.0, "errors": 5.0}) == Events(60.0)


def test_load_balancer_errors_never_reach_the_service() -> None:
    found = publications(scope(service()))
    values = {"requests": 20.0, "lb_errors": 25.0, "errors": 10.0}
    lb = [p for p in found if isinstance(p, CloudWatchPublication) and p.name == "HTTPCode_ELB_5XX_Count"]
    assert lb[0].point(values, 60) == Events(300.0) and set(lb[0].dimensions) == {"LoadBalancer"}
    assert _point("trace.web.request.hits", found, values, DatadogPublication) == Events(900.0)  # 75 % reach the service
    assert _point("HTTPCode_Target_5XX_Count", found, values) == Events(90.0)


def test_gauges_and_nominal_wholes() -> None:
    found = publications(scope(service()))
    assert _point("CPUUtilization", found, {"cpu": 42.0}) == Spread(((42.0, 1.0),) * 3)
    usage = _point("ecs.fargate.mem.usage", found, {"memory": 50.0}, DatadogPublication)
    limit = _point("ecs.fargate.mem.task.limit", found, {"memory": 50.0}, DatadogPublication)
    assert usage.value / limit.value == 0.5
    host = publications(scope(service("host")))
    assert _point("system.cpu.idle", host, {"cpu": 30.0}, DatadogPublication) == Gauge(70.0)
    hits = _point("aws.elasticache.cache_hits", found, {"cache_hit_rate": 90.0}, DatadogPublication)
    misses = _point("aws.elasticache.cache_misses", found, {"cache_hit_rate": 90.0}, DatadogPublication)
    assert round(100 * hits.n / (hits.n + misses.n), 9) == 90.0


def test_a_source_missing_publishes_nothing_for_it() -> None:
    bare = service(sources={"datadog": FULL["sources"]["datadog"]}, logs={"retention": "30d", "metric_filters": []})
    found = publications(scope(bare))
    assert not [p for p in found if isinstance(p, CloudWatchPublication)]
    assert {p.metric for p in found if isinstance(p, DatadogPublication)} >= {"trace.web.request.hits", "ecs.fargate.cpu.usage"}
    assert not [p for p in found if isinstance(p, DatadogPublication) and p.metric.startswith("aws.")]


def _percentile(spread: Spread, p: float) -> float:
    found = Distribution.of(spread.values).percentile(p)
    assert found is not None
    return found


def _slow_share(spread: Spread, threshold: float) -> float:
    total = sum(w for _, w in spread.values)
    return 100 * sum(w for v, w in spread.values if v > threshold) / total


@given(
    st.lists(st.integers(min_value=1, max_value=5000), min_size=1, max_size=3).map(sorted),
    st.sets(st.sampled_from(["latency_p50", "latency_p95", "latency_p99"]), min_size=1),
)
def test_latency_percentiles_hold_exactly(millis: list[int], names: set[str]) -> None:
    chosen = sorted(names, key=["latency_p50", "latency_p95", "latency_p99"].index)
    values = {name: ms / 1000 for name, ms in zip(chosen, millis + [millis[-1]] * 3, strict=False)}
    spread = latency_spread(values, 1200, ())
    assert spread is not None and abs(sum(w for _, w in spread.values) - 1200) < 1e-6
    for name, value in values.items():
        assert _percentile(spread, float(name[len("latency_p"):])) == value


@given(st.floats(min_value=0, max_value=100), st.sampled_from([0.05, 0.5, 2.0]))
def test_slow_is_the_share_over_the_threshold(slow: float, threshold: float) -> None:
    spread = latency_spread({"slow": slow}, 1200, (threshold,))
    assert spread is not None
    assert abs(_slow_share(spread, threshold) - slow) < 1e-6


def test_slow_and_percentiles_together() -> None:
    spread = latency_spread({"latency_p50": 0.05, "latency_p95": 0.3, "latency_p99": 2.0, "slow": 2.0}, 1000, (0.5,))
    assert spread is not None
    assert [_percentile(spread, p) for p in (50, 95, 99)] == [0.05, 0.3, 2.0]
    assert abs(_slow_share(spread, 0.5) - 2.0) < 1e-9


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"latency_p50": 0.5, "latency_p95": 0.3}, "latency_p50 (500ms) is above latency_p95 (300ms)"),
        ({"latency_p95": 0.6, "slow": 1.0}, "more than 5% of requests would be slower than 500ms"),
        ({"latency_p99": 0.3, "slow": 5.0}, "fewer than 5% of requests would be slower than 500ms"),
    ],
)
def test_latencies_that_contradict_each_other_are_refused(values: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        latency_spread(values, 100, (0.5,))


def test_slow_needs_a_latency_slo() -> None:
    with pytest.raises(ValueError, match="slow needs a latency SLO"):
        latency_spread({"slow": 3.0}, 100, ())
    assert latency_spread({}, 100, ()) is None and latency_spread({"latency_p95": 0.1}, 0, ()) is None


def test_one_task_runs_hot_while_the_others_hold_the_service_level() -> None:
    """`busiest_task_cpu` is one task's value beside the others' `cpu`: ECS publishes one utilisation per task (its
    Average the service's, its Maximum the busiest task's); the Agent reports each task under its own task_arn."""
    found = publications(scope(service()))
    values = {"cpu": 30.0, "busiest_task_cpu": 90.0}
    ecs = _point("CPUUtilization", found, values)
    assert isinstance(ecs, Spread) and sorted(ecs.values) == [(30.0, 1.0), (30.0, 1.0), (90.0, 1.0)]
    per_task = [p for p in found if isinstance(p, DatadogPublication) and p.metric == "ecs.fargate.cpu.usage"]
    arns = {t for p in per_task for t in p.tags if t.startswith("task_arn:")}
    assert len(per_task) == compute.TASKS == len(arns)
    limit = _point("ecs.fargate.cpu.task.limit", found, values, DatadogPublication)
    used = [p.point(values, 60) for p in per_task]
    assert sorted(100 * u.value / limit.value for u in used if isinstance(u, Gauge)) == [30.0, 30.0, 90.0]
    assert compute.task_values("cpu", {"cpu": 30.0}) == (30.0,) * compute.TASKS
    assert compute.task_values("memory", {}) is None


@pytest.mark.parametrize(
    ("values", "message"),
    [({"busiest_task_cpu": 90.0}, "needs cpu"), ({"cpu": 60.0, "busiest_task_cpu": 50.0}, "is below cpu")],
)
def test_a_busiest_task_needs_the_others_below_it(values: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        compute.task_values("cpu", values)


def test_a_replication_group_publishes_under_each_member() -> None:
    """ElastiCache publishes per node and per cluster: a replication group's members each under their own CacheClusterId
    (never the group's id), which Datadog's AWS integration tags `cacheclusterid` and `replication_group`."""
    aws = {**FULL["sources"]["aws"], "elasticache": {"replication_group": "Sessions", "members": ["sessions-001", "sessions-002"]}}
    found = publications(scope(service(sources={**FULL["sources"], "aws": aws})))
    cloudwatch = [p for p in found if isinstance(p, CloudWatchPublication) and p.namespace == "AWS/ElastiCache"]
    assert {(p.name, p.dimensions["CacheClusterId"]) for p in cloudwatch} == {
        (name, member) for name in ("CacheHitRate", "CacheHits", "CacheMisses") for member in ("sessions-001", "sessions-002")
    }
    datadog = [p for p in found if isinstance(p, DatadogPublication) and p.metric.startswith("aws.elasticache.")]
    assert {p.tags for p in datadog} == {
        ("cacheclusterid:sessions-001", "replication_group:sessions"),
        ("cacheclusterid:sessions-002", "replication_group:sessions"),
    }
