"""A vendor's threshold back in the spec's words: `0.9` (Datadog, seconds) → `900ms`; `600` (CloudWatch, requests per
5-minute period) → `2/s`. The inverse of each realisation's own conversion (`DatadogMetric.value`, `CloudWatchAlarm.
convert`), found by asking it what one unit of the alert's quantity becomes, so no unit is written twice."""

from __future__ import annotations

import math
from typing import Any, Optional, Union

from monitors.datadog.numbers import number
from signals.cloudwatch import Convert
from signals.model import DatadogLogs, DatadogMetric
from spec import Duration, Percent, Rate
from spec.alerts import Alerts, Quantity

Kind = str  # "percent" | "duration" | "rate" | "count" | "number"
SpecValue = Union[Quantity, float]


def registry_kind(alert: str) -> Kind:
    """The quantity a registry alert's thresholds are written in."""
    quantity = Alerts.quantity(alert)
    if quantity is Percent:
        return "percent"
    if quantity is Duration:
        return "duration"
    if quantity is Rate:
        return "rate"
    return "count"


def unit(kind: Kind) -> Any:
    """One of the kind's canonical unit: 1%, 1s, 1/s, 1."""
    return {"percent": Percent(1), "duration": Duration(1000), "rate": Rate(1, "s")}.get(kind, 1)


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def spec_value(kind: Kind, canonical: float) -> Optional[SpecValue]:
    """The spec's value for a number in the kind's canonical unit (percent, seconds, per second), or None when the spec
    cannot write it exactly (a duration of a fraction of a millisecond, a count that is not whole, a percentage over 100)."""
    if kind == "percent":
        return Percent(canonical) if 0 <= canonical <= 100 else None
    if kind == "duration":
        ms = canonical * 1000
        return Duration(round(ms)) if ms >= 1 and _close(ms, round(ms)) else None
    if kind == "rate":
        if canonical < 0:
            return None
        for suffix, seconds in (("s", 1), ("m", 60), ("h", 3600)):
            count = canonical * seconds
            if count >= 1 and _close(count, round(count)):
                return Rate(round(count), suffix)
        return Rate(float(number(canonical)), "s") if _close(float(number(canonical)), canonical) else None
    if kind == "count":
        return round(canonical) if canonical >= 0 and _close(canonical, round(canonical)) else None
    return canonical


def written(value: SpecValue) -> Any:
    """How the spec's YAML writes a value: `900ms`, `1%`, `20/m`, `90`, `0.5`."""
    if isinstance(value, (Duration, Percent, Rate)):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def from_datadog(realisation: Union[DatadogMetric, DatadogLogs], kind: Kind, value: float, window: Duration) -> Optional[SpecValue]:
    """A Datadog monitor's number (in its query and thresholds) as the spec's value."""
    one = unit(kind)
    per_unit = realisation.value(one, window) if kind != "number" else 1.0
    if per_unit == 0:
        return None
    found = spec_value(kind, value / per_unit)
    if found is None:
        return None
    back = realisation.value(found, window) if kind != "number" else float(found)  # type: ignore[arg-type]
    return found if number(back) == number(value) else None


def from_cloudwatch(convert: Convert, kind: Kind, value: float, period: int) -> Optional[SpecValue]:
    """A CloudWatch alarm's threshold as the spec's value (its realisation converts per its period)."""
    per_unit = convert(unit(kind), period) if kind != "number" else 1.0
    if per_unit == 0:
        return None
    found = spec_value(kind, value / per_unit)
    if found is None:
        return None
    back = convert(found, period) if kind != "number" else float(found)  # type: ignore[arg-type]
    return found if _close(round(back, 6), value) else None
