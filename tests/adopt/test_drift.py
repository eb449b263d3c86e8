"""`vigil drift`: a clean stack shows no drift; a threshold raised in the UI, a deleted alarm and a hand-made monitor
do, in the reviewer's words. The vendors are the local Datadog API and moto, holding what the plan deploys."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.reference import REFERENCE
from tests.vendors.datadog_server import DatadogServer
from vigil.cli import main

pytestmark = pytest.mark.slow  # end to end: `make test` runs it, `make check` leaves it out


def _drift(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *extra: str) -> tuple[int, str]:
    """Exit code and stdout (stderr after the last call: `_drift.err`)."""
    monkeypatch.chdir(REFERENCE)
    code = main(["drift", "--stack", "prod", *extra])
    captured = capsys.readouterr()
    _ERR[0] = captured.err
    return code, captured.out


_ERR = [""]


def test_a_clean_stack_shows_no_drift(vendors: DatadogServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    code, out = _drift(capsys, monkeypatch)
    assert code == 0, out
    assert out.startswith("no drift in stack prod:")


def test_changed_missing_and_extra_in_the_reviewers_words(vendors: DatadogServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import boto3

    latency = next(m for m in vendors.monitors.values() if m["name"] == "[prod] api: p95 latency")
    latency["options"]["thresholds"]["critical"] = 0.9  # raised in the UI at 3 a.m.
    vendors.create({"type": "query alert", "name": "api: hand-made disk alert", "query": "avg(last_5m):avg:system.disk.in_use{service:api} > 0.9",
                    "message": "disk", "tags": ["service:api", "env:prod"], "options": {"thresholds": {"critical": 0.9}}})
    cloudwatch = boto3.client("cloudwatch", region_name="eu-west-1")
    cloudwatch.delete_alarms(AlarmNames=["api-prod-cpu-warning"])
    code, out = _drift(capsys, monkeypatch)
    assert code == 2
    lines = out.splitlines()
    assert any(line.startswith("api · latency_p95 · critical 500ms → 900ms, changed outside vigil") for line in lines), out
    assert any(line.startswith("api · cpu · missing: CloudWatch alarm api-prod-cpu-warning is not in CloudWatch") for line in lines), out
    assert any("extra: Datadog monitor" in line and "hand-made disk alert" in line for line in lines), out
    assert len(lines) == 3, out


def test_json_names_each_field(vendors: DatadogServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:

    import boto3

    alarm = boto3.client("cloudwatch", region_name="eu-west-1").describe_alarms(AlarmNames=["api-prod-latency-p95-critical"])["MetricAlarms"][0]
    params = {k: alarm[k] for k in ("AlarmName", "AlarmDescription", "AlarmActions", "OKActions", "MetricName", "Namespace", "ExtendedStatistic",
                                    "Dimensions", "Period", "EvaluationPeriods", "DatapointsToAlarm", "ComparisonOperator", "TreatMissingData")}
    boto3.client("cloudwatch", region_name="eu-west-1").put_metric_alarm(**params, Threshold=0.7)
    code, out = _drift(capsys, monkeypatch, "--format", "json")
    assert code == 2
    items = json.loads(out)["items"]
    assert [(i["kind"], i["alert"], i["fields"]) for i in items] == [("changed", "latency_p95", [{"field": "Threshold", "planned": 0.5, "live": 0.7}])]
    assert items[0]["words"] == ["api · latency_p95 · critical 500ms → 700ms, changed outside vigil  (CloudWatch alarm api-prod-latency-p95-critical)"]


def test_files_instead_of_live_reads(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The vendors' own JSON, as `GET /api/v1/monitor` and `aws cloudwatch describe-alarms` print it: an empty estate
    leaves every planned monitor and alarm missing, and unreadable input is an error (exit 1) at its place."""
    empty_dd, empty_cw = tmp_path / "dd.json", tmp_path / "cw.json"
    empty_dd.write_text("[]")
    empty_cw.write_text('{"MetricAlarms": [], "CompositeAlarms": []}')
    code, out = _drift(capsys, monkeypatch, "--datadog-file", str(empty_dd), "--cloudwatch-file", str(empty_cw))
    assert code == 2
    assert "api · latency_p95 · missing: Datadog monitor “[prod] api: p95 latency” (api-latency-p95) is not in Datadog" in out
    empty_dd.write_text('[{"type": "query alert"}]')
    code, _ = _drift(capsys, monkeypatch, "--datadog-file", str(empty_dd), "--cloudwatch-file", str(empty_cw))
    assert code == 1
    assert f"error: {empty_dd}: [0].query: missing" in _ERR[0]


def test_the_vendors_names_are_escaped_in_each_format(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A name made in the UI reaches a terminal and the drift issue: its escapes and newlines are shown, its handles
    are code (no mention), its markup is text."""
    monitors, alarms = tmp_path / "dd.json", tmp_path / "cw.json"
    name = "hand-made\n- [x] \x1b[31m @pagerduty-ops *now*"
    monitors.write_text(json.dumps([{"id": 9, "type": "query alert", "query": "avg(last_5m):a{*} > 1", "name": name, "tags": ["service:api"]}]))
    alarms.write_text('{"MetricAlarms": []}')
    code, out = _drift(capsys, monkeypatch, "--datadog-file", str(monitors), "--cloudwatch-file", str(alarms))
    assert code == 2
    assert "api · extra: Datadog monitor 9 “hand-made\\n- [x] \\x1b[31m @pagerduty-ops *now*” is tagged service:api" in out
    assert "\x1b" not in out
    code, out = _drift(capsys, monkeypatch, "--datadog-file", str(monitors), "--cloudwatch-file", str(alarms), "--format", "markdown")
    assert code == 2
    extra = next(line for line in out.splitlines() if "extra:" in line)
    assert "`@pagerduty-ops`" in extra and "\\*now\\*" in extra and "\\[x\\]" in extra and "\\x1b" in extra


def test_a_long_query_is_shown_where_it_differs() -> None:
    from vigil.adopt.compare import FieldDrift
    from vigil.adopt.drift import _field_words

    query = "avg(last_5m):" + "+".join(f"avg:m{i}{{service:api}}" for i in range(8))
    words = _field_words(FieldDrift("query", f"{query} > 1", f"{query} > 2"), None)
    assert words.endswith("{service:api} > 1 → …ce:api}+avg:m7{service:api} > 2")
