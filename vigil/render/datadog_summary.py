"""What matters of each Datadog resource type, in a line or two."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..routing import handles


def _block(message: str, name: str) -> str:
    match = re.search(r"\{\{#" + name + r"\}\}(.*?)\{\{/" + name + r"\}\}", message, re.S)
    return match.group(1) if match else ""


def _notified(inputs: dict[str, Any]) -> list[str]:
    """Who hears about each state: the alert and warning blocks' handles (else every handle in the message)."""
    message = str(inputs.get("message", ""))
    states = [(state, handles(_block(message, f"is_{state}"))) for state in ("alert", "warning")]
    shown = [f"{state}: {' '.join(found)}" for state, found in states if found]
    if shown:
        return [f"notifies on {'; '.join(shown)}"]
    notified = handles(message)
    return [f"notifies: {' '.join(notified)}"] if notified else ["notifies: nobody"]


def monitor(inputs: dict[str, Any]) -> list[str]:
    thresholds = inputs.get("monitorThresholds") or {}
    levels = ", ".join(f"{k} {v}" for k, v in sorted(thresholds.items()))
    lines = [f"{inputs.get('type', '')}: {inputs.get('query', '')}"]
    if levels:
        lines.append(f"thresholds: {levels}" + (f" · priority P{inputs['priority']}" if inputs.get("priority") else ""))
    return lines + _notified(inputs)


def slo(inputs: dict[str, Any]) -> list[str]:
    targets = ", ".join(
        f"{t.get('target')}% over {t.get('timeframe')}" + (f" (warning {t['warning']}%)" if t.get("warning") else "")
        for t in inputs.get("thresholds") or []
    )
    lines = [f"{inputs.get('type', '')} SLO {inputs.get('name', '')}: {targets}"]
    query = inputs.get("query") or {}
    if query:
        lines.append(f"good: {query.get('numerator', '')}")
        lines.append(f"total: {query.get('denominator', '')}")
    time_slice = (inputs.get("sliSpecification") or {}).get("timeSlice") or {}
    if time_slice:
        metric = ((time_slice.get("query") or {}).get("queries") or [{}])[0].get("metricQuery") or {}
        lines.append(
            f"good slice ({time_slice.get('queryIntervalSeconds', 300)} s): "
            f"{metric.get('query', '')} {time_slice.get('comparator', '')} {time_slice.get('threshold', '')}"
        )
    return lines


def synthetics(inputs: dict[str, Any]) -> list[str]:
    request = inputs.get("requestDefinition") or {}
    options = inputs.get("optionsList") or {}
    asserts = ", ".join(f"{a.get('type')} {a.get('operator')} {a.get('target')}" for a in inputs.get("assertions") or [])
    return [
        f"{inputs.get('type')}/{inputs.get('subtype')} {request.get('method', '')} {request.get('url', '')}: {asserts}",
        f"every {options.get('tickEvery')} s from {', '.join(inputs.get('locations') or [])}; "
        f"alert when {options.get('minLocationFailed')} fail · priority P{options.get('monitorPriority')}",
        *_notified(inputs),
    ]


def dashboard(inputs: dict[str, Any]) -> list[str]:
    widgets = inputs.get("widgets") or []
    kinds = [next(iter(w), "?").replace("Definition", "") for w in widgets]
    return [f"{inputs.get('title', '')}: {len(widgets)} widgets ({', '.join(kinds)})"]


def downtime(inputs: dict[str, Any]) -> list[str]:
    tags = ((inputs.get("monitorIdentifier") or {}).get("monitorTags")) or []
    once = inputs.get("oneTimeSchedule")
    if once:
        when = f"once, {once.get('start')} to {once.get('end')}"
    else:
        recurring = inputs.get("recurringSchedule") or {}
        when = "; ".join(
            f"{r.get('rrule')} from {r.get('start')} for {r.get('duration')}" for r in recurring.get("recurrences") or []
        ) + f" ({recurring.get('timezone', 'UTC')})"
    return [f"mutes monitors tagged {', '.join(map(str, tags))} (scope {inputs.get('scope')}): {when}"]


SUMMARISERS: dict[str, Callable[[dict[str, Any]], list[str]]] = {
    "datadog:index/downtimeSchedule:DowntimeSchedule": downtime,
    "datadog:index/monitor:Monitor": monitor,
    "datadog:index/serviceLevelObjective:ServiceLevelObjective": slo,
    "datadog:index/syntheticsTest:SyntheticsTest": synthetics,
    "datadog:index/dashboard:Dashboard": dashboard,
}
