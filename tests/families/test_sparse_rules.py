"""Alerts counted from metrics published only while something happens: the spec cannot make them keep or alert on
silence (a second burst would notify nobody), and the error points at the spec line; Datadog's limits the rules added."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from monitors.common.declarations import Declaration
from monitors.datadog import rules
from monitors.datadog import sdk as datadog
from spec import SpecErrors
from vigil.project import check_catalog

from .conftest import FAMILIES


def _project(tmp_path: Path, file: str, old: str, new: str) -> Path:
    project = tmp_path / "families"
    shutil.copytree(FAMILIES, project)
    path = project / "catalog" / file
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))
    return project


@pytest.mark.parametrize(
    ("file", "old", "new", "said"),
    [
        ("orders-worker.yaml", "dead_letters: {critical: 0,", "dead_letters: {no_data: keep, critical: 0,",
         "no_data: keep would hold it after a first burst, and a second would notify nobody"),
        ("payments-webhook.yaml", "table_throttles: {critical: 20/m,", "table_throttles: {no_data: alert, critical: 20/m,",
         "no_data: alert would fire whenever nothing fails"),
    ],
)  # fmt: skip
def test_a_sparse_alert_cannot_keep_or_alert_on_silence(tmp_path: Path, file: str, old: str, new: str, said: str) -> None:
    project = _project(tmp_path, file, old, new)
    line = next(n for n, text in enumerate((project / "catalog" / file).read_text().splitlines(), 1) if new in text)  # the alert's own line
    with pytest.raises(SpecErrors) as caught:
        check_catalog(project)
    errors = [str(e) for e in caught.value.errors]
    assert any(f"{file}:{line}:" in e and said in e for e in errors), errors


def test_no_data_ok_on_a_sparse_alert_is_what_it_does_anyway(tmp_path: Path) -> None:
    check_catalog(_project(tmp_path, "orders-worker.yaml", "dead_letters: {critical: 0,", "dead_letters: {no_data: ok, critical: 0,"))


def _monitor(**changes: Any) -> datadog.MonitorArgs:
    base: dict[str, Any] = {"name": "m", "type": "query alert", "query": "avg(last_5m):avg:x.y{env:prod} > 1", "message": "@a",
                            "monitor_thresholds": datadog.MonitorMonitorThresholdsArgs(critical="1")}  # fmt: skip
    return datadog.MonitorArgs(**{**base, **changes})


def test_timeout_and_evaluation_delay_stay_within_datadogs_ranges() -> None:
    """timeout_h: "The minimum allowed value is 0 hours. The maximum allowed value is 24 hours." (Monitors API)"""
    assert not rules.monitor_problems(_monitor(timeout_h=24, evaluation_delay=86_400))
    problems = rules.monitor_problems(_monitor(timeout_h=25, evaluation_delay=86_401))["query"]
    assert any("timeout_h 25 is outside Datadog's 0 to 24 hours" in p for p in problems)
    assert any("evaluation_delay 86401 s is outside Datadog's 0 to 86400" in p for p in problems)


def test_a_composite_over_a_composite_is_refused() -> None:
    """"Composite monitors cannot be based on other composite monitors." (monitors/types/composite)"""
    from monitors.common.context import Deployment
    from spec import load_catalog
    from tests.reference import REFERENCE_CATALOG

    service = load_catalog(REFERENCE_CATALOG, ["prod"]).for_environment("prod")[0]
    path = ("slos", service.slos[0].name, "burn_rate")
    composite = datadog.MonitorArgs(name="c", type="composite", query="a || b", message="@a")
    declared = [
        Declaration("monitor", "inner", composite, "datadog", path),
        Declaration("monitor", "outer", composite, "datadog", path, depends_on=("inner", "plain")),
    ]
    deployment = Deployment(project="monitoring", stack="prod", environment="prod", production=True)
    found = [v.message for v in rules.check(service, deployment, declared) if "cannot be based on other composites" in v.message]
    assert found == ["composite monitor outer combines the composite(s) inner: Datadog's composites cannot be based on other composites "
                     "(https://docs.datadoghq.com/monitors/types/composite/)"]  # fmt: skip


def test_the_standard_replay_of_every_family_alert_fires_and_stays_quiet(families: dict[str, Any]) -> None:
    """The standard replay of the families fixture: dead letters arriving, the oldest dead letter's age, the table's
    throttles through Metrics Insights — each breached and healthy on both backends, every other family alert too."""
    from vigil.replay.stack import load_stack
    from vigil.replay.standard import standard

    stack = load_stack(FAMILIES, "prod", plan=families["prod"].plan)
    reports = [standard(stack.service(name)) for name in sorted(stack.services)]
    failing = [f"{r.service}: {c.line()}" for r in reports for c in r.checks if not c.ok]
    assert not failing, failing
    checked = {line.split(" on ")[0].strip() for r in reports for line in (c.line() for c in r.checks)}
    assert any("dead_letter_age" in line for line in checked) and any("table_throttles" in line for line in checked)
