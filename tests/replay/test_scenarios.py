"""Scenarios: the file format and its errors (file:line, never a traceback), alert ids mapped to the plan's resources,
series published through the registry, and `vigil replay` with its exit codes and formats."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from signals import SERIES
from spec import SpecErrors
from vigil.cli import main
from vigil.replay import compile_plan
from vigil.replay.expect import clock
from vigil.replay.scenario import load_scenario, scenario_of
from vigil.replay.stack import StackReplay, load_stack
from vigil.replay.vendor import Steps, vendor_data
from vigil.testkit import PlanView

from .helpers import FIXTURE

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = Path(__file__).resolve().parent / "scenarios"
MIN = 60
# every series a scenario may set, as the registry defines them (a series per health check or custom alert by pattern)
KNOWN_SERIES = [f"{s.name}.<check>" if s.per_check else f"{s.name}.<alert>" if s.per_alert else s.name for s in SERIES.values()]


@pytest.fixture(scope="module")
def fixture_stack(stack_plan) -> StackReplay:  # type: ignore[no-untyped-def]
    return load_stack(ROOT, "prod", FIXTURE, plan=stack_plan("prod", catalog=FIXTURE).plan)


def write(tmp_path: Path, text: str, name: str = "scenario.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def errors_of(path: Path, stack: StackReplay) -> list[str]:
    with pytest.raises(SpecErrors) as caught:
        stack.replay(load_scenario(path, path.name))
    return [str(e) for e in caught.value.errors]


def test_the_issues_example_holds_on_both_backends(fixture_stack: StackReplay) -> None:
    result = fixture_stack.replay(load_scenario(SCENARIOS / "outage.yaml", "outage.yaml"))
    assert result.passed, result.report()
    firsts = {(o.alert, o.backend): o.first for o in result.outcomes}
    # Datadog: sum(last_5m) of 100 % errors passes 1 % in the first minute; CloudWatch: 3 of 5 one-minute periods
    assert firsts[("error_rate", "datadog")] == 61 * MIN and firsts[("error_rate", "aws")] == 63 * MIN
    # Route 53: failures at 60:00, 60:30, 61:00 (threshold 3) make minute 61 unhealthy; the alarm sees it at 62:00
    assert firsts[("health.live", "aws")] == 62 * MIN
    assert [o.backend for o in result.outcomes if o.alert == "health.live"] == ["aws"]  # backend: aws only
    assert {o.backend for o in result.outcomes if o.alert == "latency_p95"} == {"datadog", "aws"}  # every backend


def test_a_failed_expectation_is_one_line(fixture_stack: StackReplay, tmp_path: Path) -> None:
    text = (SCENARIOS / "outage.yaml").read_text().replace("{alert: latency_p95, fires: never}", "{alert: latency_p95, fires: critical, by: 90m}")
    result = fixture_stack.replay(load_scenario(write(tmp_path, text), "late.yaml"))
    assert not result.passed
    assert [o.line() for o in result.failures] == [
        "FAIL late.yaml: latency_p95 on datadog: expected critical by 90m, got never",
        "FAIL late.yaml: latency_p95 on aws: expected critical by 90m, got never",
    ]


def test_a_signal_left_out_is_absent_and_no_data_pages_where_the_monitor_says_so(fixture_stack: StackReplay) -> None:
    result = fixture_stack.replay(load_scenario(SCENARIOS / "traffic-stops.yaml", "traffic-stops.yaml"))
    assert result.passed, result.report()
    throughput = {o.backend: o for o in result.outcomes if o.alert == "throughput_drop"}
    # Datadog: no value once traffic stops; No Data after no_data_timeframe (20 minutes), to the page route
    assert throughput["datadog"].first == 80 * MIN and "page at 80m (No Data)" in throughput["datadog"].got
    # CloudWatch: 3 of 3 five-minute periods, missing ones breaching, each run judging the newest real points first
    assert throughput["aws"].first is not None and 80 * MIN <= throughput["aws"].first <= 85 * MIN


def test_a_step_coarser_than_a_minute_is_published_every_minute(fixture_stack: StackReplay) -> None:
    api = fixture_stack.service("api")
    data = vendor_data(api.scope, Steps({"requests": [20.0, 20.0], "errors": [0.0, 10.0]}, 300, 2))
    assert data.step == 60 and data.length == 10
    fine = scenario_of(
        {"service": "api", "step": "1m", "series": {"requests": "20/s x60", "errors": "0% x30, 5% x30"}, "expect": [{"alert": "error_rate", "fires": "any"}]}
    )
    coarse = scenario_of(
        {"service": "api", "step": "5m", "series": {"requests": "20/s x12", "errors": "0% x6, 5% x6"}, "expect": [{"alert": "error_rate", "fires": "any"}]}
    )
    assert [o.first for o in fixture_stack.replay(fine).outcomes] == [o.first for o in fixture_stack.replay(coarse).outcomes]


def test_alert_ids_map_to_the_plans_resources(fixture_stack: StackReplay) -> None:
    index = fixture_stack.service("api").index
    assert index.ids() == [
        "cache_hit_rate", "cpu", "db_connections", "error_log_rate", "error_rate", "health.live", "health.ready", "latency_p95",
        "memory", "service_unhealthy", "slo.availability", "slo.availability.page", "slo.availability.ticket", "slo.latency",
        "slo.latency.page", "slo.latency.ticket", "throughput_drop",
    ]  # fmt: skip
    assert {(p.resource, p.backend) for p in index.select("error_rate")} == {
        ("api-error-rate", "datadog"), ("api-error-rate-traffic", "datadog"), ("api-error-rate-enough-traffic", "datadog"),
        ("api-error-rate-critical", "aws"), ("api-error-rate-warning", "aws"), ("api-error-rate-warning-notify", "aws"),
    }  # fmt: skip
    assert {p.resource for p in index.select("slo.availability.page", "aws")} == {"api-slo-availability-1h", "api-slo-availability-6h", "api-slo-availability-page"}
    assert {p.resource for p in index.select("slo.availability.ticket", "datadog")} == {
        "api-availability-burn-24h", "api-availability-error-budget", "api-availability-ticket",
    }  # fmt: skip
    assert index.composite("slo.availability", "page", "datadog").resource == "api-availability-page"  # type: ignore[union-attr]
    assert index.composite("slo.availability", "page", "aws").resource == "api-slo-availability-page"  # type: ignore[union-attr]
    assert index.resources(["slo.availability.ticket"]) >= {"api-slo-availability-1d-long", "api-slo-availability-1d-short"}
    assert index.backends("service_unhealthy") == ("aws",)
    assert {p.resource for p in index.parts} <= set(compile_plan(fixture_stack.plan).alerts)


def test_only_keeps_what_the_alerts_need(fixture_stack: StackReplay) -> None:
    api = fixture_stack.service("api")
    kept = api.compiled.only(["api-slo-availability-3d", "api-availability-burn-1h"])
    windows = {f"api-slo-availability-{t}-{w}" for t in ("1h", "6h", "1d", "3d") for w in ("long", "short")}
    assert {a.resource.name for a in kept.metric_alarms} == windows  # the 3d tier's, and its suppressor's (the page and the 1d tier)
    assert {c.resource.name for c in kept.composite_alarms} == {f"api-slo-availability-{t}" for t in ("1h", "6h", "1d", "3d", "page", "3d-hold")}
    assert list(kept.slos) == ["api-availability-slo"] and [m.resource.name for m in kept.monitors] == ["api-availability-burn-1h"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("expect:\n  - {alert: error_rates, fires: any}\n", "s.yaml:9:13: expect[0].alert: no alert 'error_rates' is deployed for api in stack prod; deployed: cache_hit_rate,"),
        ("expect:\n  - {alert: service_unhealthy, fires: any, backend: datadog}\n", "s.yaml:9:53: expect[0].backend: 'service_unhealthy' is not deployed on datadog in stack prod (only: aws)"),
        ("  health.gone: up x10\nexpect:\n  - {alert: cpu, fires: never}\n", "s.yaml:8:3: series.health.gone: api has no health check 'gone' (its checks: health.live, health.ready)"),
        ("  latency_p50: 900ms x10\nexpect:\n  - {alert: cpu, fires: never}\n", "s.yaml:8:16: series.latency_p50: step 1: latency_p50 (900ms) is above latency_p95 (120ms)"),
    ],
)
def test_a_scenario_that_does_not_fit_the_service_is_an_error_at_its_line(fixture_stack: StackReplay, tmp_path: Path, text: str, expected: str) -> None:
    head = "service: api\nstack: prod\nstep: 1m\nseries:\n  requests: 20/s x10\n  errors: 0% x10\n  latency_p95: 120ms x10\n"
    found = errors_of(write(tmp_path, head + text, "s.yaml"), fixture_stack)
    assert any(line.startswith(expected) for line in found), found


def test_a_malformed_scenario_lists_every_problem(tmp_path: Path) -> None:
    path = write(tmp_path, "service: api\nstep: 5s\nseries:\n  requets: 20/s x10\n  errors: 0 x10\n  health.live: up x5, absent x5\nexpect:\n"
                 "  - {alert: error_rate, fires: never, by: 3m}\n  - {alert: cpu, fires: sometimes, backend: gcp}\n")  # fmt: skip
    with pytest.raises(SpecErrors) as caught:
        load_scenario(path, "bad.yaml")
    assert [str(e) for e in caught.value.errors] == [
        "bad.yaml:2:7: step: step 5s: at least 10s, and dividing a minute (10s, 20s, 30s) or whole minutes (1m, 5m)",
        f"bad.yaml:4:3: series.requets: unknown signal 'requets'; did you mean 'requests'? known: {', '.join(KNOWN_SERIES)}",
        "bad.yaml:5:11: series.errors: segment 1 ('0 x10'): expected a percentage with '%', between 0% and 100% (e.g. '1%', '99.9%'), got '0'",
        "bad.yaml:6:16: series.health.live: segment 2 ('absent x5'): a health check is up or down at every step (absent is for metrics)",
        "bad.yaml:8:5: expect[0]: 'by' does not go with 'fires: never' (never holds for the whole scenario)",
        "bad.yaml:9:25: expect[1].fires: Input should be 'critical', 'warning', 'page', 'ticket', 'any' or 'never', got 'sometimes'",
        "bad.yaml:9:45: expect[1].backend: Input should be 'aws' or 'datadog', got 'gcp'",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("requests: 20/s x10\n  errors: 0% x9", "series.errors: 9 steps, where the longest series has 10"),
        ("requests: 20/s x10, 20/s", "series.requests: segment 2"),
        ("cpu: 50 x10", "expected a percentage"),
        ("db_connections: 40 x10, ten x2", "segment 2 ('ten x2'): expected a number"),
        ("requests: 20/s 10", "expected 'V xN'"),
    ],
)
def test_series_values_keep_their_units(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, f"service: api\nstep: 1m\nseries:\n  {text}\nexpect:\n  - {{alert: cpu, fires: any}}\n")
    if "segment 2" in expected and "ten" not in expected:
        assert len(load_scenario(path).series["requests"]) == 11  # "20/s" alone is one step
        return
    with pytest.raises(SpecErrors) as caught:
        load_scenario(path)
    assert expected in str(caught.value)


def test_by_after_the_end_and_a_scenario_without_series_are_errors(tmp_path: Path) -> None:
    with pytest.raises(SpecErrors, match=re.escape("expect[0].by: 2h is after the scenario's end (10m)")):
        load_scenario(write(tmp_path, "service: api\nstep: 1m\nseries:\n  requests: 20/s x10\nexpect:\n  - {alert: cpu, fires: any, by: 2h}\n"))
    with pytest.raises(SpecErrors, match="no series"):
        scenario_of({"service": "api", "step": "1m", "expect": [{"alert": "cpu", "fires": "any"}]})
    with pytest.raises(SpecErrors, match=re.escape("scenario: expect: required key 'expect' is missing")):
        scenario_of({"service": "api", "step": "1m", "series": {"requests": "20/s"}})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("service: api\nstep: 1m\nseries: &a\n  x: *a\nexpect: []\n", ":4:6: scenario: alias *a refers to the mapping it is written in"),
        ("service: api\n---\nservice: api\n", ":3:1: scenario: one scenario per file, found 2"),
    ],
)
def test_a_problem_with_the_whole_file_is_the_scenarios(tmp_path: Path, text: str, expected: str) -> None:
    """Labelled `scenario`, not a service file's `<service>`."""
    with pytest.raises(SpecErrors) as raised:
        load_scenario(write(tmp_path, text))
    assert expected in str(raised.value) and "<service>" not in str(raised.value), str(raised.value)


