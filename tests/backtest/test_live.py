"""The live paths, against real parts: CloudWatch through boto3 against moto (PutMetricData of NAB's real series, then
the back-test's own GetMetricData), Datadog through datadog-api-client against a local server speaking the metrics
query API (tests/vendors/datadog_server.py) — a 429 honoured, a 403 said, nothing but reads sent — and what
`--record` writes read back by `--from`."""

from __future__ import annotations

import contextlib
import io
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from tests.backtest.helpers import PROJECT, nab, rows, shifted
from tests.backtest.test_real_series import CPU, REQUESTS, alarm_notifications, monitor_notifications
from tests.vendors.datadog_server import DatadogServer, Request
from vigil.cli import main


def _vigil(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def series() -> dict[str, dict[int, float]]:
    end = int(time.time()) // 60 * 60  # the live window ends now
    return {"cpu": shifted(nab(CPU), end), "requests": shifted(nab(REQUESTS), end)}


def _answer(series: dict[str, dict[int, float]]) -> Any:
    def handle(request: Request) -> tuple[int, Any]:
        query, start, end = request.query["query"], int(request.query["from"]), int(request.query["to"])
        if query.startswith("max:"):
            return 403, {"errors": ["Forbidden: this key may not read ledger.db.cpu with max"]}
        source = series["requests"] if "requests" in query else series["cpu"]
        points = [[t * 1000, v] for t, v in sorted(source.items()) if start <= t < end]
        scope = query.split("{", 1)[1].split("}", 1)[0]
        return 200, {"status": "ok", "res_type": "time_series", "query": query, "from_date": start * 1000, "to_date": end * 1000, "group_by": [],
                     "series": [{"metric": "x", "scope": scope, "tag_set": [], "pointlist": points, "interval": 300, "length": len(points)}]}

    return handle


@pytest.fixture
def vendors(monkeypatch: pytest.MonkeyPatch, series: dict[str, dict[int, float]]) -> Iterator[DatadogServer]:
    monkeypatch.chdir(PROJECT)
    for key in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("DD_API_KEY", "api-key")
    monkeypatch.setenv("DD_APP_KEY", "app-key")
    with mock_aws(), DatadogServer() as server:
        monkeypatch.setenv("DD_SITE", server.url)
        cloudwatch = boto3.client("cloudwatch", region_name="eu-west-1")
        for (namespace, name, dimension, value), source in (
            (("AWS/RDS", "CPUUtilization", "DBInstanceIdentifier", "ledger-db"), series["cpu"]),
            (("AWS/ELB", "RequestCount", "LoadBalancerName", "ledger"), series["requests"]),
        ):
            data = [{"MetricName": name, "Dimensions": [{"Name": dimension, "Value": value}], "Timestamp": datetime.fromtimestamp(t, UTC), "Value": v}
                    for t, v in sorted(source.items())]
            for i in range(0, len(data), 500):
                cloudwatch.put_metric_data(Namespace=namespace, MetricData=data[i:i + 500])
        server.route("GET", "/api/v1/query", _answer(series))
        yield server


def test_live_from_both_vendors_counts_what_the_rules_give(vendors: DatadogServer, series: dict[str, dict[int, float]], tmp_path: Path) -> None:
    vendors.replies.append((429, {"errors": ["Too many requests"]}))  # the first query waits X-RateLimit-Reset, then goes on
    code, out, err = _vigil("backtest", "--stack", "prod", "--days", "1", "--format", "json", "--record", str(tmp_path / "rec"))
    assert code == 0, err
    report = json.loads(out)
    cpu = [v for _, v in sorted(series["cpu"].items())]
    assert rows(report, "custom.db_cpu", "aws")["critical"]["notifications"] == alarm_notifications(cpu, 7.0) > 0
    assert rows(report, "custom.lb_requests", "aws")["critical"]["notifications"] == alarm_notifications([v for _, v in sorted(series["requests"].items())], 200.0)
    expected = monitor_notifications(cpu, critical=7.0, warning=6.8, critical_recovery=6.3, warning_recovery=6.12)
    assert rows(report, "custom.db_cpu", "datadog")["critical"]["notifications"] == expected["Alert"]
    # the vendor's 403 is that alert's, with the vendor's reason; the rest went on
    refused = {(r["alert"], r["backend"]): r["reason"] for r in report["not_backtested"]}
    assert "403" in refused[("custom.db_cpu_fast", "datadog")] and "Forbidden" in refused[("custom.db_cpu_fast", "datadog")]
    # read-only, authenticated, one query API only; the 429 was retried
    assert {(r.method, r.path) for r in vendors.requests} == {("GET", "/api/v1/query")}
    assert all(r.headers.get("DD-API-KEY") == "api-key" and r.headers.get("DD-APPLICATION-KEY") == "app-key" for r in vendors.requests)
    first = vendors.requests[0].query
    assert vendors.requests[1].query == first
    # what --record wrote is the vendors' own formats, and --from reads it back to the same report
    files = sorted(p.name for p in (tmp_path / "rec").iterdir())
    assert any(f.startswith("aws-stack-eu-west-1-p60-") for f in files) and any(f.startswith("datadog-ledger.db.cpu-") for f in files)
    page = json.loads(next((tmp_path / "rec").glob("aws-*.json")).read_text())
    assert {"Id", "Timestamps", "Values", "StatusCode"} <= set(page["MetricDataResults"][0])
    code, again, err = _vigil("backtest", "--stack", "prod", "--days", "1", "--format", "json", "--from", str(tmp_path / "rec"))
    assert code == 0, err
    replayed = json.loads(again)

    def counted(found: dict[str, Any]) -> list[tuple[str, str, str, int, Any]]:
        return [(r["alert"], r["backend"], r["level"], r["notifications"], r["resolution_s"]) for r in found["alerts"]]

    assert counted(replayed) == counted(report)  # (the live window ends at the minute it ran, the recorded one at its data's end)


def test_an_unreachable_datadog_is_said_on_its_alerts_and_the_rest_goes_on(vendors: DatadogServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing listens on 127.0.0.1:1: the transport's error (urllib3's, under datadog-api-client) is each Datadog
    alert's reason for not being back-tested, never a traceback; CloudWatch's are counted as ever."""
    monkeypatch.setenv("DD_SITE", "http://127.0.0.1:1")
    code, out, err = _vigil("backtest", "--stack", "prod", "--days", "1", "--format", "json")
    assert code == 0 and "Traceback" not in err, err
    report = json.loads(out)
    skipped = [r for r in report["not_backtested"] if r["backend"] == "datadog"]
    assert skipped and all("Datadog could not be reached at http://127.0.0.1:1" in r["reason"] for r in skipped)
    assert any(r["backend"] == "aws" for r in report["alerts"]) and not any(r["backend"] == "datadog" for r in report["alerts"])


def test_without_credentials_one_error_names_what_to_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PROJECT)
    for key in ("DD_API_KEY", "DD_APP_KEY"):
        monkeypatch.delenv(key, raising=False)
    code, out, err = _vigil("backtest", "--stack", "prod", "--days", "1")
    assert code == 2 and out == ""
    assert err.count("error:") == 1 and "DD_API_KEY" in err and "DD_APP_KEY" in err and "--from" in err


def test_a_missing_or_malformed_recorded_file_is_one_error_naming_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(PROJECT)
    code, _, err = _vigil("backtest", "--stack", "prod", "--days", "1", "--from", str(tmp_path))
    assert code == 2 and err.count("error:") == 1 and str(tmp_path) in err and "missing" in err
    code, out, _ = _vigil("backtest", "--stack", "prod", "--days", "1", "--queries", "--format", "json")
    first = json.loads(out)["queries"][0]["id"]
    (tmp_path / f"{first}.json").write_text("{not json")
    code, _, err = _vigil("backtest", "--stack", "prod", "--days", "1", "--from", str(tmp_path))
    assert code == 2 and f"{first}.json" in err and "not JSON" in err and "Traceback" not in err


def test_two_sides_of_a_diff_share_what_they_fetch(vendors: DatadogServer, series: dict[str, dict[int, float]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`vigil diff --backtest`'s job on the base and on a head that pages above 7.5 instead of 7: the head's side reads
    the same history through the cache the base's filled, asking neither vendor again; each counts by its own plan."""
    import re
    import shutil

    from vigil.backtest import live
    from vigil.diff.jobs import backtest as side

    head = tmp_path / "head"
    head.mkdir()
    for name in ("Pulumi.yaml", "Pulumi.prod.yaml"):
        shutil.copy2(PROJECT / name, head / name)
    shutil.copytree(PROJECT / "catalog", head / "catalog")
    spec = head / "catalog" / "ledger.yaml"
    text, moved = re.subn(r"^(  db_cpu:\n(?:    .*\n)*?    critical: )7$", r"\g<1>7.5", spec.read_text(), count=1, flags=re.M)
    assert moved == 1, "the fixture's db_cpu page threshold moved: update this test"
    spec.write_text(text)
    asked: list[str] = []
    fetch = live.CloudWatch.aws

    def counted(self: live.CloudWatch, request: Any) -> list[Any]:
        asked.append(request.id)
        return fetch(self, request)

    monkeypatch.setattr(live.CloudWatch, "aws", counted)
    now = max(series["cpu"]) + 300
    answers = []
    for folder in (PROJECT, head):
        before = (len(vendors.requests), len(asked))
        answer = side(str(folder), "prod", None, ["ledger"], 1, None, now, str(tmp_path / "cache"))
        assert answer["code"] == 0, answer["stderr"]
        answers.append((json.loads(answer["stdout"]), len(vendors.requests) - before[0], len(asked) - before[1]))
    (base, base_datadog, base_aws), (changed, head_datadog, head_aws) = answers
    assert base_datadog > 0 and base_aws > 0  # the base's side asked the vendors
    assert (head_datadog, head_aws) == (0, 0)  # the same queries: nothing asked again
    cpu = [v for _, v in sorted(series["cpu"].items())]
    assert rows(base, "custom.db_cpu", "aws")["critical"]["notifications"] == alarm_notifications(cpu, 7.0)
    assert rows(changed, "custom.db_cpu", "aws")["critical"]["notifications"] == alarm_notifications(cpu, 7.5) < alarm_notifications(cpu, 7.0)
    assert "ledger-db-cpu-critical" in base["resources"]["ledger|custom.db_cpu|aws"]  # what each alert evaluates, for the diff
