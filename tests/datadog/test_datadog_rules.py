"""Each Datadog rule has a failing case: crafted services through `rules.check`, and `vigil validate` end to end.

Values the spec's own validation would refuse are injected with `model_copy` (no validation), to prove the
vendor rules are a second, independent line: they check what the builders would send.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from monitors.common.context import Deployment
from monitors.common.rules import Violation
from monitors.datadog import rules
from monitors.datadog import sdk as datadog
from program.checks import check_datadog
from spec import Service
from spec.units import Duration, Percent
from tests.reference import REFERENCE
from vigil.cli import main

PROJECT = REFERENCE  # the project the tests plan: the reference fixture, never the user's catalog/


def replace(model: Any, **changes: Any) -> Any:
    """A copy with fields changed and no validation (to inject what the spec itself would refuse)."""
    return model.model_copy(update=changes)


def with_alert(service: Service, name: str, **changes: Any) -> Service:
    threshold = replace(getattr(service.alerts, name), **changes)
    return replace(service, alerts=replace(service.alerts, **{name: threshold}))


def with_check(service: Service, name: str, **changes: Any) -> Service:
    checks = [replace(c, **changes) if c.name == name else c for c in service.health_checks]
    return replace(service, health_checks=checks)


def with_slo(service: Service, name: str, **changes: Any) -> Service:
    return replace(service, slos=[replace(s, **changes) if s.name == name else s for s in service.slos])


def found(violations: list[Violation], path: tuple[Any, ...], text: str) -> bool:
    return any(v.path == path and text in v.message for v in violations)


def test_the_default_catalog_passes(api: Service, catalog_services: dict[str, Service], prod: Deployment, dev: Deployment) -> None:
    assert check_datadog(api, prod) == []
    assert check_datadog(catalog_services["dev"], dev) == []


# -- query grammar and threshold consistency ------------------------------------------------------------


def test_query_grammar_rejects_a_scope_outside_the_tag_grammar(api: Service, prod: Deployment) -> None:
    source = replace(api.sources.datadog, apm_service="API Gateway")
    broken = replace(api, sources=replace(api.sources, datadog=source))
    violations = check_datadog(broken, prod)
    assert found(violations, ("alerts", "error_rate"), "does not follow Datadog's query alert grammar") or found(
        violations, ("alerts", "error_rate"), "query scope tag"
    )


def test_query_number_must_equal_critical() -> None:
    args = datadog.MonitorArgs(
        name="x", type="query alert", message="@a", query="avg(last_5m):avg:system.load.1{env:prod} > 2",
        monitor_thresholds=datadog.MonitorMonitorThresholdsArgs(critical="1"),
    )
    assert any("compares with 2 but the critical threshold is 1" in m for m in rules.monitor_problems(args)["critical"])


def test_query_numbers_need_their_leading_zero() -> None:
    args = datadog.MonitorArgs(
        name="x", type="query alert", message="@a", query="avg(last_5m):avg:system.load.1{env:prod} > .5",
        monitor_thresholds=datadog.MonitorMonitorThresholdsArgs(critical=".5"),
    )
    assert any("leading zero" in m for m in rules.monitor_problems(args)["critical"])


def test_query_alert_needs_a_critical_threshold() -> None:
    args = datadog.MonitorArgs(name="x", type="query alert", message="@a", query="avg(last_5m):avg:a.b{env:prod} > 1")
    assert any("needs a critical threshold" in m for m in rules.monitor_problems(args)["critical"])


def test_evaluation_window_must_be_one_of_datadogs(api: Service, prod: Deployment) -> None:
    broken = with_alert(api, "cpu", window=Duration.parse("7m"))
    assert found(check_datadog(broken, prod), ("alerts", "cpu", "window"), "evaluation window 7m")


# -- warning and recovery ordering ------------------------------------------------------------------------


def test_warning_above_critical_is_refused_for_an_above_alert(api: Service, prod: Deployment) -> None:
    broken = with_alert(api, "cpu", warning=Percent(90))
    assert found(check_datadog(broken, prod), ("alerts", "cpu", "warning"), "must be below critical")


def test_warning_below_critical_is_refused_for_a_below_alert(api: Service, prod: Deployment) -> None:
    broken = with_alert(api, "cache_hit_rate", warning=Percent(60))
    assert found(check_datadog(broken, prod), ("alerts", "cache_hit_rate", "warning"), "must be above critical")


def test_recovery_must_be_inside_its_threshold() -> None:
    thresholds = datadog.MonitorMonitorThresholdsArgs(critical="1", critical_recovery="2", warning="0.5", warning_recovery="0.6")
    problems = rules.ordering_problems(">", thresholds)
    assert any(p.startswith("critical recovery (2) must be below") for p in problems)
    assert any(p.startswith("warning recovery (0.6) must be below") for p in problems)


# -- tags, priority ---------------------------------------------------------------------------------------


def test_tag_grammar_rejects_uppercase_environment(api: Service) -> None:
    deployment = Deployment(project="monitoring", stack="Prod", environment="Prod", production=True)
    assert found(check_datadog(api, deployment), ("tags",), "'env:Prod' must be lowercase")


def test_tag_longer_than_200_characters(api: Service, prod: Deployment) -> None:
    broken = replace(api, tags={"owner": "x" * 200})
    assert found(check_datadog(broken, prod), ("tags",), "longer than 200")


@pytest.mark.parametrize("priority", [0, 6])
def test_priority_outside_one_to_five(api: Service, prod: Deployment, priority: int) -> None:
    broken = with_alert(api, "cpu", priority=priority)
    assert found(check_datadog(broken, prod), ("alerts", "cpu", "priority"), "outside Datadog's 1-5")


# -- synthetics ranges ------------------------------------------------------------------------------------


@pytest.mark.parametrize("interval", ["10s", "8d"])
def test_tick_every_outside_datadogs_range(api: Service, prod: Deployment, interval: str) -> None:
    broken = with_check(api, "live", interval=Duration.parse(interval))
    assert found(check_datadog(broken, prod), ("health_checks", "live", "interval"), "tick_every")


def test_tick_every_in_whole_seconds(api: Service, prod: Deployment) -> None:
    broken = with_check(api, "live", interval=Duration.parse("60500ms"))
    assert found(check_datadog(broken, prod), ("health_checks", "live", "interval"), "whole seconds")


def test_retry_count_above_three(api: Service, prod: Deployment) -> None:
    check = next(c for c in api.health_checks if c.name == "live")
    broken = with_check(api, "live", failure=replace(check.failure, retries=5))
    assert found(check_datadog(broken, prod), ("health_checks", "live", "failure", "retries"), "retry count 5")


def test_min_location_failed_above_locations(api: Service, prod: Deployment) -> None:
    check = next(c for c in api.health_checks if c.name == "live")
    broken = with_check(api, "live", failure=replace(check.failure, locations=4))
    assert found(check_datadog(broken, prod), ("health_checks", "live", "failure", "locations"), "between 1 and the 3")


# -- SLO target, warning, timeframe, aggregation ----------------------------------------------------------


def test_slo_target_must_be_below_100(api: Service, prod: Deployment) -> None:
    broken = with_slo(api, "availability", objective=Percent(100), warning=None)
    assert found(check_datadog(broken, prod), ("slos", "availability", "objective"), "strictly between 0 and 100")


def test_slo_warning_must_be_above_target(api: Service, prod: Deployment) -> None:
    broken = with_slo(api, "availability", warning=Percent(99.5))
    assert found(check_datadog(broken, prod), ("slos", "availability", "warning"), "must be above the target")


def test_slo_timeframe_must_be_7_30_or_90_days(api: Service, prod: Deployment) -> None:
    broken = with_slo(api, "latency", window=Duration.parse("14d"))
    assert found(check_datadog(broken, prod), ("slos", "latency", "window"), "timeframe 14d")


def test_metric_slo_must_sum(edit: Any, prod: Deployment) -> None:
    service = edit(
        lambda d: d["slos"].append(
            {"name": "checkout", "objective": "99%", "window": "7d", "burn_rate": [],
             "sli": {"custom": {"datadog": {"good": "avg:checkout.ok{env:prod}.as_count()", "total": "sum:checkout.all{env:prod}.as_count()"}}}}
        )
    )
    assert found(check_datadog(service, prod), ("slos", "checkout", "sli"), "numerator must aggregate with sum")


# -- burn-rate windows and ceiling ------------------------------------------------------------------------


def test_a_tier_beyond_48h_is_the_error_budget_alert_and_only_one_may_be(edit: Any, prod: Deployment) -> None:
    """Datadog looks back at most 48 hours at a burn rate: one slower tier becomes the SLO's error-budget alert."""
    slow = {"long": "72h", "short": "6h", "budget": "10%", "severity": "ticket"}
    service = edit(lambda d: d["slos"][0].update(burn_rate=[slow]))
    assert check_datadog(service, prod) == []
    two = edit(lambda d: d["slos"][0].update(burn_rate=[slow, {"long": "5d", "short": "12h", "budget": "20%", "severity": "ticket"}]))
    assert found(check_datadog(two, prod), ("slos", "availability", "burn_rate"), "watches one slower tier, as the SLO's error-budget alert: got 3d, 5d")


