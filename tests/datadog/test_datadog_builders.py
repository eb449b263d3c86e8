"""Unit tests on the pure Datadog builders: no engine, just the Args they return."""

from __future__ import annotations

import pulumi
import pytest
from pulumi.runtime.sync_await import _sync_await

from dashboards.datadog import service_dashboard
from monitors.common.burn_rates import max_burn_rate, tier_burn_rate, tier_error_ratio
from monitors.datadog.burn_rates import burn_rate_query, tier_key, tier_monitor
from monitors.datadog.numbers import number, window
from monitors.datadog.rules import template_problems
from monitors.datadog.slos import slo_objective
from monitors.datadog.synthetics import synthetic_test
from monitors.datadog.thresholds import threshold_monitor, threshold_monitors
from signals import alert_signal
from signals.datadog import Expression
from signals.http import latency
from spec.slos import Slo, default_tiers
from spec.units import Duration


def _slo(objective: str, window_: str) -> Slo:
    return Slo.model_validate({"name": "availability", "objective": objective, "window": window_, "sli": "availability"})


@pytest.mark.parametrize(
    ("objective", "period", "expected"),
    [
        ("99.9%", "30d", [14.4, 6.0, 3.0, 1.0]),  # Datadog's recommendation for 30 days, and the Workbook's 3d at 1x
        ("99%", "7d", [16.8, 5.6, 2.8, 1.0]),  # Datadog's for 7 days (10 %, 20 %, 40 %); 3/7 of the budget in 3 days
        ("99.95%", "90d", [21.6, 10.8, 4.5, 1.0]),  # Datadog's for 90 days (1 %, 3 %, 5 %); 1/30 in 3 days
    ],
)
def test_burn_rate_tiers(objective: str, period: str, expected: list[float]) -> None:
    slo = _slo(objective, period)
    assert [tier_burn_rate(slo, tier) for tier in slo.burn_rate] == expected
    assert [tier_key(t) for t in slo.burn_rate] == ["1h", "6h", "24h", "3d"]
    assert [t.severity for t in slo.burn_rate] == ["page", "page", "ticket", "ticket"]


def test_burn_rate_ceiling_and_error_ratio() -> None:
    slo = _slo("99.9%", "30d")
    assert max_burn_rate(slo) == 1000
    assert max_burn_rate(_slo("99%", "7d")) == 100
    assert tier_error_ratio(slo, default_tiers()[0]) == pytest.approx(0.0144)


def test_numbers_and_windows_as_datadog_writes_them() -> None:
    assert [number(v) for v in (1.0, 0.5, 14.4, 80, 0.000001, 1500 / 1000)] == ["1", "0.5", "14.4", "80", "0.000001", "1.5"]
    assert [window(Duration.parse(t)) for t in ("5m", "1h", "24h", "48h", "30d", "90s")] == ["5m", "1h", "24h", "48h", "30d", "90s"]


def test_burn_rate_query_with_plain_id_and_output() -> None:
    slo = _slo("99.9%", "30d")
    assert burn_rate_query("abc", slo, slo.burn_rate[0]) == (
        'burn_rate("abc").over("30d").long_window("1h").short_window("5m") > 14.4'
    )
    query = burn_rate_query(pulumi.Output.from_input("abc"), slo, slo.burn_rate[0])
    assert isinstance(query, pulumi.Output)
    assert _sync_await(query.future()) == 'burn_rate("abc").over("30d").long_window("1h").short_window("5m") > 14.4'


def test_burn_rate_monitor_routes_tiers(api, prod) -> None:  # type: ignore[no-untyped-def]
    slo = next(s for s in api.slos if s.name == "availability")
    page, _, ticket, budget = (tier_monitor(api, prod, slo, t, "id") for t in slo.burn_rate)
    assert page.type == "slo alert" and page.monitor_thresholds.critical == "14.4" and page.priority == "1"
    assert "@pagerduty-platform" in page.message and "@slack-platform-alerts" not in page.message
    assert ticket.monitor_thresholds.critical == "3" and ticket.priority == "3"
    assert "@slack-platform-alerts" in ticket.message and "@pagerduty-platform" not in ticket.message
    # the 3d tier, beyond Datadog's 48 hours: the SLO's error-budget alert, the same 1x over the whole window
    assert budget.query == 'error_budget("id").over("30d") > 100' and budget.monitor_thresholds.critical == "100"
    assert budget.priority == "3" and "{{value}}% of its error budget" in budget.message and "@slack-platform-alerts" in budget.message


