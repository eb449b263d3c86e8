"""Properties: whatever valid thresholds and SLOs a spec gives, the builders produce what Datadog's rules accept."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitors.common.burn_rates import error_budget
from monitors.common.context import Deployment
from monitors.datadog.thresholds import threshold_monitors
from program.checks import check_datadog
from spec import Service

percent = st.integers(min_value=1, max_value=9999).map(lambda n: n / 100)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cpu=st.tuples(percent, percent).filter(lambda t: t[0] != t[1]).map(sorted),
    hit=st.tuples(percent, percent).filter(lambda t: t[0] != t[1]).map(sorted),
    p95=st.tuples(st.integers(1, 60_000), st.integers(1, 60_000)).filter(lambda t: t[0] != t[1]).map(sorted),
    objective=st.sampled_from(["99%", "99.5%", "99.9%", "99.95%", "99.99%"]),
    window=st.sampled_from(["7d", "30d", "90d"]),
)
def test_builders_always_satisfy_the_rules(
    edit: Callable[[Callable[[dict[str, Any]], None]], Service],
    prod: Deployment,
    cpu: list[float],
    hit: list[float],
    p95: list[int],
    objective: str,
    window: str,
) -> None:
    def change(d: dict[str, Any]) -> None:
        d["alerts"]["cpu"] = {"warning": f"{cpu[0]}%", "critical": f"{cpu[1]}%"}
        d["alerts"]["cache_hit_rate"] = {"critical": f"{hit[0]}%", "warning": f"{hit[1]}%"}
        d["alerts"]["latency_p95"] = {"warning": f"{p95[0]}ms", "critical": f"{p95[1]}ms"}
        for slo in d["slos"]:
            slo.update(objective=objective, window=window)
            slo.pop("warning", None)
            slo.pop("burn_rate", None)  # the default tiers of the new window

    service = edit(change)
    violations = check_datadog(service, prod)
    sliced = [v for v in violations if "time-slice SLO" in v.message]
    assert [v for v in violations if v not in sliced] == []
    # Datadog's latency SLO counts 5-minute slices: a tier that lets less than one slice of budget be spent within its
    # long window is refused at its line (any slow slice would fire it), and only such a tier (issue 12 item 6)
    latency = next(s for s in service.slos if s.name == "latency")
    allowed = {str(t.long): t.budget.fraction * error_budget(latency) * latency.window.ms for t in latency.burn_rate if t.long.ms <= 48 * 3_600_000}
    assert {v.path for v in sliced} == {("slos", "latency", "burn_rate", long) for long, ms in allowed.items() if ms < 300_000}
    monitors = threshold_monitors(service, prod)
    for args in monitors.values():
        assert args.query.rsplit(" ", 1)[1] == args.monitor_thresholds.critical
    assert monitors["latency_p95"].monitor_thresholds.critical == f"{p95[1] / 1000:.3f}".rstrip("0").rstrip(".")