def test_burn_rate_long_window_at_least_1h(edit: Any, prod: Deployment) -> None:
    service = edit(lambda d: d["slos"][0].update(burn_rate=[{"long": "30m", "short": "5m", "budget": "1%", "severity": "page"}]))
    assert found(check_datadog(service, prod), ("slos", "availability", "burn_rate", "30m"), "outside Datadog's 1h to 48h")


def test_burn_rate_short_window_shorter_than_long(api: Service, prod: Deployment) -> None:
    slo = next(s for s in api.slos if s.name == "availability")
    tier = replace(slo.burn_rate[0], short=Duration.parse("2h"))
    broken = with_slo(api, "availability", burn_rate=[tier])
    assert found(check_datadog(broken, prod), ("slos", "availability", "burn_rate", "1h"), "must be shorter than long window")


def test_burn_rate_above_one_over_error_budget(edit: Any, prod: Deployment) -> None:
    # 10 % of a 90-day budget in 1 h burns at 216, but a 99 % SLO cannot burn faster than 100.
    service = edit(
        lambda d: d["slos"][0].update(
            objective="99%", warning="99.5%", window="90d",
            burn_rate=[{"long": "1h", "short": "5m", "budget": "10%", "severity": "page"}],
        )
    )
    assert found(check_datadog(service, prod), ("slos", "availability", "burn_rate", "1h"), "at most 1/(1 − 99%) = 100")


