"""What matters of each AWS resource type, in a line or two."""

from __future__ import annotations

from typing import Any, Callable


def log_group(inputs: dict[str, Any]) -> list[str]:
    return [f"{inputs.get('name')} · retention {inputs.get('retentionInDays')} d"]


SUMMARISERS: dict[str, Callable[[dict[str, Any]], list[str]]] = {
    "aws:cloudwatch/logGroup:LogGroup": log_group,
}
