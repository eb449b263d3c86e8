"""The reviewer's words are right (issue 10 item 4): a severity is the route the alert really notifies, and a
threshold reads in the same unit on both backends whatever each compares (per second, per period, per window)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from vigil.diff import facets as f
from vigil.diff.compare import compare
from vigil.diff.summary import summarise

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "words"
EMPTY = {"project": "monitoring", "stack": "prod", "resources": []}


@pytest.fixture(scope="module")
def added(stack_plan) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Summary line of every alert added, by resource name."""
    plan = stack_plan("prod", catalog=FIXTURE).plan.to_dict()
    lines = summarise(compare(EMPTY, plan)).sections
    return {line.split("`")[-2]: line for section in ("Alerts added", "SLOs and burn rates") for line in lines[section]}


def test_ticket_level_datadog_alerts_read_ticket(added: dict[str, str]) -> None:
    assert "svc · p50 latency · ticket at 200 ms, ticket recovery at 180 ms · ticket → @slack-web" in added["svc-latency-p50"]
    # the tiers notify nobody themselves: one composite per severity does (one page for one problem, one ticket)
    assert "availability burn 24h · ticket at 3× " in added["svc-availability-burn-24h"] and "→" not in added["svc-availability-burn-24h"]
    assert "availability burn 1h · page at 14.4× " in added["svc-availability-burn-1h"]
    assert "availability error budget · ticket at 100% of the budget spent " in added["svc-availability-error-budget"]
    assert "svc · availability · page → @pagerduty-web" in added["svc-availability-page"]
    assert "svc · availability · ticket → @slack-web" in added["svc-availability-ticket"]
    assert "svc · health ready · ticket → @slack-web" in added["svc-health-ready"]


def test_rates_read_the_same_on_both_backends(added: dict[str, str]) -> None:
    assert "throughput drop · page at 2/s, page recovery at 2.2/s" in added["svc-throughput-drop"]  # Datadog: per second
    assert "throughput drop · page at 2/s · page" in added["svc-throughput-drop-critical"]  # CloudWatch: 600 per 300 s
    assert "error log rate · page at 100/m, page recovery at 90/m" in added["svc-error-log-rate"]  # Datadog: 500 per 5 m
    assert "error log rate · page at 100/m · page" in added["svc-error-log-rate-critical"]  # CloudWatch: 100 per 60 s


def test_a_moved_rate_reads_in_one_unit(stack_plan, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "svc.yaml").write_text((FIXTURE / "svc.yaml").read_text().replace("throughput_drop: {critical: 2/s}", "throughput_drop: {critical: 90/m}"))
    base, head = stack_plan("prod", catalog=FIXTURE).plan.to_dict(), stack_plan("prod", catalog=tmp_path).plan.to_dict()
    lines = summarise(compare(base, head)).sections["Thresholds"]
    moved = [line for line in lines if "throughput drop" in line]
    assert len(moved) == 2 and all("page at 2/s → 1.5/s" in line for line in moved), lines


def resource(inputs: dict[str, Any], kind: str = "datadog:index/monitor:Monitor") -> dict[str, Any]:
    return {"type": kind, "name": "x", "inputs": inputs}


@pytest.mark.parametrize(
    ("inputs", "kind", "unit"),
    [
        ({"query": "avg(last_10m):sum:trace.http.request.hits{service:a}.as_rate() < 1"}, "datadog:index/monitor:Monitor", "per:1"),
        ({"query": 'logs("service:a").index("*").rollup("count").last("15m") > 10'}, "datadog:index/monitor:Monitor", "per:900"),
        ({"statistic": "Sum", "period": 60, "metricName": "ErrorLogEvents"}, "aws:cloudwatch/metricAlarm:MetricAlarm", "per:60"),
        ({"statistic": "Maximum", "period": 60, "metricName": "DatabaseConnections"}, "aws:cloudwatch/metricAlarm:MetricAlarm", None),
    ],
)
def test_units_of_counts_over_a_span(inputs: dict[str, Any], kind: str, unit: str) -> None:
    assert f.unit(resource(inputs, kind)) == unit


@pytest.mark.parametrize(
    ("value", "unit", "words"),
    [(600, "per:300", "2/s"), (100, "per:60", "100/m"), (10, "per:3600", "10/h"), (0.5, "per:1", "30/m"), (1, "per:7", "0.142857/s")],
)
def test_rates_pick_the_first_unit_that_makes_them_whole(value: float, unit: str, words: str) -> None:
    assert f.format_value(value, unit) == words


def test_a_monitor_without_severity_tag_alerts_the_page_route() -> None:
    assert f.monitor_severity(resource({"tags": ["service:a"]})) == "page"
    assert f.monitor_severity(resource({"tags": ["severity:ticket"]})) == "ticket"