# -- messages and routes ----------------------------------------------------------------------------------


def test_unbalanced_template_blocks() -> None:
    assert rules.template_problems("{{#is_alert}} x {{/is_warning}}") != []
    assert rules.template_problems("{{#is_alert}} x") == ["message template block {{#is_alert}} is never closed"]
    assert rules.template_problems("{{#is_alert}}a{{/is_alert}}{{#is_warning}}b{{/is_warning}}") == []


def test_a_handle_that_breaks_the_template_is_refused(api: Service, prod: Deployment) -> None:
    route = replace(api.routes.page, datadog=["@pagerduty-platform{{/is_alert}}"])
    broken = replace(api, routes=replace(api.routes, page=route))
    assert found(check_datadog(broken, prod), ("routes", "page"), "closes a block that is not open")


def test_a_route_without_datadog_handles_notifies_nobody(edit: Any, prod: Deployment) -> None:
    service = edit(lambda d: d["routes"]["page"].update(datadog=[]))
    assert found(check_datadog(service, prod), ("routes", "page"), "notifies nobody")


def test_dashboard_tags() -> None:
    args = datadog.DashboardArgs(title="x", layout_type="ordered", tags=[f"team:t{i}" for i in range(6)] + ["service:api"])
    problems = rules.dashboard_problems(args)
    assert any("at most 5 tags" in p for p in problems) and any("'service:api' must be a team tag" in p for p in problems)


# -- end to end: `vigil validate` points at the spec ------------------------------------------------------


def _catalog_with(tmp_path: Path, old: str, new: str) -> tuple[Path, int]:
    """A copy of the reference catalog with one edit; the line of the edit."""
    folder = tmp_path / "catalog"
    folder.mkdir()
    text = (PROJECT / "catalog" / "api.yaml").read_text()
    assert old in text
    text = text.replace(old, new, 1)
    (folder / "api.yaml").write_text(text)
    line = text[: text.index(new)].count("\n") + 1
    return folder, line


def test_validate_points_at_the_health_check_interval(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PROJECT)
    old = "    url: https://api.example.com/health/live\n"
    folder, line = _catalog_with(tmp_path, old, old + "    interval: 10s\n")
    assert main(["validate", "--catalog", str(folder)]) == 2
    err = capsys.readouterr().err
    assert re.search(rf"api\.yaml:{line + 1}:\d+: health_checks\[2\]\.interval: in environments? [^:]*: .*tick_every 10 s", err), err