def test_latency_threshold_converts_milliseconds_to_seconds(api, prod) -> None:  # type: ignore[no-untyped-def]
    args = threshold_monitor(api, prod, alert_signal(api, "latency_p95"))
    assert args is not None
    assert args.query == "percentile(last_5m):p95:trace.http.request{service:api,env:prod} > 0.5"
    thresholds = args.monitor_thresholds
    assert (thresholds.critical, thresholds.warning) == ("0.5", "0.4")
    assert float(thresholds.critical_recovery) < 0.5 and float(thresholds.warning_recovery) < 0.4


def test_warning_only_alert_becomes_a_ticket_monitor(api, prod) -> None:  # type: ignore[no-untyped-def]
    args = threshold_monitor(api, prod, alert_signal(api, "latency_p50"))
    assert args is not None
    assert args.monitor_thresholds.critical == "0.2" and args.monitor_thresholds.warning is None
    assert args.priority == "3"
    assert "@slack-platform-alerts" in args.message and "@pagerduty-platform" not in args.message


def test_below_signals_recover_above(api, prod) -> None:  # type: ignore[no-untyped-def]
    args = threshold_monitor(api, prod, alert_signal(api, "cache_hit_rate"))
    assert args is not None and args.query.endswith(" < 70")
    t = args.monitor_thresholds
    assert float(t.critical_recovery) > 70 and float(t.warning_recovery) > 80 and float(t.warning_recovery) <= 100


def test_error_log_rate_is_a_log_alert_counting_lines_per_window(api, prod) -> None:  # type: ignore[no-untyped-def]
    args = threshold_monitor(api, prod, alert_signal(api, "error_log_rate"))
    assert args is not None and args.type == "log alert"
    assert args.query == 'logs("service:api env:prod status:error").index("*").rollup("count").last("5m") > 500'
    assert args.monitor_thresholds.warning == "100"  # 20/m over 5 minutes
    assert args.notify_no_data is False


def test_host_runtime_reads_host_metrics(edit, prod) -> None:  # type: ignore[no-untyped-def]
    service = edit(lambda d: d["sources"]["datadog"].update(runtime="host"))
    monitors = threshold_monitors(service, prod)
    assert "system.mem.used" in monitors["memory"].query and "ecs.fargate" not in monitors["memory"].query
    assert "system.cpu.idle" in monitors["cpu"].query


def test_no_datadog_source_builds_no_monitors_or_slos(edit, prod) -> None:  # type: ignore[no-untyped-def]
    service = edit(lambda d: d["sources"].pop("datadog"))
    assert threshold_monitors(service, prod) == {}
    assert all(slo_objective(service, prod, slo) is None for slo in service.slos)


def test_every_message_has_balanced_blocks_and_links(api, prod) -> None:  # type: ignore[no-untyped-def]
    for name, args in threshold_monitors(api, prod).items():
        assert template_problems(args.message) == [], name
        assert "docs/runbooks/api.md" in args.message
        assert f"docs/services/api.md#{name.replace('_', '-')}" in args.message
        assert "{{value}}" in args.message


def test_page_and_ticket_handles_sit_in_their_blocks(api, prod) -> None:  # type: ignore[no-untyped-def]
    args = threshold_monitors(api, prod)["latency_p95"]  # (error_rate notifies through its composite)
    alert = args.message.split("{{#is_alert}}")[1].split("{{/is_alert}}")[0]
    warning = args.message.split("{{#is_warning}}")[1].split("{{/is_warning}}")[0]
    assert "@pagerduty-platform" in alert and "@slack-platform-alerts" not in alert
    assert "@slack-platform-alerts" in warning and "@pagerduty-platform" not in warning
    assert "{{#is_recovery}}" in args.message


def test_synthetic_test_for_liveness_pages(api, prod) -> None:  # type: ignore[no-untyped-def]
    live = next(c for c in api.health_checks if c.name == "live")
    args = synthetic_test(api, prod, live)
    assert (args.type, args.subtype, args.status) == ("api", "http", "live")
    assert args.request_definition.url == "https://api.example.com/health/live"
    assert {(a.type, a.operator, a.target) for a in args.assertions} == {
        ("statusCode", "is", "200"),
        ("responseTime", "lessThan", "1000"),
    }
    assert args.locations == ["aws:ap-southeast-1", "aws:eu-west-1", "aws:us-east-1"]
    assert args.options_list.tick_every == 60 and args.options_list.min_location_failed == 2
    assert args.options_list.retry.count == 1 and args.options_list.monitor_priority == 1
    assert "@pagerduty-platform" in args.message


