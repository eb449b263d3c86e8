"""Issue 12 item 7: alerts on a share of requests stay quiet while their window holds fewer than the service's
`min_requests` — Datadog's error-rate monitor and SLO burn-rate tiers through composites with request-count monitors,
CloudWatch's error-rate and SLO window alarms through `IF(<requests> >= N, <share>, 0)`. (Replayed:
tests/replay/scenarios/low-traffic.yaml, low-traffic-slo.yaml.)"""

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


def test_datadog_slo_tiers_count_with_enough_traffic(api: Service, prod: Deployment) -> None:
    """Each burn-rate tier of a composite counts while its short window holds min_requests (CloudWatch's rule: the short
    window lies within the long one): one traffic monitor per window, shared, telling nobody; the error-budget tier
    (the SLO's whole window) is not guarded."""
    monitors = _monitors(api, prod)
    page, ticket = monitors["api-availability-page"], monitors["api-availability-ticket"]
    assert set(page.depends_on) == {"api-availability-burn-1h", "api-availability-burn-6h", "api-availability-traffic-30m", "api-availability-traffic-1h"}
    assert str(ticket.args.query) == "(api-availability-burn-24h-id && api-availability-traffic-4h-id) || api-availability-error-budget-id"
    assert "at least 10 requests" in str(page.args.message)
    for name in ("api-availability-traffic-30m", "api-availability-traffic-1h", "api-availability-traffic-4h"):
        traffic = monitors[name]
        assert traffic.path == ("min_requests", "slo.availability") and traffic.args.priority == "5"
        assert "@" not in str(traffic.args.message).split("Runbook:")[0]
    assert check_datadog(api, prod) == []


def test_a_single_guarded_tier_gets_a_composite(edit: Callable[[Callable[[dict[str, Any]], None]], Service], prod: Deployment) -> None:
    def one_page_tier(d: dict[str, Any]) -> None:
        d["slos"][0]["burn_rate"] = [t for t in d["slos"][0]["burn_rate"] if t["long"] != "6h"]

    monitors = _monitors(edit(one_page_tier), prod)
    page = monitors["api-availability-page"]
    assert set(page.depends_on) == {"api-availability-burn-1h", "api-availability-traffic-30m"}
    assert "@" not in str(monitors["api-availability-burn-1h"].args.message).split("Runbook:")[0]
    unguarded = _monitors(edit(lambda d: (one_page_tier(d), d.update(min_requests=0))), prod)
    assert "api-availability-page" not in unguarded  # the one tier notifies itself, as before
    assert "@" in str(unguarded["api-availability-burn-1h"].args.message)


def test_no_minimum_no_slo_guard(edit: Callable[[Callable[[dict[str, Any]], None]], Service], prod: Deployment) -> None:
    monitors = _monitors(edit(lambda d: d.update(min_requests=0)), prod)
    assert not [name for name in monitors if "-traffic" in name]
    assert set(monitors["api-availability-page"].depends_on) == {"api-availability-burn-1h", "api-availability-burn-6h"}
    assert " && " not in str(monitors["api-availability-page"].args.query)


def test_a_composite_that_cannot_hold_its_guards_is_refused(
    edit: Callable[[Callable[[dict[str, Any]], None]], Service], prod: Deployment
) -> None:
    """Six page tiers whose short windows need five traffic monitors: 11 monitors, Datadog takes 10 in a composite."""
    windows = [("1h", "5m"), ("2h", "30m"), ("3h", "90m"), ("4h", "5m"), ("5h", "3h"), ("6h", "5h")]
    tiers = [{"long": long, "short": short, "budget": "5%", "severity": "page"} for long, short in windows]
    service = edit(lambda d: d["slos"][0].update(burn_rate=tiers))
    problems = [v for v in check_datadog(service, prod) if v.path == ("slos", "availability", "burn_rate")]
    assert len(problems) == 1 and "at most 10 monitors, got 11" in problems[0].message and "min_requests" in problems[0].message
    assert check_datadog(edit(lambda d: (d["slos"][0].update(burn_rate=tiers), d.update(min_requests=0))), prod) == []
