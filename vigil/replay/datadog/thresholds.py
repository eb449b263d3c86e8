"""A Datadog monitor's thresholds and the state they give a value (monitors/configuration, guide/recovery-thresholds).

`critical` makes Alert, `warning` Warn. A recovery threshold adds a condition to leaving a state: for `> T` the
value must fall to `<= R`, for `>= T` below R, for `< T` to `>= R`, for `<= T` above R. Without one, a state is left
as soon as its condition fails. Derived (docs/replay.md): a monitor leaving Alert falls to Warn when the value still
meets the warning condition, or has not yet passed the warning recovery threshold.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Optional

from ...engine import PlannedResource
from ..errors import ReplayError
from ..plans import check_inputs, number
from ..timeline import DD_ALERT, DD_OK, DD_WARN

BREACH: dict[str, Callable[[float, float], bool]] = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}
RECOVERED: dict[str, Callable[[float, float], bool]] = {">": operator.le, ">=": operator.lt, "<": operator.ge, "<=": operator.gt}
_RANK = {DD_ALERT: 0, DD_WARN: 1}  # a state's level, most severe first


@dataclass(frozen=True)
class Level:
    state: str
    threshold: float
    recovery: Optional[float]


@dataclass(frozen=True)
class Thresholds:
    comparator: str
    levels: tuple[Level, ...]  # most severe first

    def breaches(self, value: float, threshold: float) -> bool:
        return BREACH[self.comparator](value, threshold)

    def _still(self, level: Level, value: float) -> bool:
        """Still in the level: its condition holds, or its recovery threshold has not been passed."""
        if level.recovery is None:
            return self.breaches(value, level.threshold)
        return not RECOVERED[self.comparator](value, level.recovery)

    def next(self, current: str, value: float) -> str:
        """The state after evaluating `value` in state `current`: the most severe level whose condition holds, or at
        or below the current level one whose recovery threshold has not been passed (`_still`, inlined: a monitor
        asks this every minute)."""
        rank = _RANK.get(current, len(self.levels))
        breach, recovered = BREACH[self.comparator], RECOVERED[self.comparator]
        for index, level in enumerate(self.levels):
            if breach(value, level.threshold):
                return level.state
            if index >= rank and level.recovery is not None and not recovered(value, level.recovery):
                return level.state
        return DD_OK


def monitor_thresholds(resource: PlannedResource, comparator: str, query_threshold: Optional[float] = None) -> Thresholds:
    """`monitorThresholds` of a monitor: critical must equal the query's number (Datadog rejects it otherwise)."""
    found: Mapping[str, Any] = resource.inputs.get("monitorThresholds") or {}
    check_inputs(resource, ("critical", "criticalRecovery", "warning", "warningRecovery"), found, "monitorThresholds.")
    if found.get("critical") is None:
        raise ReplayError("monitorThresholds.critical is required", resource.name)

    def value(key: str) -> Optional[float]:
        raw = found.get(key)
        return None if raw is None else number(resource, raw, f"monitorThresholds.{key}")

    critical = value("critical")
    assert critical is not None
    if query_threshold is not None and critical != query_threshold:
        raise ReplayError(f"monitorThresholds.critical ({critical:g}) differs from the query's threshold ({query_threshold:g})", resource.name)
    levels = [Level(DD_ALERT, critical, value("criticalRecovery"))]
    warning = value("warning")
    if warning is not None:
        levels.append(Level(DD_WARN, warning, value("warningRecovery")))
    elif value("warningRecovery") is not None:
        raise ReplayError("monitorThresholds.warningRecovery without warning", resource.name)
    thresholds = Thresholds(comparator, tuple(levels))
    for level in levels:
        if level.recovery is not None and thresholds.breaches(level.recovery, level.threshold):
            raise ReplayError(f"the {level.state} recovery threshold {level.recovery:g} itself breaches {comparator} {level.threshold:g}", resource.name)
    return thresholds
