"""Real production series (NAB's CloudWatch data, tests/fixtures/backtest/nab/) in the vendors' own formats, through
the contract: `--queries` says what to fetch, the responses are written where `--record` would write them, `--from`
back-tests from them. The expected notifications are counted here by rules written out by hand from the vendors'
documentation — not by the evaluators.
"""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Optional

import pytest

from tests.backtest.helpers import PROJECT, nab, rows, shifted, window_end
from tests.backtest.vendor_files import write_responses
from vigil.cli import main

CPU = "rds_cpu_utilization_cc0c53"
REQUESTS = "elb_request_count_8c0756"


def alarm_notifications(values: Sequence[float], threshold: float) -> int:
    """A CloudWatch alarm of one period, 1 of 1 datapoints, over a metric with one point per period: every minute it
    judges the newest real point of its evaluation range (AWS: 'alarms and missing data'), so it follows the points
    one by one; its ALARM actions run on each change into ALARM, the first evaluation from INSUFFICIENT_DATA too."""
    told, before = 0, False
    for value in values:
        now = value > threshold
        told += now and not before
        before = now
    return told


def held_warning_notifications(values: Sequence[float], warning: float, critical: float) -> int:
    """The warning's composite alarm over the same points (monitors/aws/levels.py): `ALARM(<warning alarm>)` with the
    critical alarm as its actions suppressor, wait and extension periods of 60 s (PutCompositeAlarm). Entering ALARM
    while the critical does too (or already is) holds its actions; the critical clearing while the warning still holds
    lets them run once, after the extension (a point later holds for five minutes, longer than 60 s); entering ALARM
    alone notifies at once."""
    told, before, held = 0, False, False
    for value in values:
        warn, crit = value > warning, value > critical
        if warn and not before:
            held = crit
            told += not crit
        elif warn and held and not crit:
            told, held = told + 1, False
        before = warn
    return told


def monitor_notifications(values: Sequence[float], critical: float, warning: float, critical_recovery: float, warning_recovery: float) -> dict[str, int]:
    """A Datadog `avg(last_5m) > critical` monitor over one point per five minutes: each run's window holds one
    point. Alert above critical, Warn above warning; Alert is left once the value is at or below the critical
    recovery threshold (to Warn while above the warning recovery), Warn at or below the warning recovery
    (docs.datadoghq.com/monitors/guide/recovery-thresholds/). A notification on entering Alert or Warn."""
    state, told = "OK", {"Alert": 0, "Warn": 0}
    for value in values:
        if value > critical:
            new = "Alert"
        elif state == "Alert":
            new = "Alert" if value > critical_recovery else ("Warn" if value > warning_recovery else "OK")
        elif value > warning:
            new = "Warn"
        elif state == "Warn":
            new = "Warn" if value > warning_recovery else "OK"
        else:
            new = "OK"
        if new != state and new in told:
            told[new] += 1
        state = new
    return told


def _vigil(*args: str) -> str:
    """`vigil <args>` in the fixture project: its standard output (exit code 0 asserted)."""
    out = io.StringIO()
    patch = pytest.MonkeyPatch()
    try:
        patch.chdir(PROJECT)
        with contextlib.redirect_stdout(out):
            assert main(list(args)) == 0
    finally:
        patch.undo()
    return out.getvalue()


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, dict[int, float]]]:
    found = json.loads(_vigil("backtest", "--stack", "prod", "--queries", "--format", "json", "--days", "1"))["queries"]
    end = window_end(found)
    series = {"cpu": shifted(nab(CPU), end), "requests": shifted(nab(REQUESTS), end)}

    def values(kind: str, what: str, stamps: Sequence[int]) -> list[Optional[float]]:
        source = series["requests"] if "RequestCount" in what or "requests" in what else series["cpu"]
        if what.endswith(" SampleCount"):  # one sample behind each five-minute point
            return [1.0 if t in source else None for t in stamps]
        return [source.get(t) for t in stamps]

    folder = tmp_path_factory.mktemp("recorded")
    write_responses(found, folder, values)
    return folder, series


@pytest.fixture(scope="module")
def report(recorded: tuple[Path, dict[str, dict[int, float]]]) -> dict[str, Any]:
    folder, _ = recorded
    found: dict[str, Any] = json.loads(_vigil("backtest", "--stack", "prod", "--from", str(folder), "--format", "json", "--days", "1"))
    return found


def test_the_window_is_the_recorded_days(report: dict[str, Any], recorded: tuple[Path, dict[str, dict[int, float]]]) -> None:
    _, series = recorded
    assert report["to"] - report["from"] == 86400
    assert min(series["cpu"]) == report["from"]  # NAB's 288 points of the day fill it, from its first minute


def test_cloudwatch_alarm_on_real_rds_cpu_counts_what_the_rule_gives(report: dict[str, Any], recorded: tuple[Path, dict[str, dict[int, float]]]) -> None:
    _, series = recorded
    values = [v for _, v in sorted(series["cpu"].items())]
    found = rows(report, "custom.db_cpu", "aws")
    assert found["critical"]["notifications"] == alarm_notifications(values, 7.0) > 0
    assert found["warning"]["notifications"] == held_warning_notifications(values, 6.8, 7.0) > 0
    assert held_warning_notifications(values, 6.8, 7.0) < alarm_notifications(values, 6.8)  # the day has both kinds of breach
    assert found["critical"]["resolution_s"] == 300 and found["critical"]["approximate"] is False  # 5-minute data, 5-minute alarm
    assert found["critical"]["reminders"] == 0  # CloudWatch does not repeat its actions


def test_cloudwatch_alarm_over_a_real_gap_counts_what_the_rule_gives(report: dict[str, Any], recorded: tuple[Path, dict[str, dict[int, float]]]) -> None:
    _, series = recorded
    values = [v for _, v in sorted(series["requests"].items())]  # the 11:34 point is missing: the newest real point rules
    found = rows(report, "custom.lb_requests", "aws")
    assert found["critical"]["notifications"] == alarm_notifications(values, 200.0) > 0
    assert found["critical"]["longest_gap_minutes"] >= 5  # the missing point is said


def test_datadog_monitor_on_real_rds_cpu_counts_what_the_rule_gives(report: dict[str, Any], recorded: tuple[Path, dict[str, dict[int, float]]]) -> None:
    _, series = recorded
    values = [v for _, v in sorted(series["cpu"].items())]
    expected = monitor_notifications(values, critical=7.0, warning=6.8, critical_recovery=6.3, warning_recovery=6.12)
    found = rows(report, "custom.db_cpu", "datadog")
    assert found["critical"]["notifications"] == expected["Alert"] > 0
    assert found["warning"]["notifications"] == expected["Warn"] > 0


def test_a_one_minute_alarm_over_five_minute_data_is_approximate(report: dict[str, Any]) -> None:
    found = rows(report, "custom.db_cpu_fast", "aws")["critical"]
    assert found["resolution_s"] == 300 and found["approximate"] is True


def test_the_report_keeps_the_contract_fields(report: dict[str, Any]) -> None:
    assert {"alerts", "from", "to"} <= set(report)
    for row in report["alerts"]:
        assert {"service", "alert", "backend", "level", "notifications", "reminders", "minutes_in_alert", "longest_minutes",
                "changes_per_day", "resolution_s", "approximate"} <= set(row)
        assert row["level"] in ("critical", "warning") and isinstance(row["notifications"], int) and isinstance(row["approximate"], bool)
    assert not [r for r in report["not_backtested"] if r["alert"].startswith("custom.")]
