"""Issue 19 (an outside audit against AWS's and Datadog's documentation): each behaviour it asks for has a scenario under
tests/replay/scenarios/ that the alerts must pass on both backends, replayed through the plans of a fixture catalog as
`vigil replay FILE --catalog DIR` replays it."""

from __future__ import annotations

from pathlib import Path

import pytest

from spec import SpecErrors
from vigil.cli import main
from vigil.replay.scenario import load_scenario
from vigil.replay.stack import StackReplay, load_stack

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = Path(__file__).resolve().parent / "scenarios"
FIXTURES = ROOT / "tests" / "fixtures"
MIN = 60

# (scenario, fixture catalog, the item)
CASES = [
    ("one-level.yaml", "replay", 5),
    ("warning-outlives-critical.yaml", "replay", 5),
]


@pytest.fixture(scope="module")
def stacks(stack_plan) -> dict[str, StackReplay]:  # type: ignore[no-untyped-def]
    catalogs = {catalog for _, catalog, _ in CASES}
    return {c: load_stack(ROOT, "prod", FIXTURES / c, plan=stack_plan("prod", catalog=FIXTURES / c).plan) for c in catalogs}


@pytest.mark.parametrize(("scenario", "catalog", "item"), [pytest.param(*case, id=f"item{case[2]}-{case[0]}") for case in CASES])
def test_the_scenario_holds_on_both_backends(stacks: dict[str, StackReplay], scenario: str, catalog: str, item: int) -> None:
    result = stacks[catalog].replay(load_scenario(SCENARIOS / scenario, scenario))
    assert result.passed, result.report()
    assert {o.backend for o in result.outcomes} == {"datadog", "aws"}


def test_a_breach_of_both_levels_is_one_page_and_the_held_warning_tickets_once_the_critical_clears(stacks: dict[str, StackReplay]) -> None:
    """Item 5 on CloudWatch: the warning's notifier enters ALARM with the critical (both breach at 63m) and is held;
    when the critical clears while 0.7 % still breaches the warning, the composite acts once its 60-second extension
    ends. Datadog's monitor goes from Alert to Warn, which notifies the warning's handles."""
    once = stacks["replay"].replay(load_scenario(SCENARIOS / "one-level.yaml"))
    notify = once.timelines["api-error-rate-warning-notify"]
    assert notify.entered("ALARM") == [63 * MIN] and [n.level for n in notify.notifications] == ["ok"]  # its first OK only
    later = stacks["replay"].replay(load_scenario(SCENARIOS / "warning-outlives-critical.yaml"))
    cleared = later.timelines["api-error-rate-critical"].entered("OK")[-1]
    told = [(n.at, n.level) for n in later.timelines["api-error-rate-warning-notify"].notifications if n.level != "ok"]
    assert told[0] == (cleared + MIN, "alert") and [level for _, level in told] == ["alert", "recovery"]
    datadog = [(n.at, n.level) for n in later.timelines["api-error-rate-enough-traffic"].notifications]
    assert [level for _, level in datadog] == ["alert", "warning", "recovery"]


def test_times_zero_is_never_at_that_level(stacks: dict[str, StackReplay], tmp_path: Path) -> None:
    text = (SCENARIOS / "one-level.yaml").read_text().replace("fires: critical, by: 64m, times: 1", "fires: critical, times: 0")
    path = tmp_path / "zero.yaml"
    path.write_text(text)
    result = stacks["replay"].replay(load_scenario(path, "zero.yaml"))
    assert next(o.line() for o in result.failures).startswith("FAIL zero.yaml: error_rate on datadog: expected critical, 0 times, got page at 61m")
    path.write_text(text.replace("fires: warning, times: 0", "fires: warning, by: 70m, times: 0"))
    with pytest.raises(SpecErrors, match="'by' does not go with 'times: 0'"):
        load_scenario(path, "zero.yaml")


def test_vigil_replay_runs_them(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    by_catalog: dict[str, list[str]] = {}
    for scenario, catalog, _ in CASES:
        by_catalog.setdefault(catalog, []).append(str(SCENARIOS / scenario))
    for catalog, files in sorted(by_catalog.items()):
        assert main(["replay", *files, "--catalog", str(FIXTURES / catalog)]) == 0, capsys.readouterr().out