def test_validate_points_at_a_burn_rate_tier(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PROJECT)
    old = "    sli: availability\n"
    tier = "    burn_rate:\n      - {long: 49h, short: 6h, budget: 10%, severity: ticket}\n      - {long: 72h, short: 6h, budget: 10%, severity: ticket}\n"
    folder, line = _catalog_with(tmp_path, old, old + tier)
    assert main(["validate", "--catalog", str(folder)]) == 2
    err = capsys.readouterr().err
    assert re.search(rf"api\.yaml:{line + 1}:\d+: slos\[0\]\.burn_rate: .*watches one slower tier", err), err  # at `burn_rate:`, the key of the list at fault


def test_validate_points_at_a_priority(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PROJECT)
    old = "  cpu: {critical: 80%, warning: 70%}"
    folder, line = _catalog_with(tmp_path, old, "  cpu: {critical: 80%, warning: 70%, priority: 9}")
    assert main(["validate", "--catalog", str(folder)]) == 2
    err = capsys.readouterr().err
    assert re.search(rf"api\.yaml:{line}:\d+: alerts\.cpu\.priority: .*priority 9 is outside Datadog's 1-5", err), err


@pytest.mark.parametrize(("value", "expected"), [("high", "valid integer"), ("2.5", "valid integer"), ("true", "valid integer")])
def test_validate_rejects_a_priority_that_is_not_a_whole_number(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, value: str, expected: str
) -> None:
    monkeypatch.chdir(PROJECT)
    old = "  cpu: {critical: 80%, warning: 70%}"
    folder, line = _catalog_with(tmp_path, old, f"  cpu: {{critical: 80%, warning: 70%, priority: {value}}}")
    assert main(["validate", "--catalog", str(folder)]) == 2
    err = capsys.readouterr().err
    assert re.search(rf"api\.yaml:{line}:\d+: alerts\.cpu\.priority: .*{expected}", err), err
    assert "Traceback" not in err


def test_log_search_terms_follow_the_tag_grammar(api: Service, prod: Deployment) -> None:
    source = replace(api.sources.datadog, apm_service="Api")
    broken = replace(api, sources=replace(api.sources, datadog=source))
    assert found(check_datadog(broken, prod), ("alerts", "error_log_rate"), "log search term 'service:Api'")


# -- time-slice SLOs (issue 12 item 6) ---------------------------------------------------------------------


def test_a_time_slice_tier_that_one_slice_would_fire_is_refused(edit: Any, prod: Deployment) -> None:
    """Datadog's latency SLO counts 5-minute slices: 2 % of a 99.9 % 30-day budget is 52 seconds, and one slow slice is
    an 83x burn of an hour — any slow slice (a 1x burn's too) would page. The tiers that let a slice or more be spent
    pass, and their short windows span as many slices as a burn at their rate spaces its slow slices apart."""
    service = edit(lambda d: d["slos"][1].update(objective="99.9%", warning=None))
    violations = check_datadog(service, prod)
    for long in ("1h", "6h", "1d"):
        assert found(violations, ("slos", "latency", "burn_rate", long), "less than one slice, so any slow slice would fire it")
    assert found(violations, ("slos", "latency", "burn_rate", "1h"), "a budget share of at least 11.58% or the SLO an objective of at most 99.42%")
    assert [v for v in violations if "time-slice" not in v.message] == []
    tiers = [{"long": "1h", "short": "5m", "budget": "12%", "severity": "page"}, {"long": "6h", "short": "30m", "budget": "20%", "severity": "page"}]
    wider = edit(lambda d: d["slos"][1].update(objective="99.9%", warning=None, burn_rate=tiers))
    assert check_datadog(wider, prod) == []


def test_validate_points_at_a_time_slice_tier(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PROJECT)
    old = "    sli: {latency_below: 500ms}\n"
    tier = "    burn_rate:\n      - {long: 1h, short: 5m, budget: 2%, severity: page}\n"
    folder, line = _catalog_with(tmp_path, "    objective: 99%\n    window: 30d\n" + old, "    objective: 99.9%\n    window: 30d\n" + old + tier)
    assert main(["validate", "--catalog", str(folder)]) == 2
    err = capsys.readouterr().err
    assert re.search(rf"api\.yaml:{line + 4}:\d+: slos\[1\]\.burn_rate\[0\]: .*time-slice SLO counts 5m slices", err), err