def test_slos(api, prod) -> None:  # type: ignore[no-untyped-def]
    slos = {slo.name: slo_objective(api, prod, slo) for slo in api.slos}
    availability = slos["availability"]
    assert availability.type == "metric"
    # the requests that reached the service, and those the load balancer answered 5xx itself (issue 12 item 1)
    assert availability.query.denominator == (
        "sum:trace.http.request.hits{service:api,env:prod}.as_count() + "
        "sum:aws.applicationelb.httpcode_elb_5xx{loadbalancer:app/api/50dc6c495c0c9188}.as_count()"
    )
    assert availability.query.numerator == (
        "sum:trace.http.request.hits{service:api,env:prod}.as_count() - "
        "sum:trace.http.request.errors{service:api,env:prod}.as_count()"
    )
    assert (availability.thresholds[0].target, availability.thresholds[0].warning, availability.thresholds[0].timeframe) == (
        99.9, 99.95, "30d"
    )
    latency = slos["latency"]
    assert latency.type == "time_slice"
    time_slice = latency.sli_specification.time_slice
    assert (time_slice.comparator, time_slice.threshold) == ("<=", 0.5)
    assert time_slice.query.queries[0].metric_query.query == "p95:trace.http.request{service:api,env:prod}"


def test_dashboard_uses_the_monitors_queries(api, prod) -> None:  # type: ignore[no-untyped-def]
    args = service_dashboard(api, prod, {"availability": "a", "latency": "b"})
    assert args.layout_type == "ordered" and args.tags == ["team:platform"]
    assert args.template_variables[0].name == "env" and args.template_variables[0].prefix == "env"
    queries_shown = {
        q.metric_query.query
        for w in args.widgets
        if w.timeseries_definition
        for r in w.timeseries_definition.requests
        for q in r.queries
    }
    source = api.sources.datadog
    assert latency(source, "$env", "p95").render() in queries_shown
    monitor_query = threshold_monitors(api, prod)["latency_p95"].query
    assert latency(source, "env:prod", "p95").render() in monitor_query
    slo_widgets = [w.service_level_objective_definition for w in args.widgets if w.service_level_objective_definition]
    assert [w.slo_id for w in slo_widgets] == ["a", "b"] and all(w.show_error_budget for w in slo_widgets)


def test_dashboard_follows_the_spec_sections(edit, prod) -> None:  # type: ignore[no-untyped-def]
    service = edit(lambda d: d["dashboards"].update(sections=["alerts", "latency"]))
    widgets = service_dashboard(service, prod, {}).widgets
    assert widgets[0].manage_status_definition is not None and widgets[1].timeseries_definition is not None
    assert len(widgets) == 2


def test_expression_renders_terms_only() -> None:
    expression = Expression("100 * errors / hits", {"errors": "sum:a.errors{x:y}", "hits": "sum:a.hits{x:y}"})
    assert expression.render() == "100 * sum:a.errors{x:y} / sum:a.hits{x:y}"


def test_spec_priority_overrides_the_severity_default(edit, prod, dev) -> None:  # type: ignore[no-untyped-def]
    service = edit(lambda d: d["alerts"]["cpu"].update(priority=4))
    assert threshold_monitors(service, prod)["cpu"].priority == "4"
    assert threshold_monitors(service, dev)["memory"].priority == "2"  # pages outside production: P2


def test_without_aws_sources_no_database_or_cache_monitors_or_widgets(edit, prod) -> None:  # type: ignore[no-untyped-def]
    service = edit(lambda d: d["sources"].pop("aws"))
    monitors = threshold_monitors(service, prod)
    assert "db_connections" not in monitors and "cache_hit_rate" not in monitors and "cpu" in monitors
    titles = [w.timeseries_definition.title for w in service_dashboard(service, prod, {}).widgets if w.timeseries_definition]
    assert not any("Database" in t or "Cache" in t for t in titles) and any(t.startswith("CPU") for t in titles)
