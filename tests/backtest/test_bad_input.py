"""Bad input to `vigil backtest` is one clear error, exit 2, never a traceback: `--days` out of range, `--from` a file,
and recorded files in the wrong shape, each error naming the file. A vendor's own refusal in a recorded file is not
bad input: that alert is reported as not back-tested, with the vendor's words."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from monitors.aws.limits import INSIGHTS_WINDOW
from vigil.backtest.reads import alert_reads

from .helpers import PROJECT, vigil

RECORDED = PROJECT / "recorded"
AWS = "aws-stack-eu-west-1-p60-00.json"
DATADOG = "datadog-ledger.lb.requests-264547eb1b-00.json"
FAMILIES = PROJECT.parent / "families"


@pytest.mark.parametrize("days", ["0", "abc", "-3", "456"])
def test_days_out_of_range_is_a_usage_error(days: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        vigil(monkeypatch, capsys, "backtest", "--stack", "prod", "--days", days, "--from", "recorded")
    assert exited.value.code == 2
    assert f"--days: expected a number of days from 1 to 455 (CloudWatch keeps 455 days), got {days!r}" in capsys.readouterr().err


def test_from_a_file_says_it_is_not_a_folder(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = vigil(monkeypatch, capsys, "backtest", "--stack", "prod", "--days", "1", "--from", f"recorded/{AWS}")
    assert (code, out) == (2, "")
    assert err == f"error: recorded/{AWS}: a file, not a folder of recorded responses (`vigil backtest --record DIR` writes one)\n"


def _points(body: dict[str, Any]) -> list[Any]:
    points: list[Any] = body["series"][0]["pointlist"]
    return points


def _aws_result(body: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = body["MetricDataResults"][0]
    return result


BROKEN: dict[str, tuple[str, Callable[[dict[str, Any]], None], str]] = {
    "lengths differ": (AWS, lambda b: _aws_result(b)["Values"].pop(), "page 1: m0: Timestamps and Values must be lists of the same length"),
    "a stamp that is no time": (AWS, lambda b: _aws_result(b)["Timestamps"].__setitem__(3, "yesterday"), "a timestamp must be ISO 8601 or epoch seconds, got 'yesterday'"),
    "a huge stamp": (AWS, lambda b: _aws_result(b)["Timestamps"].__setitem__(3, 1e300), "page 1: m0: a timestamp out of range, got 1e+300 s"),
    "a value as text": (AWS, lambda b: _aws_result(b)["Values"].__setitem__(3, "1.0"), "a value must be a number or null, got '1.0'"),
    "a point that is one number": (DATADOG, lambda b: _points(b).__setitem__(3, 7), "series[0]: a point must be [epoch ms, value], got 7"),
    "a point of one element": (DATADOG, lambda b: _points(b).__setitem__(3, [1392388200000]), "series[0]: a point must be [epoch ms, value], got [1392388200000]"),
    "a point of three": (DATADOG, lambda b: _points(b).__setitem__(3, [1392388200000, 1.0, 2.0]), "a point must be [epoch ms, value], got [1392388200000, 1.0, 2.0]"),
    "a stamp that is null": (DATADOG, lambda b: _points(b).__setitem__(3, [None, 1.0]), "a timestamp must be ISO 8601 or epoch seconds, got None"),
    "a huge stamp in ms": (DATADOG, lambda b: _points(b).__setitem__(3, [1e30, 1.0]), "series[0]: a timestamp out of range"),
    "series not a list": (DATADOG, lambda b: b.__setitem__("series", {}), "series must be a list"),
}


def _recorded(tmp_path: Path, name: str, change: Callable[[dict[str, Any]], None]) -> Path:
    folder = tmp_path / "recorded"
    shutil.copytree(RECORDED, folder)
    body = json.loads((folder / name).read_text())
    change(body)
    (folder / name).write_text(json.dumps(body))
    return folder


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_recorded_file_of_the_wrong_shape_is_one_error_naming_it(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    name, change, said = BROKEN[case]
    folder = _recorded(tmp_path, name, change)
    code, out, err = vigil(monkeypatch, capsys, "backtest", "--stack", "prod", "--days", "1", "--from", str(folder))
    assert (code, out) == (2, "")
    assert err.startswith(f"error: {folder / name}: ") and said in err and err.count("\n") == 1, err


def test_a_recorded_datadog_error_is_that_alert_not_backtested(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _recorded(tmp_path, DATADOG, lambda b: (b.clear(), b.update(status="error", error="Rate limit of 100 requests exceeded")))
    code, out, err = vigil(monkeypatch, capsys, "backtest", "--stack", "prod", "--days", "1", "--from", str(folder), "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    (refused,) = [r for r in report["not_backtested"] if r["backend"] == "datadog"]
    assert refused["alert"] == "custom.lb_requests" and refused["reason"].endswith(": Rate limit of 100 requests exceeded")
    assert not [r for r in report["alerts"] if r["alert"] == "custom.lb_requests" and r["backend"] == "datadog"]  # never counted as quiet
    assert [r for r in report["alerts"] if r["alert"] == "custom.lb_requests" and r["backend"] == "aws"]  # the rest goes on


def test_an_alarm_on_a_metrics_insights_query_is_not_backtested() -> None:
    """DynamoDB's alerts sum every operation with a Metrics Insights query, which reads only the latest three hours
    (the limit's page, monitors/aws/limits.py INSIGHTS_WINDOW): no history to fetch, so said, never replayed on no data and counted as quiet."""
    from vigil.replay.stack import load_stack

    stack = load_stack(FAMILIES, "prod")
    reads = {(r.alert, r.backend): r for r in alert_reads(stack.service("payments-webhook"), {})}
    for alert in ("table_throttles", "table_system_errors"):
        refused = reads[(alert, "aws")].refused
        assert refused is not None and "Metrics Insights" in refused and "3 hours" in refused and INSIGHTS_WINDOW.url in refused
        assert reads[(alert, "datadog")].refused is None and reads[(alert, "datadog")].datadog  # Datadog's series are fetched
    assert reads[("function_error_rate", "aws")].refused is None


def test_a_path_with_a_terminal_escape_is_shown_escaped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "x\x1b[31m"
    folder.mkdir()
    code, _, err = vigil(monkeypatch, capsys, "backtest", "--stack", "prod", "--days", "1", "--from", str(folder))
    assert code == 2 and "\x1b" not in err and "x\\x1b[31m" in err and "missing" in err