def test_clock_words() -> None:
    assert [clock(s) for s in (None, 0, 61, 75 * MIN, 125 * MIN, 26 * 3600 + 5 * 60, 50 * 3600)] == ["never", "0m", "1m 1s", "75m", "2h 5m", "26h 5m", "2d 2h"]


# ---- the command line -----------------------------------------------------------------------------------------


def test_replay_exits_0_when_every_expectation_holds(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["replay", str(SCENARIOS / "outage.yaml"), "--catalog", str(FIXTURE)]) == 0
    out = capsys.readouterr().out
    assert "ok   " in out and out.rstrip().endswith("1 scenario(s), 7 expectation(s) on their backends, 0 failed")


def test_replay_exits_1_with_one_line_per_failure_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    path = write(tmp_path, (SCENARIOS / "outage.yaml").read_text().replace("fires: never", "fires: warning"))
    assert main(["replay", str(path), "--catalog", str(FIXTURE), "--format", "json"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert document["passed"] is False
    failed = [o for s in document["scenarios"] for o in s["outcomes"] if not o["passed"]]
    assert {(o["alert"], o["backend"], o["expected"], o["got"]) for o in failed} == {
        ("latency_p95", "datadog", "warning", "never"), ("latency_p95", "aws", "warning", "never"),
    }  # fmt: skip


def test_replay_exits_2_on_an_invalid_scenario_without_a_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    path = write(tmp_path, "service: nobody\nstep: 1m\nseries:\n  requests: 20/s x5\nexpect:\n  - {alert: cpu, fires: any}\n", "nobody.yaml")
    assert main(["replay", str(path), "--catalog", str(FIXTURE), "--stack", "prod"]) == 2
    err = capsys.readouterr().err
    assert "nobody.yaml:1:10: service: stack prod has no service 'nobody' (its services: api)" in err and "Traceback" not in err
    assert main(["replay", "--catalog", str(FIXTURE)]) == 2  # neither files nor --standard
    assert main(["replay", str(path), "--standard"]) == 2
    assert main(["replay", str(path), "--service", "api"]) == 2


def test_standard_replay_of_one_service(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["replay", "--standard", "--catalog", str(ROOT / "tests/fixtures/signals"), "--stack", "prod", "--service", "shop"]) == 0
    out = capsys.readouterr().out
    assert "shop on stack prod: 11 standard checks: 11 ok" in out
    assert "ok    lb_error_rate on aws: breach at 4% (2× critical 2%)" in out


def test_a_plan_view_replays_like_a_loaded_stack(stack_plan, fixture_stack: StackReplay) -> None:  # type: ignore[no-untyped-def]
    view: PlanView = stack_plan("prod", catalog=FIXTURE)
    result = view.replay(SCENARIOS / "outage.yaml")
    assert result.passed and [o.first for o in result.outcomes] == [o.first for o in fixture_stack.replay(load_scenario(SCENARIOS / "outage.yaml")).outcomes]


def test_a_slower_tier_does_not_page_after_the_outage_it_was_quiet_for(fixture_stack: StackReplay) -> None:
    """The CloudWatch tiers' actions suppressor held the 6 h tier's page for 15 minutes after the 1 h tier recovered,
    shorter than the 6 h tier's 30-minute short window: it paged twenty minutes after the outage ended. Now the page's
    composite over both tiers stays in ALARM while either is: one page, and its recovery when both have let go."""
    result = fixture_stack.replay(load_scenario(SCENARIOS / "tier-pages-after-recovery.yaml", "tier-pages-after-recovery.yaml"))
    assert result.passed, result.report()
    (aws,) = [o for o in result.outcomes if o.backend == "aws"]
    assert [(f.at, f.resource) for f in aws.firings if f.route == "page"] == [(61 * MIN, "api-slo-availability-page")]
    assert result.timelines["api-slo-availability-6h"].entered("ALARM")  # in ALARM, told nobody itself


def test_standard_replay_as_json(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["replay", "--standard", "--catalog", str(ROOT / "tests/fixtures/backends"), "--stack", "prod", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["passed"] is True and [s["service"] for s in document["services"]] == ["web", "worker"]
    web = document["services"][0]
    assert {c["status"] for c in web["checks"]} == {"ok"}  # no known issue left (issue 12: one page, one ticket)
    tiers = {(t["tier"], t["backend"]): t["burns"] for t in web["tiers"]}
    assert set(tiers) == {("1h", "datadog"), ("6h", "datadog"), ("1d", "datadog"), ("3d", "datadog")}  # web is Datadog-only
    assert tiers[("1h", "datadog")]["total"]["fired"] is not None and tiers[("1h", "datadog")]["0.5×"]["fired"] is None


def test_times_counts_the_firings_at_that_level(fixture_stack: StackReplay, tmp_path: Path) -> None:
    """`times: 1` is one page for one problem: CloudWatch's tiers page once for a 12-minute outage."""
    text = (SCENARIOS / "tier-pages-after-recovery.yaml").read_text().replace(
        "{alert: slo.availability.page, fires: page, by: 62m}", "{alert: slo.availability.page, fires: page, by: 62m, times: 1, backend: aws}"
    )
    result = fixture_stack.replay(load_scenario(write(tmp_path, text), "once.yaml"))
    assert result.passed, result.report()
    assert result.outcomes[0].expected == "page by 62m, once"
    twice = text.replace("times: 1", "times: 2")
    failed = fixture_stack.replay(load_scenario(write(tmp_path, twice), "twice.yaml"))
    assert [o.line() for o in failed.outcomes] == ["FAIL twice.yaml: slo.availability.page on aws: expected page by 62m, 2 times, got page at 61m (ALARM); 1 firing(s)"]
    with pytest.raises(SpecErrors, match="'times' does not go with 'fires: never'"):
        load_scenario(write(tmp_path, text.replace("fires: page, by: 62m, times: 1", "fires: never, times: 1")), "never.yaml")


# ---- hostile scenarios: bounded before anything is allocated ------------------------------------------------------


@pytest.mark.parametrize(
    ("series", "expected"),
    [
        ("requests: 20/s x100000000000000000000", "6:13: series.requests: segment 1 ('20/s x100000000000000000000'): 100000000000000000000 steps; a scenario has at most 43200 steps"),
        ("requests: 20/s x" + "9" * 5000, "6:13: series.requests: segment 1 ('20/s x99999999999999…(5006 characters)'): a count of 5000 digits; a scenario has at most 43200 steps"),
        ("requests: 20/s x10000000", "6:13: series.requests: segment 1 ('20/s x10000000'): 10000000 steps; a scenario has at most 43200 steps"),
        ("requests: 20/s x40000, 20/s x40000", "6:13: series.requests: segment 2 ('20/s x40000'): the series reaches 80000 steps; a scenario has at most 43200 steps"),
        ("db_connections: 1" + "0" * 400 + " x2, 3", "6:19: series.db_connections: segment 1 ('10000000000000000000…(404 characters)'): too large (at most 9007199254740992)"),
    ],
    ids=["10^20", "5000 digits", "10^7", "total", "value 10^400"],
)
def test_a_scenario_longer_than_the_maximum_is_refused_at_its_line(tmp_path: Path, series: str, expected: str) -> None:
    """A count of 10^20 gave OverflowError and 10^7 steps grew past 1 GiB: counts are bounded before any list is made."""
    path = write(tmp_path, f"service: api\nstep: 1m\nexpect:\n  - {{alert: cpu, fires: any}}\nseries:\n  {series}\n", "s.yaml")
    with pytest.raises(SpecErrors) as caught:
        load_scenario(path, "s.yaml")
    assert [str(e) for e in caught.value.errors] == [f"s.yaml:{expected}"]


def test_a_scenario_lasts_at_most_30_days(tmp_path: Path) -> None:
    """A 1h step of 43200 steps would be five years of 1-minute points for the vendors: the duration is bounded too."""
    path = write(tmp_path, "service: api\nstep: 1h\nseries:\n  requests: 20/s x721\nexpect:\n  - {alert: cpu, fires: any}\n", "s.yaml")
    with pytest.raises(SpecErrors) as caught:
        load_scenario(path, "s.yaml")
    assert [str(e) for e in caught.value.errors] == [
        "s.yaml:4:13: series.requests: 721 steps of 1h last 721h; a scenario lasts at most 30d"
    ]
    assert load_scenario(write(tmp_path, path.read_text().replace("x721", "x720"))).length == 720


@pytest.mark.parametrize(
    ("start", "message"),
    [
        ("2030-02-30T00:00Z", "start 2030-02-30T00:00Z is not a time: day is out of range for month"),
        ("2030-13-01T00:00Z", "start 2030-13-01T00:00Z is not a time: month must be in 1..12"),
        ("9999-12-31T23:00Z", "start 9999-12-31T23:00Z: a scenario starts from the year 1971 to 9998"),
        ("0001-01-01T00:00Z", "start 0001-01-01T00:00Z: a scenario starts from the year 1971 to 9998"),
    ],
)
def test_a_start_that_no_calendar_holds_is_an_error_at_its_line(tmp_path: Path, start: str, message: str) -> None:
    """They were a ValueError from datetime, or an OverflowError once maintenance windows looked back from them."""
    path = write(tmp_path, f"service: api\nstart: {start}\nstep: 1m\nseries:\n  requests: 20/s x10\nexpect:\n  - {{alert: cpu, fires: any}}\n", "s.yaml")
    with pytest.raises(SpecErrors) as caught:
        load_scenario(path, "s.yaml")
    assert [str(e) for e in caught.value.errors] == [f"s.yaml:2:8: start: {message}"]
