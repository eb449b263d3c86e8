"""`vigil diff --backtest`: a threshold change back-tested on both sides over the same recorded history, the counts
checked against rules written out by hand (tests/backtest/test_real_series.py); without credentials the diff is
printed as ever, with a line saying the back-test was skipped, and its own exit code."""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.backtest.helpers import PROJECT, nab
from tests.backtest.test_real_series import CPU, alarm_notifications, monitor_notifications
from vigil.cli import main
from vigil.diff.revisions import one_subprocess

ROOT = Path(__file__).resolve().parents[2]
RECORDED = PROJECT / "recorded"  # NAB's day, recorded for `--days 1` (tests/fixtures/backtest/record.py)
GIT = ["git", "-c", "user.email=tests@example.com", "-c", "user.name=tests", "-c", "commit.gpgsign=false"]


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """This project's code with the back-test fixture's catalog and stack; branch `higher` moves the database's CPU page
    threshold from 7 to 7.5 (the same day of real CPU read on both sides). The diffs share one planning subprocess."""
    found = tmp_path_factory.mktemp("backtest-diff")
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=ROOT, check=True, capture_output=True)
    for name in filter(None, listed.stdout.decode().split("\0")):
        if (ROOT / name).is_file() and not name.startswith("catalog/") and not (name.startswith("Pulumi.") and "/" not in name):
            (found / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, found / name)
    shutil.copy2(ROOT / "Pulumi.yaml", found / "Pulumi.yaml")
    shutil.copy2(PROJECT / "Pulumi.prod.yaml", found / "Pulumi.prod.yaml")
    shutil.copytree(PROJECT / "catalog", found / "catalog")
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "base"], ["checkout", "-q", "-b", "higher"]):
        subprocess.run([*GIT, *args], cwd=found, check=True, capture_output=True)
    spec = found / "catalog" / "ledger.yaml"
    text, count = re.subn(r"^(  db_cpu:\n(?:    .*\n)*?    critical: )7$", r"\g<1>7.5", spec.read_text(), count=1, flags=re.M)
    assert count == 1, "the fixture's db_cpu page threshold moved: update this test"
    spec.write_text(text)
    subprocess.run([*GIT, "commit", "-qam", "db_cpu pages above 7.5"], cwd=found, check=True, capture_output=True)
    with one_subprocess(found):
        yield found


def _diff(repo: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str, str]:
    monkeypatch.chdir(repo)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["diff", "--stack", "prod", "--base", "main", "--head", "higher", "--backtest", *args])
    return code, out.getvalue(), err.getvalue()


def _row(document: dict[str, Any], alert: str, backend: str, route: str) -> dict[str, Any]:
    (found,) = [a for a in document["backtest"]["alerts"] if (a["alert"], a["backend"], a["route"]) == (alert, backend, route)]
    return found


def test_a_threshold_change_shows_base_and_head_notifications(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = _diff(repo, monkeypatch, "--from", str(RECORDED), "--days", "1", "--format", "json")
    assert code == 2, err  # the diff's own exit code: changes
    document = json.loads(out)
    cpu = [v for _, v in nab(CPU)]  # the recorded day, at NAB's own times
    before, after = alarm_notifications(cpu, 7.0), alarm_notifications(cpu, 7.5)
    assert before > after > 0
    page = _row(document, "custom.db_cpu", "aws", "page")
    assert (page["base"]["notifications"], page["head"]["notifications"]) == (before, after)
    # the Datadog monitor, with each side's recovery threshold (90 % of the critical, as the plan says)
    old = monitor_notifications(cpu, critical=7.0, warning=6.8, critical_recovery=6.3, warning_recovery=6.12)["Alert"]
    new = monitor_notifications(cpu, critical=7.5, warning=6.8, critical_recovery=6.75, warning_recovery=6.12)["Alert"]
    monitor = _row(document, "custom.db_cpu", "datadog", "page")
    assert (monitor["base"]["notifications"], monitor["head"]["notifications"]) == (old, new) and old != new
    # only what the change touches: db_cpu, and the composite over every page alarm; not the alerts beside it
    touched = {a["alert"] for a in document["backtest"]["alerts"]}
    assert touched == {"custom.db_cpu", "service_unhealthy"}, touched
    assert document["backtest"]["to"] - document["backtest"]["from"] == 86400 and document["backtest"]["skipped"] is None

    code, text, err = _diff(repo, monkeypatch, "--from", str(RECORDED), "--days", "1")
    assert code == 2, err
    assert f"ledger · custom.db_cpu · page: {before} → {after} notifications over the last day (aws; " in text
    assert text.index("Monitoring changes") < text.index("Back-test of the alerts this change touches")


def test_without_credentials_the_diff_says_the_backtest_was_skipped(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("DD_API_KEY", "DD_APP_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(repo / "no-such-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(repo / "no-such-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    code, out, err = _diff(repo, monkeypatch)
    assert code == 2, err  # changes, as without --backtest: a skipped back-test fails nothing
    assert "ledger · db cpu · page at 7% → 7.5%" in out  # the diff itself, as ever
    (skipped,) = [line for line in out.splitlines() if line.startswith("== Back-test")]
    assert skipped.startswith("== Back-test skipped: no credentials") and "DD_API_KEY" in skipped and "--from" in skipped
    monkeypatch.chdir(repo)
    assert main(["diff", "--stack", "prod", "--base", "main", "--head", "main", "--backtest"]) == 0  # no changes: 0


def test_days_and_from_go_with_backtest(repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(repo)
    assert main(["diff", "--stack", "prod", "--base", "main", "--days", "3"]) == 1
    assert "--backtest" in capsys.readouterr().err


def test_a_side_that_cannot_backtest_is_said_on_each_of_its_alerts() -> None:
    """A base whose code predates `vigil diff --backtest` (the job is missing: 127), a head that back-tested: the
    head's counts shown, the base's as unknown with the reason; an alert the change does not touch is left out."""
    from vigil.diff.backtest import StackBacktest, _compare
    from vigil.diff.backtest_report import backtest_text

    row = {"service": "api", "alert": "error_rate", "backend": "aws", "level": "critical", "route": "page", "notifications": 3,
           "minutes_in_alert": 35, "approximate": False, "missing_series": []}
    head = {"from": 0, "to": 86400, "alerts": [row, {**row, "alert": "cpu"}], "not_backtested": [], "notes": [],
            "resources": {"api|error_rate|aws": ["api-error-rate-critical"], "api|cpu|aws": ["api-cpu-critical"]}}
    found = StackBacktest("prod", 1)
    _compare(found, {"api-error-rate-critical"}, {"code": 127, "stdout": "", "stderr": "this revision has no vigil.diff.jobs:backtest"},
             {"code": 0, "stdout": json.dumps(head), "stderr": ""}, ("v1.0", "working tree"))
    (alert,) = found.alerts
    assert (alert.alert, alert.base.row, alert.head.row) == ("error_rate", None, row)
    text = backtest_text(found, ("v1.0", "working tree"))
    assert "api · error_rate · page: ? → 3 notifications over the last day (aws; ? → 35 min in alert; base not back-tested: the code of v1.0 predates" in text
    assert "cpu" not in text.replace("vigil diff --backtest", "")
