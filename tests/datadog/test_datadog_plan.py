"""Tests over the Datadog resources each stack registers (the same program `pulumi up` runs, under mocks)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.reference import REFERENCE
from vigil.engine import PlannedResource
from vigil.testkit import PlanView, stack_plan

PROJECT = REFERENCE  # the project the tests plan: the reference fixture, never the user's catalog/
MONITOR = "datadog:index/monitor:Monitor"
SLO = "datadog:index/serviceLevelObjective:ServiceLevelObjective"
SYNTHETIC = "datadog:index/syntheticsTest:SyntheticsTest"
DASHBOARD = "datadog:index/dashboard:Dashboard"
PAGE, TICKET, DEV = "@pagerduty-platform", "@slack-platform-alerts", "@slack-platform-dev"


def block(message: str, name: str) -> str:
    match = re.search(r"\{\{#" + name + r"\}\}(.*?)\{\{/" + name + r"\}\}", message, re.S)
    return match.group(1) if match else ""


def monitor(plan: PlanView, name: str) -> PlannedResource:
    return plan.one(type=MONITOR, name=name)


def datadog_counts(plan: PlanView) -> dict[str, int]:
    counts: dict[str, int] = {}
    for resource in plan.resources:
        if resource.type.startswith("datadog:"):
            counts[resource.type] = counts.get(resource.type, 0) + 1
    return counts


def test_resource_counts(prod_plan: PlanView, dev_plan: PlanView) -> None:
    # 11 threshold monitors + 2 SLOs × (4 tiers — 3 burn-rate alerts and the error-budget alert — a composite for
    # each severity: one page, one ticket — and a traffic monitor per burn-rate tier's short window, min_requests)
    # + a traffic monitor and a composite for each rate alert, the error rate's and the client error rate's
    # (min_requests, issue 19 item 4); dev drops the throughput alert.
    assert datadog_counts(prod_plan) == {MONITOR: 33, SLO: 2, SYNTHETIC: 3, DASHBOARD: 1}
    assert datadog_counts(dev_plan) == {MONITOR: 32, SLO: 2, SYNTHETIC: 3, DASHBOARD: 1}


# -- the operations report's thresholds ---------------------------------------------------------------


def test_error_rate_above_1_percent(prod_plan: PlanView) -> None:
    inputs = monitor(prod_plan, "api-error-rate").inputs
    assert inputs["type"] == "query alert"
    assert inputs["query"] == (
        "sum(last_5m):100 * sum:trace.http.request.errors{service:api,env:prod}.as_count() / "
        "sum:trace.http.request.hits{service:api,env:prod}.as_count() > 1"
    )
    assert inputs["monitorThresholds"]["critical"] == "1" and inputs["monitorThresholds"]["warning"] == "0.5"
    # it tells nobody itself: the composite with its traffic (min_requests) pages and tickets for it
    assert PAGE not in inputs["message"] and "api-error-rate-enough-traffic" in inputs["message"]
    guarded = monitor(prod_plan, "api-error-rate-enough-traffic").inputs
    assert guarded["query"] == "${api-error-rate.id} && ${api-error-rate-traffic.id}"
    assert PAGE in block(guarded["message"], "is_alert") and TICKET in block(guarded["message"], "is_warning")


def test_p95_above_500ms_in_seconds(prod_plan: PlanView) -> None:
    inputs = monitor(prod_plan, "api-latency-p95").inputs
    assert inputs["query"] == "percentile(last_5m):p95:trace.http.request{service:api,env:prod} > 0.5"
    assert inputs["monitorThresholds"]["critical"] == "0.5"
    assert PAGE in block(inputs["message"], "is_alert")


def test_cpu_above_80_percent_of_the_busiest_task(prod_plan: PlanView) -> None:
    """Each task's CPU use over its own task limit (both nanocores), as Datadog's recommended ECS Fargate monitor; a
    multi alert by task_arn notifying as one simple alert."""
    inputs = monitor(prod_plan, "api-cpu").inputs
    assert inputs["query"] == (
        "avg(last_10m):100 * sum:ecs.fargate.cpu.usage{service:api,env:prod} by {task_arn} / "
        "sum:ecs.fargate.cpu.task.limit{service:api,env:prod} by {task_arn} > 80"
    )
    assert inputs["monitorThresholds"]["critical"] == "80" and inputs["notifyBies"] == ["*"]
    assert PAGE in block(inputs["message"], "is_alert")


def test_memory_above_85_percent_of_the_busiest_task_limit(prod_plan: PlanView) -> None:
    inputs = monitor(prod_plan, "api-memory").inputs
    assert inputs["query"] == (
        "avg(last_10m):100 * sum:ecs.fargate.mem.usage{service:api,env:prod} by {task_arn} / "
        "sum:ecs.fargate.mem.task.limit{service:api,env:prod} by {task_arn} > 85"
    )
    assert inputs["monitorThresholds"]["critical"] == "85" and inputs["notifyBies"] == ["*"]
    assert PAGE in block(inputs["message"], "is_alert")


def test_only_grouped_monitors_notify_by(prod_plan: PlanView) -> None:
    for resource in prod_plan.monitors():
        grouped = " by {" in str(resource.inputs.get("query", ""))
        assert (resource.inputs.get("notifyBies") == ["*"]) == grouped, resource.name


def test_health_check_failures(prod_plan: PlanView) -> None:
    tests = {r.name: r.inputs for r in prod_plan.select(type=SYNTHETIC)}
    urls = {name: inputs["requestDefinition"]["url"] for name, inputs in tests.items()}
    assert urls == {
        "api-health-health": "https://api.example.com/health",
        "api-health-ready": "https://api.example.com/health/ready",
        "api-health-live": "https://api.example.com/health/live",
    }
    live = tests["api-health-live"]
    assert live["optionsList"]["monitorPriority"] == 1 and PAGE in block(live["message"], "is_alert")
    for name in ("api-health-health", "api-health-ready"):
        assert tests[name]["optionsList"]["monitorPriority"] == 3
        assert TICKET in block(tests[name]["message"], "is_alert") and PAGE not in tests[name]["message"]
    for inputs in tests.values():
        assert {a["type"] for a in inputs["assertions"]} == {"statusCode", "responseTime"}
        assert 30 <= inputs["optionsList"]["tickEvery"] <= 604_800
        assert 1 <= inputs["optionsList"]["minLocationFailed"] <= len(inputs["locations"])


def test_other_report_signals(prod_plan: PlanView) -> None:
    queries = {r.name: r.inputs["query"] for r in prod_plan.select(type=MONITOR)}
    assert queries["api-db-connections"] == "avg(last_10m):max:aws.rds.database_connections{dbinstanceidentifier:api-db} > 90"
    assert queries["api-cache-hit-rate"].endswith(" < 70") and "aws.elasticache.cache_misses" in queries["api-cache-hit-rate"]
    assert queries["api-throughput-drop"] == "avg(last_10m):sum:trace.http.request.hits{service:api,env:prod}.as_rate() < 1"
    assert "http.status_class:4xx" in queries["api-client-error-rate"]
    assert queries["api-error-log-rate"].startswith('logs("service:api env:prod status:error")')
    assert monitor(prod_plan, "api-error-log-rate").inputs["type"] == "log alert"


# -- every monitor ----------------------------------------------------------------------------------------


def _notifiers(any_plan: PlanView) -> list[PlannedResource]:
    """Every monitor and synthetic test that notifies itself: not the SLO tiers a composite monitor notifies for."""
    quiet = {r.name for r in any_plan.select(type=MONITOR) if any_plan.heard_through(r)}
    return [r for r in any_plan.select(type=MONITOR) + any_plan.select(type=SYNTHETIC) if r.name not in quiet]


def test_slo_tiers_are_heard_through_one_composite_per_severity(any_plan: PlanView) -> None:
    """One page for one problem: the SLO's page tiers notify nobody themselves; a composite monitor over them does
    (the same for its ticket tiers). A burn-rate tier counts while its short window holds min_requests: the traffic
    monitor over it (Datadog's short windows: 1h/20m, 6h/45m, 24h/135m behind the load balancer; 1h/30m, 6h/80m,
    24h/165m in whole slices), each read over the shortest query-alert window at least as long."""
    traffic = {"availability": {"1h": "30m", "6h": "1h", "24h": "4h"}, "latency": {"1h": "30m", "6h": "2h", "24h": "4h"}}
    for slo in ("availability", "latency"):
        for severity, tiers in (("page", ["1h", "6h"]), ("ticket", ["24h"])):
            composite = monitor(any_plan, f"api-{slo}-{severity}")
            guarded = [(f"api-{slo}-burn-{t}", f"api-{slo}-traffic-{traffic[slo][t]}") for t in tiers]
            members = [m for pair in guarded for m in pair] + ([f"api-{slo}-error-budget"] if severity == "ticket" else [])
            terms = [f"(${{{tier}.id}} && ${{{count}.id}})" for tier, count in guarded] + ([f"${{api-{slo}-error-budget.id}}"] if severity == "ticket" else [])
            assert composite.inputs["type"] == "composite"
            assert composite.inputs["query"] == " || ".join(terms)
            assert any_plan.routes_of(composite, "alert") == ([PAGE] if severity == "page" and any_plan.plan.stack == "prod" else [TICKET] if any_plan.plan.stack == "prod" else [DEV])
            for member in members:
                assert any_plan.routes_of(monitor(any_plan, member)) == []
                assert composite.name in any_plan.heard_through(monitor(any_plan, member))
            for tier, _ in guarded:
                assert any_plan.heard_through(monitor(any_plan, tier)) == [composite.name]


def test_slo_traffic_monitors_count_the_sli_requests(prod_plan: PlanView) -> None:
    """A traffic monitor per short window, telling nobody: the availability SLI's requests (APM hits and the load
    balancer's own 5xx), the latency SLO's hits."""
    hits = "sum:trace.http.request.hits{service:api,env:prod}.as_count()"
    availability = monitor(prod_plan, "api-availability-traffic-30m").inputs
    assert availability["type"] == "query alert" and availability["query"].startswith(f"sum(last_30m):{hits} + sum:aws.applicationelb.httpcode_elb_5xx{{")
    assert availability["query"].endswith(" >= 10") and availability["monitorThresholds"] == {"critical": "10"}
    assert monitor(prod_plan, "api-latency-traffic-2h").inputs["query"] == f"sum(last_2h):{hits} >= 10"
    for name in ("api-availability-traffic-30m", "api-latency-traffic-2h"):
        assert prod_plan.routes_of(monitor(prod_plan, name)) == []
    assert sorted(r.name for r in prod_plan.select(type=MONITOR) if "-traffic-" in r.name) == [
        f"api-{slo}-traffic-{w}" for slo, windows in (("availability", ("1h", "30m", "4h")), ("latency", ("2h", "30m", "4h"))) for w in windows
    ]


def test_every_monitor_has_routes_tags_and_runbook(any_plan: PlanView) -> None:
    env = any_plan.plan.stack
    for resource in _notifiers(any_plan):
        message = resource.inputs["message"]
        assert re.search(r"@[a-z]", block(message, "is_alert")), resource.name
        assert "docs/runbooks/api.md" in message and "docs/services/api.md#" in message, resource.name
        tags = any_plan.tags(resource)
        assert {"service:api", "team:platform", f"env:{env}", "managed-by:vigil"} <= tags, resource.name
        assert all(re.fullmatch(r"[a-z][a-z0-9_\-:./]*", t) and len(t) <= 200 for t in tags)


def test_every_query_monitor_is_consistent(any_plan: PlanView) -> None:
    for resource in any_plan.select(type=MONITOR):
        inputs = resource.inputs
        if inputs["type"] == "composite":
            continue
        number = inputs["query"].rsplit(" ", 1)[1]
        assert number == inputs["monitorThresholds"]["critical"], resource.name
        assert inputs["includeTags"] is True and 1 <= int(inputs["priority"]) <= 5
        assert inputs["type"] in ("query alert", "log alert", "slo alert")
        if inputs["type"] == "query alert":
            assert f"env:{any_plan.plan.stack}" in inputs["query"] or "aws." in inputs["query"], resource.name
        if inputs["type"] != "slo alert" and not resource.name.endswith("-traffic") and "-traffic-" not in resource.name:  # a request count: no hysteresis
            assert "criticalRecovery" in inputs["monitorThresholds"], resource.name


def test_sparse_signals_do_not_alert_on_no_data(prod_plan: PlanView) -> None:
    for name in ("api-error-rate", "api-latency-p99", "api-error-log-rate", "api-client-error-rate"):
        assert monitor(prod_plan, name).inputs["notifyNoData"] is False
    assert monitor(prod_plan, "api-throughput-drop").inputs["notifyNoData"] is True


# -- SLOs and burn rates ----------------------------------------------------------------------------------


def test_slos(prod_plan: PlanView) -> None:
    availability = prod_plan.one(type=SLO, name="api-availability-slo").inputs
    assert availability["type"] == "metric"
    assert availability["thresholds"] == [{"target": 99.9, "timeframe": "30d", "warning": 99.95}]
    assert availability["query"]["denominator"] == (
        "sum:trace.http.request.hits{service:api,env:prod}.as_count() + "
        "sum:aws.applicationelb.httpcode_elb_5xx{loadbalancer:app/api/50dc6c495c0c9188}.as_count()"
    )
    latency = prod_plan.one(type=SLO, name="api-latency-slo").inputs
    assert latency["type"] == "time_slice" and latency["sliSpecification"]["timeSlice"]["threshold"] == 0.5
    assert {"service:api", "slo:latency"} <= prod_plan.tags(prod_plan.one(type=SLO, name="api-latency-slo"))


@pytest.mark.parametrize("slo", ["availability", "latency"])
def test_burn_rate_tiers_in_the_plan(prod_plan: PlanView, slo: str) -> None:
    expected = {"1h": ("5m", "14.4", PAGE), "6h": ("30m", "6", PAGE), "24h": ("2h", "3", TICKET)}
    if slo == "availability":  # its load balancer's 5xx arrive 15 minutes late: short windows hold as much of them
        expected = {"1h": ("20m", "14.4", PAGE), "6h": ("45m", "6", PAGE), "24h": ("135m", "3", TICKET)}
    if slo == "latency":  # a time-slice SLO (99 % of 5-minute slices): short windows of as many slices as a burn at the
        # tier's rate spaces its slow slices apart, ceil(1 / (rate x 1 %)) - 1 (issue 12 item 6)
        expected = {"1h": ("30m", "14.4", PAGE), "6h": ("80m", "6", PAGE), "24h": ("165m", "3", TICKET)}
    for long, (short, rate, handle) in expected.items():
        inputs = monitor(prod_plan, f"api-{slo}-burn-{long}").inputs
        assert inputs["type"] == "slo alert"
        assert inputs["query"] == (
            f'burn_rate("${{api-{slo}-slo.id}}").over("30d").long_window("{long}").short_window("{short}") > {rate}'
        )
        assert inputs["monitorThresholds"] == {"critical": rate}
        severity = "page" if handle == PAGE else "ticket"  # notified through the severity's composite monitor
        assert f"told through the composite monitor api-{slo}-{severity}" in block(inputs["message"], "is_alert")
        assert handle in block(monitor(prod_plan, f"api-{slo}-{severity}").inputs["message"], "is_alert")
    budget = monitor(prod_plan, f"api-{slo}-error-budget").inputs
    assert budget["query"] == f'error_budget("${{api-{slo}-slo.id}}").over("30d") > 100' and budget["monitorThresholds"] == {"critical": "100"}


# -- dashboard --------------------------------------------------------------------------------------------


def test_dashboard(prod_plan: PlanView) -> None:
    inputs = prod_plan.one(type=DASHBOARD, name="api-dashboard").inputs
    assert inputs["layoutType"] == "ordered" and len(inputs["tags"]) <= 5
    assert inputs["templateVariables"] == [{"defaults": ["prod"], "name": "env", "prefix": "env"}]
    kinds = [next(iter(w)) for w in inputs["widgets"]]
    assert kinds[:2] == ["serviceLevelObjectiveDefinition"] * 2 and kinds[-1] == "manageStatusDefinition"
    shown = {
        q["metricQuery"]["query"]
        for w in inputs["widgets"]
        for r in w.get("timeseriesDefinition", {}).get("requests", [])
        for q in r["queries"]
    }
    # The widgets chart exactly what the monitors watch, with the template variable in place of the env.
    for name in ("api-latency-p95", "api-db-connections"):
        query = monitor(prod_plan, name).inputs["query"]
        metric = re.search(r"\):(.*) [<>] ", query).group(1)  # type: ignore[union-attr]
        assert metric.replace("env:prod", "$env") in shown, name
    # a formula's queries, grouped as the monitor groups them: one line per task
    for query in re.findall(r"sum:[a-z.]+\{[^}]*\} by \{task_arn\}", monitor(prod_plan, "api-cpu").inputs["query"]):
        assert query.replace("env:prod", "$env") in shown


# -- environments -----------------------------------------------------------------------------------------


def test_dev_differs_from_prod_as_the_overlay_says(dev_plan: PlanView, prod_plan: PlanView) -> None:
    assert monitor(dev_plan, "api-latency-p95").inputs["query"].endswith(" > 0.8")
    assert monitor(dev_plan, "api-latency-p95").inputs["monitorThresholds"]["warning"] == "0.6"
    assert dev_plan.select(type=MONITOR, name="api-throughput-drop") == []
    assert prod_plan.select(type=MONITOR, name="api-throughput-drop") != []
    assert "dbinstanceidentifier:api-db-dev" in monitor(dev_plan, "api-db-connections").inputs["query"]
    for resource in _notifiers(dev_plan):
        assert PAGE not in resource.inputs["message"] and DEV in resource.inputs["message"], resource.name
    assert monitor(dev_plan, "api-cpu").inputs["priority"] == "2"  # pages outside production are P2
    assert monitor(prod_plan, "api-cpu").inputs["priority"] == "1"


def test_names_do_not_depend_on_list_order(tmp_path: Path, prod_plan: PlanView) -> None:
    text = (PROJECT / "catalog" / "api.yaml").read_text()
    checks_start, alerts_start = text.index("health_checks:\n"), text.index("alerts:\n")
    body = text[checks_start + len("health_checks:\n") : alerts_start]
    items = ["  - name:" + chunk for chunk in body.split("  - name:")[1:]]
    reordered = text[: checks_start + len("health_checks:\n")] + "".join(reversed(items)) + text[alerts_start:]
    assert reordered != text
    (tmp_path / "catalog").mkdir()
    (tmp_path / "catalog" / "api.yaml").write_text(reordered)
    other = stack_plan("prod", catalog=tmp_path / "catalog", project=PROJECT)
    datadog = lambda plan: [r.to_dict() for r in plan.resources if r.type.startswith("datadog:")]  # noqa: E731
    assert datadog(other) == datadog(prod_plan)


def test_the_human_plan_summarises_every_datadog_type(prod_plan: PlanView) -> None:
    from vigil.render.summary import summarise

    lines = {r.name: summarise(r) for r in prod_plan.resources if r.type.startswith("datadog:")}
    assert lines["api-error-rate"][-1] == "notifies: nobody"  # heard through api-error-rate-enough-traffic
    assert lines["api-error-rate-enough-traffic"][-1] == "notifies on alert: @pagerduty-platform; warning: @slack-platform-alerts"
    assert lines["api-availability-burn-24h"][-1] == "notifies: nobody"  # heard through api-availability-ticket
    assert lines["api-availability-ticket"][-1] == "notifies on alert: @slack-platform-alerts"
    assert lines["api-latency-slo"][-1] == "good slice (300 s): p95:trace.http.request{service:api,env:prod} <= 0.5"
    assert lines["api-health-live"][0].startswith("api/http GET https://api.example.com/health/live: statusCode is 200")
    assert lines["api-dashboard"][0].startswith("api (prod): 11 widgets")  # the signals it alerts on: none of lb 5xx, unhealthy targets
