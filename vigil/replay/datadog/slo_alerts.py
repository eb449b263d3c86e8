"""`slo alert` monitors: burn-rate and error-budget alerts on an SLO (service_level_objectives/burn_rate,
error_budget; monitors/types/slo).

    burn_rate("<slo>").over("30d").long_window("1h").short_window("5m") > 14.4
    error_budget("<slo>").over("30d") > 75

Burn rate over a window = error rate / (1 − target). The burn-rate alert is in Alert when the burn rate over the
long window *and* over the short window exceed the threshold (the query's comparator; the doc's formula writes
≥ — docs/replay.md notes the difference), in Warn likewise for a warning threshold, else OK. The error-budget
alert compares the share of the budget consumed over the SLO's timeframe (of the replay's data), in percent.
A window without events gives no value: the state holds. Evaluated every minute (the cadence of SLO alerts is not
documented: an assumption). The SLO is the plan's `${<slo>.id}` placeholder.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Optional

from ...engine import PlannedResource
from ..clock import Clock
from ..errors import ReplayError
from ..plans import check_inputs, referenced
from ..timeline import DD_OK, Timeline
from .monitors import DESCRIPTIVE
from .notify import Notifier, notifier
from .queries import COMPARATORS, UNITS
from .slos import TIMEFRAMES, Slo, SloSeries
from .thresholds import BREACH, Thresholds, monitor_thresholds

_NUMBER = r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?"
_TAIL = r"\s*(?P<cmp>>=|<=|==|!=|>|<)\s*(?P<threshold>" + _NUMBER + r")\s*$"
_BURN = re.compile(r'^\s*burn_rate\("(?P<slo>[^"]+)"\)\.over\("(?P<over>[^"]+)"\)\.long_window\("(?P<long>[^"]+)"\)\.short_window\("(?P<short>[^"]+)"\)' + _TAIL)
_BUDGET = re.compile(r'^\s*error_budget\("(?P<slo>[^"]+)"\)\.over\("(?P<over>[^"]+)"\)' + _TAIL)
_DURATION = re.compile(r"^(\d+)([mhd])$")
_OPTIONS = (*DESCRIPTIVE, "query", "monitorThresholds", "notifyNoData", "renotifyInterval", "renotifyStatuses")


def _duration(resource: PlannedResource, text: str) -> int:
    match = _DURATION.match(text)
    if not match:
        raise ReplayError(f"window {text!r} is not <n>m, <n>h or <n>d", resource.name)
    return int(match.group(1)) * UNITS[match.group(2)]


@dataclass(frozen=True)
class SloAlert:
    resource: PlannedResource
    slo: str  # the SLO's resource name
    kind: str  # burn_rate or error_budget
    long: int  # seconds (error_budget: the SLO's timeframe)
    short: Optional[int]
    thresholds: Thresholds
    notifier: Notifier


def compile_slo_alert(resource: PlannedResource, slos: Mapping[str, Slo]) -> SloAlert:
    inputs = resource.inputs
    check_inputs(resource, _OPTIONS)
    if inputs.get("notifyNoData"):
        raise ReplayError("notifyNoData on an slo alert is not supported by the replay", resource.name)
    text = str(inputs.get("query") or "")
    match = _BURN.match(text) or _BUDGET.match(text)
    if not match:
        raise ReplayError(f"not an SLO alert query the replay knows: {text!r}", resource.name)
    reference = match.group("slo")
    slo_name = referenced(reference)
    if slo_name is None or slo_name not in slos:
        raise ReplayError(f"{reference!r} names no SLO of the plan", resource.name)
    slo = slos[slo_name]
    over = match.group("over")
    if over != slo.timeframe:
        raise ReplayError(f".over({over!r}) differs from the SLO's timeframe {slo.timeframe!r}", resource.name)
    comparator = match.group("cmp")
    if comparator not in COMPARATORS:
        raise ReplayError(f"comparator {comparator!r} is not supported", resource.name)
    thresholds = monitor_thresholds(resource, comparator, float(match.group("threshold")))
    if any(level.recovery is not None for level in thresholds.levels):
        raise ReplayError("recovery thresholds on an slo alert are not supported by the replay", resource.name)
    burn = match.re is _BURN
    long = _duration(resource, match.group("long")) if burn else TIMEFRAMES[slo.timeframe]
    short = _duration(resource, match.group("short")) if burn else None
    if short is not None and not short < long:
        raise ReplayError(f"the short window ({short} s) must be shorter than the long window ({long} s)", resource.name)
    return SloAlert(resource, slo_name, "burn_rate" if burn else "error_budget", long, short, thresholds, notifier(resource, inputs.get("message"), inputs))


def run_slo_alert(alert: SloAlert, series: SloSeries, clock: Clock) -> Timeline:
    timeline = Timeline(alert.resource.name, alert.resource.type, "datadog", DD_OK)
    budget = series.slo.budget
    state = DD_OK
    ticks = clock.ticks()
    longs = series.error_rates(ticks, alert.long)
    shorts = series.error_rates(ticks, alert.short) if alert.short is not None else longs
    for t, long, short in zip(ticks, longs, shorts, strict=True):
        if alert.short is None:
            new = state if long is None else alert.thresholds.next(state, 100 * long / budget)
        else:
            new = state if long is None or short is None else _burn_state(alert.thresholds, long / budget, short / budget)
        if new != state:
            alert.notifier.change(timeline, t, state, new)
            state = new
        else:
            alert.notifier.tick(timeline, t, state)
    return timeline


def _burn_state(thresholds: Thresholds, long: float, short: float) -> str:
    breach = BREACH[thresholds.comparator]
    for level in thresholds.levels:
        if breach(long, level.threshold) and breach(short, level.threshold):
            return level.state
    return DD_OK

