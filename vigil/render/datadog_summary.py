"""What matters of each Datadog resource type, in a line or two."""

from __future__ import annotations

import re
from typing import Any, Callable

HANDLE = re.compile(r"(?<![\w@])@[A-Za-z0-9][A-Za-z0-9_.+\-@]*[A-Za-z0-9]")


def handles(text: str) -> list[str]:
    return sorted(set(HANDLE.findall(text)))


def monitor(inputs: dict[str, Any]) -> list[str]:
    thresholds = inputs.get("monitorThresholds") or {}
    levels = ", ".join(f"{k} {v}" for k, v in sorted(thresholds.items()))
    notified = handles(str(inputs.get("message", "")))
    lines = [f"{inputs.get('type', '')}: {inputs.get('query', '')}"]
    if levels:
        lines.append(f"thresholds: {levels}")
    if notified:
        lines.append(f"notifies: {' '.join(notified)}")
    return lines


SUMMARISERS: dict[str, Callable[[dict[str, Any]], list[str]]] = {
    "datadog:index/monitor:Monitor": monitor,
}
