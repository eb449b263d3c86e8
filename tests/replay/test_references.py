"""Issue 12: the generated alerts against the references (the SRE Workbook's "Alerting on SLOs", Datadog's burn-rate
and recommended monitors, AWS's recommended alarms). Each item has a scenario under tests/replay/scenarios/ that the
alerts must pass, replayed through the plans of a fixture catalog as `vigil replay FILE --catalog DIR` replays it."""

from __future__ import annotations

from pathlib import Path

import pytest

from vigil.cli import main
from vigil.replay.scenario import load_scenario
from vigil.replay.stack import StackReplay, load_stack

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = Path(__file__).resolve().parent / "scenarios"
FIXTURES = ROOT / "tests" / "fixtures"

# (scenario, fixture catalog, the item)
CASES = [
    ("lb-outage.yaml", "replay", 1),
    ("latency-slo.yaml", "replay", 2),
    ("slow-burn.yaml", "replay", 3),
    ("week-tiers.yaml", "alerts", 4),
    ("quarter-tiers.yaml", "alerts", 4),
    ("one-page.yaml", "replay", 5),
    ("one-ticket.yaml", "replay", 5),
    ("slower-tier-first.yaml", "replay", 5),
    ("time-slices.yaml", "replay", 6),
    ("low-traffic.yaml", "replay", 7),
    ("low-traffic-slo.yaml", "replay", 7),
    ("busiest-task.yaml", "replay", 8),
    ("replication-group.yaml", "caches", 9),
    ("sliding-windows.yaml", "replay", 10),
]
# Scenarios committed before their fix: they fail until it lands (strict, so the mark goes with the fix).
PENDING_CASES: list[tuple[str, str, int, str]] = []
PENDING = {name: f"item {item}: {reason}" for name, _, item, reason in PENDING_CASES}
CASES += [(name, catalog, item) for name, catalog, item, _ in PENDING_CASES]


def _param(scenario: str, catalog: str, item: int) -> object:
    marks = [pytest.mark.xfail(strict=True, reason=PENDING[scenario])] if scenario in PENDING else []
    return pytest.param(scenario, catalog, item, marks=marks, id=f"item{item}-{scenario}")


@pytest.fixture(scope="module")
def stacks(stack_plan) -> dict[str, StackReplay]:  # type: ignore[no-untyped-def]
    catalogs = {catalog for _, catalog, _ in CASES}
    return {c: load_stack(ROOT, "prod", FIXTURES / c, plan=stack_plan("prod", catalog=FIXTURES / c).plan) for c in catalogs}


@pytest.mark.parametrize(("scenario", "catalog", "item"), [_param(*case) for case in CASES])
def test_the_scenario_holds(stacks: dict[str, StackReplay], scenario: str, catalog: str, item: int) -> None:
    result = stacks[catalog].replay(load_scenario(SCENARIOS / scenario, scenario))
    assert result.passed, result.report()


@pytest.mark.slow
def test_vigil_replay_runs_them(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    by_catalog: dict[str, list[str]] = {}
    for scenario, catalog, _ in CASES:
        if scenario in PENDING:
            continue
        by_catalog.setdefault(catalog, []).append(str(SCENARIOS / scenario))
    for catalog, files in sorted(by_catalog.items()):
        assert main(["replay", *files, "--catalog", str(FIXTURES / catalog)]) == 0, capsys.readouterr().out
