"""Issue 12 item 7: alerts on a share of requests stay quiet while their window holds fewer than the service's
`min_requests` — Datadog's error-rate monitor through a composite with a request-count monitor, CloudWatch's error-rate
and SLO window alarms through `IF(<requests> >= N, <share>, 0)`. (Replayed: tests/replay/scenarios/low-traffic.yaml.)"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pydantic import ValidationError

from monitors.common.context import Deployment
from program.checks import check_aws, check_datadog, recorded_aws, recorded_datadog
from spec import Service


def _monitors(service: Service, deployment: Deployment) -> dict[str, Any]:
    return {d.logical: d for d in recorded_datadog(service, deployment) if d.kind == "monitor"}


def test_datadog_error_rate_pages_through_a_composite_with_its_traffic(api: Service, prod: Deployment) -> None:
    monitors = _monitors(api, prod)
    rate, traffic, composite = monitors["api-error-rate"], monitors["api-error-rate-traffic"], monitors["api-error-rate-enough-traffic"]
    assert str(traffic.args.query) == "sum(last_5m):sum:trace.http.request.hits{service:api,env:prod}.as_count() >= 10"
    assert traffic.args.monitor_thresholds.critical == "10"
    assert composite.args.type == "composite" and set(composite.depends_on) == {"api-error-rate", "api-error-rate-traffic"}
    assert " && " in str(composite.args.query)
    # the composite tells the error rate's routes; the monitors it reads tell nobody
    assert "@" in str(composite.args.message) and "{{#is_warning}}" in str(composite.args.message)
    for quiet in (rate, traffic):
        assert "@" not in str(quiet.args.message).split("Runbook:")[0]
    assert check_datadog(api, prod) == []


def test_datadog_window_follows_the_alert(edit: Callable[[Callable[[dict[str, Any]], None]], Service], prod: Deployment) -> None:
    service = edit(lambda d: (d["alerts"]["error_rate"].update(window="15m"), d.update(min_requests=50)))
    traffic = _monitors(service, prod)["api-error-rate-traffic"]
    assert str(traffic.args.query).startswith("sum(last_15m):") and str(traffic.args.query).endswith(">= 50")


def test_no_minimum_no_guard(edit: Callable[[Callable[[dict[str, Any]], None]], Service], prod: Deployment) -> None:
    service = edit(lambda d: d.update(min_requests=0))
    monitors = _monitors(service, prod)
    assert "api-error-rate-traffic" not in monitors and "api-error-rate-enough-traffic" not in monitors
    assert "@" in str(monitors["api-error-rate"].args.message)  # it notifies its routes itself again
    alarms = {d.logical: d for d in recorded_aws(service, prod) if d.kind == "metric_alarm"}
    queries = {q.id: q for q in alarms["api-error-rate-critical"].args.metric_queries}
    assert queries["e1"].expression == "100*m1/m2"
    assert check_datadog(service, prod) == [] and check_aws(service, prod) == []


def test_cloudwatch_guards_each_period_and_each_slo_window(api: Service, prod: Deployment) -> None:
    alarms = {d.logical: d for d in recorded_aws(api, prod) if d.kind == "metric_alarm"}
    expression = {q.id: q for q in alarms["api-error-rate-critical"].args.metric_queries}["e1"].expression
    assert expression == "IF(m2 >= 2, 100*m1/m2, 0)"  # 10 requests over 5 one-minute periods: 2 in each judged
    for window in ("long", "short"):
        found = {q.id: q for q in alarms[f"api-slo-availability-1h-{window}"].args.metric_queries}["e1"].expression
        assert found.startswith("IF(m2+m3 >= 10, ") and found.endswith(", 0)")
    latency = {q.id: q for q in alarms["api-slo-latency-1h-short"].args.metric_queries}["e1"].expression
    assert latency.startswith("IF(m2 >= 10, ")


@pytest.mark.parametrize("bad", [-1, 2.5, "ten"])
def test_min_requests_is_a_count(edit: Callable[[Callable[[dict[str, Any]], None]], Service], bad: object) -> None:
    with pytest.raises(ValidationError, match="min_requests"):
        edit(lambda d: d.update(min_requests=bad))
