"""One line of what matters per resource: the query, the thresholds, who hears about it."""

from __future__ import annotations

import re
from typing import Any, Callable

from vigil.engine import PlannedResource

HANDLE = re.compile(r"(?<![\w@])@[A-Za-z0-9][A-Za-z0-9_.+\-@]*[A-Za-z0-9]")

Summariser = Callable[[dict[str, Any]], list[str]]


def _datadog_monitor(inputs: dict[str, Any]) -> list[str]:
    thresholds = inputs.get("monitorThresholds") or {}
    levels = ", ".join(f"{k} {v}" for k, v in sorted(thresholds.items()))
    handles = sorted(set(HANDLE.findall(str(inputs.get("message", "")))))
    return [
        f"{inputs.get('type', '')}: {inputs.get('query', '')}",
        *( [f"thresholds: {levels}"] if levels else [] ),
        *( [f"notifies: {' '.join(handles)}"] if handles else [] ),
    ]


def _log_group(inputs: dict[str, Any]) -> list[str]:
    return [f"{inputs.get('name')} · retention {inputs.get('retentionInDays')} d"]


SUMMARISERS: dict[str, Summariser] = {
    "datadog:index/monitor:Monitor": _datadog_monitor,
    "aws:cloudwatch/logGroup:LogGroup": _log_group,
}


def summarise(resource: PlannedResource) -> list[str]:
    """Lines describing a resource; the name of the thing when nothing more specific is known."""
    summariser = SUMMARISERS.get(resource.type)
    if summariser is not None:
        return summariser(resource.inputs)
    name = resource.inputs.get("name")
    return [str(name)] if name else []


def short_type(type_token: str) -> str:
    """`aws:cloudwatch/metricAlarm:MetricAlarm` -> `aws:MetricAlarm`."""
    package = type_token.split(":", 1)[0]
    return f"{package}:{type_token.rsplit(':', 1)[-1]}"
